"""When a participating unit is falling behind its target."""

from datetime import date, timedelta
from fractions import Fraction


def share_elapsed(*, start: date, end: date, today: date) -> Fraction:
    """The share of the campaign's days that are over: none before and on the first day, all after the last."""
    days = (end - start).days + 1
    over = (min(today, end + timedelta(days=1)) - start).days
    return Fraction(min(max(over, 0), days), days)


def is_behind(*, respondents: int, target: int | None, start: date, end: date, today: date) -> bool:
    """Behind: the share of the target reached is smaller than the share of the period that is over.

    A unit without a target (no population recorded) is never called behind: its target is unknown."""
    if not target:
        return False
    return Fraction(respondents, target) < share_elapsed(start=start, end=end, today=today)
