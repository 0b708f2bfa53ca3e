"""Reading the daily pulse: counts per day and face for one unit, grouped in SQL."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count
from django.utils import timezone

from pulse.models import SATISFIED_VALUES, PulseAnswer, PulseValue
from reports.ikm import round_half_up

BOARD_DAYS = 30


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
    today = today or timezone.localdate()
    return pulse_days(unit_id=unit_id, start=today - timedelta(days=days - 1), end=today)


def pulse_today(*, unit_id: int, today: date | None = None) -> PulseDay:
    today = today or timezone.localdate()
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
        "updated_at": timezone.localtime().isoformat(timespec="seconds"),
    }
