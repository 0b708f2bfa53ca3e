"""Daily pulse answers: one tap on a kiosk in pulse mode. Kept apart from SKM responses (docs/pulse.md):
they never become a surveys.Response, never enter the tallies and never any IKM figure."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PulseValue(models.IntegerChoices):
    VERY_UNSATISFIED = 1, _("Sangat tidak puas")
    UNSATISFIED = 2, _("Tidak puas")
    SATISFIED = 3, _("Puas")
    VERY_SATISFIED = 4, _("Sangat puas")


# Puas and Sangat puas: the share of satisfied answers on the board.
SATISFIED_VALUES = (PulseValue.SATISFIED, PulseValue.VERY_SATISFIED)


class PulseAnswer(models.Model):
    unit = models.ForeignKey("agencies.ServiceUnit", verbose_name=_("unit layanan"), on_delete=models.PROTECT,
                             related_name="pulse_answers")
    kiosk = models.ForeignKey("surveys.Kiosk", verbose_name=_("kios"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="pulse_answers")
    # Made by the tablet when the face is tapped: a replay of the same answer carries the same key.
    key = models.UUIDField(_("kunci"), unique=True)
    value = models.PositiveSmallIntegerField(_("nilai"), choices=PulseValue.choices,
                                             validators=[MinValueValidator(1), MaxValueValidator(4)])
    answered_at = models.DateTimeField(_("waktu menjawab"))
    received_at = models.DateTimeField(_("diterima"), auto_now_add=True)
    # The local date (the region's time zone) of answered_at: the board's day, stored so it is grouped in SQL.
    day = models.DateField(_("hari"))

    class Meta:
        ordering = ["-answered_at"]
        verbose_name = _("jawaban denyut")
        verbose_name_plural = _("jawaban denyut")
        indexes = [models.Index(fields=["unit", "day"], name="pulse_unit_day")]
        constraints = [models.CheckConstraint(condition=Q(value__gte=1, value__lte=4), name="pulse_value_1_to_4")]

    def __str__(self):
        return f"{self.unit_id} {self.day} {self.value}"
