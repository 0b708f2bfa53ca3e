from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Region, Service, ServiceUnit
from reports.periods import Period


class Campaign(models.Model):
    """A survey drive over chosen units for a few days or weeks, with a target of respondents per unit.

    Its responses are ordinary responses of the units; the campaign only names the units, the services and
    the period, so every report of that period counts them as usual."""

    class Selection(models.TextChoices):
        DIRECT = "direct", _("Dipilih langsung")
        SAMPLED = "sampled", _("Diundi per kelompok")

    class TargetKind(models.TextChoices):
        FIXED = "fixed", _("Jumlah tetap per unit")
        KREJCIE_MORGAN = "krejcie_morgan", _("Krejcie-Morgan dari populasi unit")

    region = models.ForeignKey(Region, verbose_name=_("pemerintah daerah"), on_delete=models.CASCADE,
                               related_name="campaigns")
    name = models.CharField(_("nama"), max_length=200)
    start = models.DateField(_("tanggal mulai"))
    end = models.DateField(_("tanggal selesai"))
    units = models.ManyToManyField(ServiceUnit, verbose_name=_("unit peserta"), related_name="campaigns")
    selection = models.CharField(_("cara memilih unit"), max_length=10, choices=Selection.choices,
                                 default=Selection.DIRECT)
    sample_agency_kind = models.CharField(_("jenis perangkat daerah yang diundi"), max_length=12, blank=True,
                                          choices=Agency.Kind.choices)
    sample_per_group = models.PositiveSmallIntegerField(_("unit per kelompok"), null=True, blank=True)
    seed = models.PositiveIntegerField(_("seed undian"), null=True, blank=True)
    target_kind = models.CharField(_("target responden"), max_length=16, choices=TargetKind.choices,
                                   default=TargetKind.FIXED)
    target_fixed = models.PositiveIntegerField(_("target per unit"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("dibuat oleh"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        ordering = ["-start", "name"]
        verbose_name = _("kampanye survei")
        verbose_name_plural = _("kampanye survei")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="campaign_end_not_before_start"),
        ]

    def __str__(self):
        return self.name

    @property
    def period(self) -> Period:
        return Period.custom(self.start, self.end)


class CampaignService(models.Model):
    """A service the campaign covers, by name, linked to that service's row at each participating unit."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("kampanye"), on_delete=models.CASCADE,
                                 related_name="campaign_services")
    name = models.CharField(_("nama layanan"), max_length=200)
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)
    unit_services = models.ManyToManyField(Service, verbose_name=_("layanan di unit"),
                                           related_name="campaign_services")

    class Meta:
        ordering = ["campaign", "position", "id"]
        verbose_name = _("layanan kampanye")
        verbose_name_plural = _("layanan kampanye")
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="campaign_service_unique_name")]

    def __str__(self):
        return self.name
