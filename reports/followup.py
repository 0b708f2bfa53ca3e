"""The follow-up (RTL) indicators of PEKPPP, as plain functions over plain facts (docs/follow-up.md).

- A surveyed period is a quarter (plans are made per quarter) in which the unit has respondents.
- Its weak elements are, among its three lowest converted element scores (ties in questionnaire order, as the
  dashboard highlights them), those graded below B. A quarter with none has nothing to follow up.
- A surveyed unit is covered when, in every quarter of the year it was surveyed, each weak element has a plan
  made for that quarter (any status). Units with nothing to follow up count as covered and are also counted
  apart (`units_without_weak`), so the figure never hides them.
- The plans of a year are those made after its quarters' surveys; completed ones count towards the percentage.
- Days to completion run from the last day of the surveyed quarter to the completion date; a completion on or
  before that day counts 0. Only completed plans have days: late completions count their real days, plans never
  completed count only against the percentage completed (and as overdue once past their due date).
- Median and 90th percentile interpolate linearly between ranks, as spreadsheet MEDIAN and PERCENTILE.INC do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from reports.ikm import round_half_up
from reports.periods import Period

WEAKEST = 3
GOOD_GRADES = frozenset({"A", "B"})
DONE = "done"


class ElementResult(NamedTuple):  # a tuple: thousands are made for a region's year
    code: str
    converted: Decimal | int  # NRR x 25 rounded as shown, or the same in hundredths (only compared)
    letter: str  # its grade


@dataclass(frozen=True)
class SurveyedQuarter:
    unit_id: int
    quarter: int
    weak_codes: frozenset[str]  # the elements that need a plan


@dataclass(frozen=True)
class PlanFacts:
    unit_id: int
    quarter: int  # the surveyed quarter it answers
    element_code: str
    status: str
    due_date: date
    completed_on: date | None  # the day of the last completion, while completed


@dataclass(frozen=True)
class FollowUpIndicators:
    """The follow-up figures of a set of units for a year."""

    year: int
    surveyed_units: int  # units with respondents in at least one quarter of the year
    covered_units: int  # of them, those whose weak elements each have a plan in every surveyed quarter
    units_without_weak: int  # of the covered, those with no element below B in any surveyed quarter
    plans: int  # plans made after the year's surveys
    plans_completed: int
    completed_late: int  # completed after their due date
    overdue: int  # not completed and due before today
    median_days: Decimal | None  # days from the end of the surveyed quarter to completion, one decimal
    p90_days: Decimal | None

    @property
    def weak_covered_percent(self) -> Decimal | None:
        return percent(self.covered_units, self.surveyed_units)

    @property
    def completed_percent(self) -> Decimal | None:
        return percent(self.plans_completed, self.plans)


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in percent, one decimal (half up); None when there is no whole."""
    return round_half_up(Fraction(100 * part, whole), 1) if whole else None


def percentile(values: Sequence[int], share: Fraction) -> Decimal | None:
    """The value below which `share` of the values lie, interpolating linearly between ranks (PERCENTILE.INC),
    one decimal; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    exact = ordered[low] + (position - low) * (ordered[high] - ordered[low])
    return round_half_up(Fraction(exact), 1)


def weak_codes(elements: Iterable[ElementResult]) -> frozenset[str]:
    """The elements of a surveyed quarter that need a plan: of its three lowest (ties in the given order),
    those graded below B."""
    lowest = sorted(elements, key=lambda element: element.converted)[:WEAKEST]
    return frozenset(element.code for element in lowest if element.letter not in GOOD_GRADES)


def is_overdue(*, status: str, due_date: date, today: date) -> bool:
    return status != DONE and due_date < today


def days_to_completion(*, year: int, quarter: int, completed_on: date) -> int:
    """Days from the surveyed quarter's last day to the completion; 0 when completed by then."""
    return max((completed_on - Period.quarter(year, quarter).end).days, 0)


def follow_up_indicators_compute(*, year: int, surveyed: Iterable[SurveyedQuarter], plans: Iterable[PlanFacts],
                                 today: date) -> FollowUpIndicators:
    """The indicators of one set of units for a year, from its surveyed quarters and its plans of that year."""
    plans = list(plans)
    planned = {(plan.unit_id, plan.quarter, plan.element_code) for plan in plans}
    quarters_of = defaultdict(list)
    for found in surveyed:
        quarters_of[found.unit_id].append(found)
    covered = without_weak = 0
    for quarters in quarters_of.values():
        if all((found.unit_id, found.quarter, code) in planned for found in quarters for code in found.weak_codes):
            covered += 1
            without_weak += not any(found.weak_codes for found in quarters)
    completed = [plan for plan in plans if plan.status == DONE and plan.completed_on is not None]
    days = [days_to_completion(year=year, quarter=plan.quarter, completed_on=plan.completed_on) for plan in completed]
    return FollowUpIndicators(
        year=year, surveyed_units=len(quarters_of), covered_units=covered, units_without_weak=without_weak,
        plans=len(plans), plans_completed=len(completed),
        completed_late=sum(1 for plan in completed if plan.completed_on > plan.due_date),
        overdue=sum(1 for plan in plans if is_overdue(status=plan.status, due_date=plan.due_date, today=today)),
        median_days=percentile(days, Fraction(1, 2)), p90_days=percentile(days, Fraction(9, 10)))
