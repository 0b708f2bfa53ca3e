"""The monev rules as plain functions (no ORM): compliance percentage, key documents, the two items the
system fills in from its own data, and how weak a unit is on monev and IKM together. See docs/monev.md."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from reports.ikm import round_half_up

MET, PARTLY, NOT_MET = "met", "partly", "not_met"
# Not assessed (None) weighs like "not met": an item nobody has checked is not shown to be fulfilled.
WEIGHTS = {MET: Fraction(1), PARTLY: Fraction(1, 2), NOT_MET: Fraction(0), None: Fraction(0)}
# Below this compliance a unit is weak on monev (three quarters of the checklist).
COMPLIANCE_WEAK_BELOW = Decimal("75.00")
# An IKM is weak when its grade is below B (C or D), read with the unit's own regulation's bands.
GRADES_BELOW_B = ("C", "D")


def compliance_percent(statuses: Sequence[str | None]) -> Decimal | None:
    """Met = 1, partly met = 0.5, not met or not assessed = 0, over every item; in percent, 2 decimals
    half up. None for an empty checklist."""
    if not statuses:
        return None
    return round_half_up(sum(WEIGHTS[status] for status in statuses) / len(statuses) * 100, 2)


def key_items_missing(items: Iterable[tuple[str, bool, str | None]]) -> list[str]:
    """Names of the key items (name, is_key, status) that are not met or not assessed yet."""
    return [name for name, is_key, status in items if is_key and status in (NOT_MET, None)]


def carried_out_status(*, respondents: int, required: int | None) -> str:
    """SKM carried out: met when the year's respondents reach the minimum sample, partly met with fewer
    (or while the population, hence the minimum, is unknown), not met without respondents."""
    if respondents <= 0:
        return NOT_MET
    if required is not None and respondents >= required:
        return MET
    return PARTLY


def published_status(*, whole_year: bool, quarters: set[int], quarters_ended: int) -> str:
    """Results published: met with a publication of the whole year, or of at least one quarter and every
    quarter of the year that has ended; partly met with some quarters only; not met without any."""
    if whole_year:
        return MET
    if not quarters:
        return NOT_MET
    if set(range(1, quarters_ended + 1)) <= quarters:
        return MET
    return PARTLY


def quarters_ended(*, year: int, today) -> int:
    """How many quarters of `year` have ended before `today` (4 for a past year, 0 for a future one)."""
    if year < today.year:
        return 4
    if year > today.year:
        return 0
    return (today.month - 1) // 3


# Monev beside the IKM ---------------------------------------------------------------------------------------

BOTH_WEAK, MONEV_WEAK, IKM_WEAK, BOTH_GOOD, NO_IKM = "both_weak", "monev_weak", "ikm_weak", "both_good", "no_ikm"
QUADRANT_ORDER = (BOTH_WEAK, MONEV_WEAK, IKM_WEAK, BOTH_GOOD, NO_IKM)


@dataclass(frozen=True)
class Standing:
    """A unit's compliance and converted IKM; `ikm_weak` says whether its grade is below B (C or D)."""

    key: object
    compliance: Decimal
    ikm: Decimal | None
    ikm_weak: bool

    @property
    def quadrant(self) -> str:
        if self.ikm is None:
            return NO_IKM
        monev_weak = self.compliance < COMPLIANCE_WEAK_BELOW
        if monev_weak and self.ikm_weak:
            return BOTH_WEAK
        if monev_weak:
            return MONEV_WEAK
        return IKM_WEAK if self.ikm_weak else BOTH_GOOD


def weakest_first(standings: Iterable[Standing]) -> list[Standing]:
    """Both weak first, then weak on monev only, weak on IKM only, good on both, and units without an IKM;
    within a group the lower sum of compliance and IKM (both on a 0-100 scale) first."""
    return sorted(standings, key=lambda found: (QUADRANT_ORDER.index(found.quadrant),
                                                found.compliance + (found.ikm or 0)))
