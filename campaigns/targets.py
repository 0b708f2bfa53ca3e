"""How many respondents each participating unit should reach: a fixed number, or the Krejcie-Morgan sample
of the unit's service users (agencies.Population) in the period that holds the campaign."""

from datetime import date

from reports.periods import Period
from reports.sampling import krejcie_morgan
from reports.selectors import population_by_unit


def population_periods(start: date, end: date) -> list[Period]:
    """The recorded periods whose population stands for a campaign from start to end: the quarter, semester
    and year holding the whole campaign, smallest first (none when it spans two years)."""
    return [period for kind in ("quarter", "semester", "year")
            if (period := Period.containing(start, kind)).end >= end]


def populations_for_campaign(*, unit_ids, start: date, end: date) -> dict[int, int]:
    """Each unit's service users in the smallest period holding the campaign that has them recorded."""
    unit_ids = list(unit_ids)
    found: dict[int, int] = {}
    for period in population_periods(start, end):
        missing = [unit_id for unit_id in unit_ids if unit_id not in found]
        if not missing:
            break
        found.update(population_by_unit(unit_ids=missing, period=period))
    return found


def targets_by_unit(*, unit_ids, start: date, end: date, fixed: int | None) -> dict[int, int | None]:
    """Unit id -> target; None when it comes from population and the unit has none recorded."""
    if fixed is not None:
        return {unit_id: fixed for unit_id in unit_ids}
    populations = populations_for_campaign(unit_ids=unit_ids, start=start, end=end)
    return {unit_id: krejcie_morgan(populations[unit_id]) if unit_id in populations else None
            for unit_id in unit_ids}
