from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ChecklistItem(models.Model):
    """One point of a region's monev checklist for a year (SOP, Standar Pelayanan, ...)."""

    class Kind(models.TextChoices):
        MANUAL = "manual", _("Dinilai evaluator")
        SKM_CARRIED_OUT = "skm_carried_out", _("Otomatis: SKM dilaksanakan")
        SKM_PUBLISHED = "skm_published", _("Otomatis: hasil SKM dipublikasikan")

    region = models.ForeignKey("agencies.Region", verbose_name=_("pemerintah daerah"), on_delete=models.CASCADE,
                               related_name="monev_items")
    year = models.PositiveSmallIntegerField(_("tahun"))
    position = models.PositiveSmallIntegerField(_("urutan"), default=1)
    name = models.CharField(_("butir"), max_length=200)
    is_key = models.BooleanField(_("dokumen kunci"), default=False,
                                 help_text=_("Unit yang belum memenuhi butir ini tercatat kekurangan dokumen kunci."))
    kind = models.CharField(_("cara penilaian"), max_length=20, choices=Kind.choices, default=Kind.MANUAL)

    class Meta:
        ordering = ["region", "year", "position", "id"]
        verbose_name = _("butir monev")
        verbose_name_plural = _("butir monev")
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "name"], name="monev_item_name_unique_per_year"),
            models.UniqueConstraint(fields=["region", "year", "kind"], condition=~Q(kind="manual"),
                                    name="monev_item_one_automatic_kind_per_year"),
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"

    @property
    def name_shown(self) -> str:
        """The name on a screen: the default items (stored in Indonesian) in the screen's language; an item a
        region added itself keeps the words it was given. Documents print `name`."""
        return gettext(self.name)

    @property
    def is_automatic(self) -> bool:
        return self.kind != self.Kind.MANUAL


class Status(models.TextChoices):
    MET = "met", _("Terpenuhi")
    PARTLY = "partly", _("Terpenuhi sebagian")
    NOT_MET = "not_met", _("Tidak terpenuhi")


class Assessment(models.Model):
    """An evaluator's finding on one checklist item at one unit (the item fixes the year)."""

    item = models.ForeignKey(ChecklistItem, verbose_name=_("butir"), on_delete=models.PROTECT,
                             related_name="assessments")
    unit = models.ForeignKey("agencies.ServiceUnit", verbose_name=_("unit layanan"), on_delete=models.CASCADE,
                             related_name="monev_assessments")
    status = models.CharField(_("hasil"), max_length=10, choices=Status.choices)
    note = models.TextField(_("catatan"), max_length=2000, blank=True)
    visited_on = models.DateField(_("tanggal kunjungan"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("dinilai oleh"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    assessed_at = models.DateTimeField(_("dicatat"), auto_now=True)

    class Meta:
        verbose_name = _("penilaian monev")
        verbose_name_plural = _("penilaian monev")
        constraints = [models.UniqueConstraint(fields=["item", "unit"], name="monev_assessment_unique")]

    def __str__(self):
        return f"{self.unit} · {self.item} · {self.get_status_display()}"


class Evidence(models.Model):
    """A file or photo a unit attached to a checklist item. Served only through a scoped view."""

    item = models.ForeignKey(ChecklistItem, verbose_name=_("butir"), on_delete=models.PROTECT,
                             related_name="evidence")
    unit = models.ForeignKey("agencies.ServiceUnit", verbose_name=_("unit layanan"), on_delete=models.CASCADE,
                             related_name="monev_evidence")
    file = models.FileField(_("berkas"), max_length=200)
    original_name = models.CharField(_("nama berkas asli"), max_length=200)
    content_type = models.CharField(_("jenis isi"), max_length=40)
    size = models.PositiveIntegerField(_("ukuran (bita)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("diunggah oleh"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    class Meta:
        ordering = ["item", "uploaded_at", "id"]
        verbose_name = _("bukti monev")
        verbose_name_plural = _("bukti monev")

    def __str__(self):
        return f"{self.unit} · {self.item} · {self.original_name}"
