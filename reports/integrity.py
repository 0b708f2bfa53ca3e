"""The integrity figure beside every IKM (docs/integrity.md): for units and a period, how many answers were
received, counted, excluded (by reason) and are awaiting review, and through which channels the counted ones
came. One selector feeds the dashboards, the recap, the Laporan, the public notice and `integrity_report`, so
`counted` is the IKM's respondents everywhere (both read the same tallies)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from reports.periods import Period
from reports.selectors import _local_days, _respondents
from surveys.models import REVIEW_FLAGS, Channel, Flag, Response

# Excluded by staff by hand (e.g. a suspected repeat), not by an integrity rule.
STAFF_EXCLUSION = "staff"
# More than this share of received answers excluded or awaiting review marks the unit.
MARK_SHARE = Decimal("0.10")


@dataclass
class Integrity:
    received: int = 0
    counted: int = 0
    excluded: dict[str, int] = field(default_factory=dict)
    awaiting_review: int = 0
    channels: dict[str, int] = field(default_factory=dict)  # counted answers per channel

    @property
    def excluded_total(self) -> int:
        return sum(self.excluded.values())

    @property
    def doubtful_share(self) -> Decimal:
        """Excluded plus awaiting review, as a share of received."""
        if not self.received:
            return Decimal(0)
        return Decimal(self.excluded_total + self.awaiting_review) / self.received

    @property
    def marked(self) -> bool:
        return self.doubtful_share > MARK_SHARE

    @property
    def doubtful_percent(self) -> Decimal:
        return (self.doubtful_share * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def channel_percents(self) -> list[tuple[str, str, Decimal]]:
        """(code, label, percent of counted) per channel with answers, in the channels' order."""
        if not self.counted:
            return []
        return [(code, str(label), (Decimal(self.channels[code] * 100) / self.counted).quantize(
                    Decimal("0.1"), ROUND_HALF_UP))
                for code, label in Channel.choices if self.channels.get(code)]

    @property
    def excluded_items(self) -> list[tuple[str, str, int]]:
        """(reason code, label, count) of every reason with exclusions."""
        labels = {**dict(Flag.choices), STAFF_EXCLUSION: _("dikecualikan petugas")}
        return [(code, str(labels.get(code, code)), n) for code, n in sorted(self.excluded.items()) if n]

    def add(self, other: "Integrity") -> None:
        self.received += other.received
        self.counted += other.counted
        self.awaiting_review += other.awaiting_review
        for code, n in other.excluded.items():
            self.excluded[code] = self.excluded.get(code, 0) + n
        for code, n in other.channels.items():
            self.channels[code] = self.channels.get(code, 0) + n

    def as_report(self, *, unit: str, period: str) -> dict:
        """The JSON of `manage.py integrity_report`."""
        return {"unit": unit, "period": period, "received": self.received, "counted": self.counted,
                "excluded": dict(sorted(self.excluded.items())), "awaiting_review": self.awaiting_review}


def integrity_by_unit(*, unit_ids, period: Period) -> dict[int, Integrity]:
    """Each unit's figure (every unit asked for, zeros included): one grouped read of the tallies and one of the
    raw responses that are excluded or awaiting review."""
    unit_ids = list(unit_ids)
    figures = {unit_id: Integrity() for unit_id in unit_ids}
    for (unit_id, channel), n in _respondents(by=("unit_id", "channel"), unit_ids=unit_ids, period=period).items():
        figures[unit_id].channels[channel] = n
        figures[unit_id].counted += n
    start, end = _local_days(period)
    awaiting = Q(excluded_at__isnull=True, flag__in=REVIEW_FLAGS) & (
        Q(flag_group__isnull=True) | Q(flag_group__decision=""))
    rows = (Response.objects.filter(unit_id__any=unit_ids, answered_at__gte=start, answered_at__lt=end)
            .filter(Q(excluded_at__isnull=False) | awaiting)
            .values("unit_id", "flag")
            .annotate(excluded=Count("id", filter=Q(excluded_at__isnull=False)), awaiting=Count("id", filter=awaiting))
            .order_by())
    for row in rows:
        figure = figures[row["unit_id"]]
        if row["excluded"]:
            reason = row["flag"] or STAFF_EXCLUSION
            figure.excluded[reason] = figure.excluded.get(reason, 0) + row["excluded"]
        figure.awaiting_review += row["awaiting"]
    for figure in figures.values():
        figure.received = figure.counted + figure.excluded_total
    return figures


def integrity_pooled(*, unit_ids, period: Period) -> Integrity:
    pooled = Integrity()
    for figure in integrity_by_unit(unit_ids=unit_ids, period=period).values():
        pooled.add(figure)
    return pooled


def integrity_by_agency(*, unit_agency: dict[int, int], period: Period) -> dict[int, Integrity]:
    """Units' figures summed per agency (`unit_agency` maps unit id to agency id)."""
    per_agency = defaultdict(Integrity)
    for unit_id, figure in integrity_by_unit(unit_ids=unit_agency, period=period).items():
        per_agency[unit_agency[unit_id]].add(figure)
    return dict(per_agency)
