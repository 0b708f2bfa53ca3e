from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.periods import Period


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


class PublicationMedium(models.Model):
    """A place where a period's SKM results were published (PEKPPP's "jumlah media publikasi"), recorded for a
    region, an agency or a unit, with a link or a photo as evidence. The app's own public page is not recorded
    here: it counts by itself wherever a publication covers the unit (monev.media)."""

    class Kind(models.TextChoices):
        WEBSITE = "website", _("Situs web")
        SOCIAL = "social", _("Media sosial")
        NOTICE_BOARD = "notice_board", _("Papan pengumuman / banner di loket")
        MASS_MEDIA = "mass_media", _("Koran / radio / televisi")
        SIPPN = "sippn", _("SIPPN")
        OTHER = "other", _("Lainnya")

    region = models.ForeignKey("agencies.Region", verbose_name=_("pemerintah daerah"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("perangkat daerah"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("agencies.ServiceUnit", verbose_name=_("unit layanan"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"))
    period = models.CharField(_("periode"), max_length=10, help_text=_("Misalnya 2026-Q3, 2026-S1 atau 2026."))
    kind = models.CharField(_("jenis media"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("nama media"), max_length=200,
                            help_text=_("Misalnya akun Instagram @dinkes.sukamaju, Radio Suara Sukamaju, papan "
                                        "pengumuman loket."))
    published_on = models.DateField(_("tanggal terbit"))
    url = models.URLField(_("tautan bukti"), max_length=500, blank=True)
    file = models.FileField(_("foto atau berkas bukti"), max_length=200, blank=True)
    original_name = models.CharField(_("nama berkas asli"), max_length=200, blank=True)
    content_type = models.CharField(_("jenis isi"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("dicatat oleh"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        ordering = ["year", "published_on", "id"]
        verbose_name = _("media publikasi hasil SKM")
        verbose_name_plural = _("media publikasi hasil SKM")
        constraints = [
            models.CheckConstraint(
                name="publication_medium_one_scope",
                condition=(Q(region__isnull=False, agency__isnull=True, unit__isnull=True)
                           | Q(region__isnull=True, agency__isnull=False, unit__isnull=True)
                           | Q(region__isnull=True, agency__isnull=True, unit__isnull=False))),
            models.CheckConstraint(name="publication_medium_has_evidence", condition=~Q(url="", file="")),
        ]

    @property
    def scope(self):
        return self.region or self.agency or self.unit

    @property
    def period_label(self) -> str:
        return Period.from_slug(self.period).label

    def __str__(self):
        return f"{self.scope} · {self.period} · {self.get_kind_display()} · {self.name}"
