"""Reading the daily pulse: counts per day and face for one unit, and per unit across a region, grouped in SQL."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Q
from django.utils import timezone

from agencies.zones import unit_today, unit_zones
from pulse.models import SATISFIED_VALUES, PulseAnswer, PulseValue
from reports.ikm import round_half_up

BOARD_DAYS = 30
# The region view's "recent" window: a working week and its weekend, today included.
REGION_RECENT_DAYS = 7
UNHAPPY_VALUES = (PulseValue.VERY_UNSATISFIED, PulseValue.UNSATISFIED)


@dataclass(frozen=True)
class PulseDay:
    """One local day of one unit: the count of each face (values 1..4, in order)."""

    day: date
    counts: tuple[int, int, int, int]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def satisfied(self) -> int:
        return sum(self.counts[value - 1] for value in SATISFIED_VALUES)

    @property
    def satisfied_percent(self) -> Decimal | None:
        """Share of Puas and Sangat puas, in percent to one decimal; None on a day without answers."""
        return round_half_up(Fraction(self.satisfied, self.total) * 100, 1) if self.total else None

    def faces(self) -> list[dict]:
        return [{"value": value, "label": str(label), "count": self.counts[value - 1]}
                for value, label in PulseValue.choices]


def pulse_days(*, unit_id: int, start: date, end: date) -> list[PulseDay]:
    """Every day from end back to start (newest first), days without answers included as zeros."""
    rows = (PulseAnswer.objects.filter(unit_id=unit_id, day__gte=start, day__lte=end)
            .values("day", "value").annotate(n=Count("id")).order_by())
    counts: dict[date, list[int]] = {}
    for row in rows:
        counts.setdefault(row["day"], [0, 0, 0, 0])[row["value"] - 1] = row["n"]
    days = []
    day = end
    while day >= start:
        days.append(PulseDay(day=day, counts=tuple(counts.get(day, (0, 0, 0, 0)))))
        day -= timedelta(days=1)
    return days


def pulse_board(*, unit_id: int, today: date | None = None, days: int = BOARD_DAYS) -> list[PulseDay]:
    """Today (first, from zero at local midnight) and the days before it, newest first."""
    today = today or unit_today(unit_id)
    return pulse_days(unit_id=unit_id, start=today - timedelta(days=days - 1), end=today)


def pulse_today(*, unit_id: int, today: date | None = None) -> PulseDay:
    today = today or unit_today(unit_id)
    return pulse_days(unit_id=unit_id, start=today, end=today)[0]


def pulse_wall_payload(*, unit_id: int, unit_name: str) -> dict:
    """What the wall display shows: today's counts, no personal data (GET /api/v1/pulse/board)."""
    today = pulse_today(unit_id=unit_id)
    return {
        "unit": {"name": unit_name},
        "day": today.day.isoformat(),
        "faces": today.faces(),
        "total": today.total,
        "satisfied": today.satisfied,
        "satisfied_percent": None if today.satisfied_percent is None else float(today.satisfied_percent),
        "updated_at": timezone.localtime(timezone.now(), unit_zones([unit_id])[unit_id]).isoformat(timespec="seconds"),
    }


def _percent(part: int, whole: int) -> Decimal | None:
    return round_half_up(Fraction(part, whole) * 100, 1) if whole else None


@dataclass(frozen=True)
class PulseUnitRow:
    """One unit on the region's pulse view: today's and the recent days' answers, and how many were unhappy
    (Sangat tidak puas or Tidak puas)."""

    unit: object
    today: int
    today_unhappy: int
    recent: int
    recent_unhappy: int

    @property
    def today_unhappy_percent(self) -> Decimal | None:
        return _percent(self.today_unhappy, self.today)

    @property
    def recent_unhappy_percent(self) -> Decimal | None:
        return _percent(self.recent_unhappy, self.recent)


def pulse_region_units(*, units, today: date | None = None, days: int = REGION_RECENT_DAYS) -> list[PulseUnitRow]:
    """Every unit of `units` (a queryset: the caller's scope) with pulse answers in the last `days` days, the
    unhappiest recent share first. One grouped query."""
    today = today or timezone.localdate()
    unhappy = Q(value__in=UNHAPPY_VALUES)
    counts = (PulseAnswer.objects.filter(unit__in=units, day__gte=today - timedelta(days=days - 1), day__lte=today)
              .values("unit_id").order_by()
              .annotate(recent=Count("id"), recent_unhappy=Count("id", filter=unhappy),
                        today=Count("id", filter=Q(day=today)),
                        today_unhappy=Count("id", filter=Q(day=today) & unhappy)))
    by_unit = {row["unit_id"]: row for row in counts}
    found = units.filter(id__in=by_unit).select_related("agency")
    rows = [PulseUnitRow(unit=unit, today=by_unit[unit.id]["today"], today_unhappy=by_unit[unit.id]["today_unhappy"],
                         recent=by_unit[unit.id]["recent"], recent_unhappy=by_unit[unit.id]["recent_unhappy"])
            for unit in found]
    return sorted(rows, key=lambda row: (-row.recent_unhappy_percent, -row.recent, row.unit.name))
