"""The IKM arithmetic of SKM-SPEC.md sections 3 and 4, exact and free of Django.

Everything is computed with Fraction; values are rounded only where they are shown, half up.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from statistics import NormalDist

from django.utils import translation

SCORES = (1, 2, 3, 4)
SCALE = 25  # turns the 1..4 index into the published 25..100 value
LOWEST_CONVERTED = Decimal("25.00")
HIGHEST_CONVERTED = Decimal("100.00")

ValueCounts = tuple[int, int, int, int]  # answers valued 1, 2, 3 and 4 for one element


def round_half_up(value: Fraction | Decimal | int, places: int) -> Decimal:
    """Round exactly, halves away from zero (ROUND_HALF_UP): 64.995 gives 65.00."""
    if isinstance(value, float):
        raise TypeError("round_half_up takes exact numbers; a float cannot hold 64.995")
    exact = value if isinstance(value, Fraction) else Fraction(value)
    numerator, denominator = exact.numerator, exact.denominator
    # floor(|x| * 10^places + 1/2) in integers: the IKM of every unit of a region is rounded this way
    units = (2 * abs(numerator) * 10 ** places + denominator) // (2 * denominator)
    if numerator < 0:
        units = -units
    return Decimal(f"{units}E{-places}")


@dataclass(frozen=True)
class Grade:
    letter: str
    performance: str
    performance_en: str

    @property
    def performance_shown(self) -> str:
        """The label in the language of the screen; documents are built in Indonesian."""
        return self.performance_en if translation.get_language() == "en" else self.performance


GRADE_A = Grade("A", "Sangat Baik", "Very good")
GRADE_B = Grade("B", "Baik", "Good")
GRADE_C = Grade("C", "Kurang Baik", "Poor")
GRADE_D = Grade("D", "Tidak Baik", "Not good")
GRADES = {grade.letter: grade for grade in (GRADE_A, GRADE_B, GRADE_C, GRADE_D)}


@dataclass(frozen=True, eq=False)  # one instance per regulation: hashed by identity, cheap as a cache key
class Regulation:
    code: str
    element_count: int
    bands: tuple[tuple[Decimal, Grade], ...]  # (lowest converted value of the band, grade), ascending

    @property
    def element_codes(self) -> tuple[str, ...]:
        return tuple(f"U{position}" for position in range(1, self.element_count + 1))

    @property
    def weight(self) -> Fraction:
        return Fraction(1, self.element_count)

    def grade(self, converted: Decimal) -> Grade:
        """The grade of a converted value that is already rounded to 2 places (spec section 4)."""
        if converted != round_half_up(converted, 2):
            raise ValueError(f"{converted} must be rounded to 2 places before it is graded")
        if not LOWEST_CONVERTED <= converted <= HIGHEST_CONVERTED:
            raise ValueError(f"{converted} is outside the converted scale 25.00..100.00")
        return next(grade for lowest, grade in reversed(self.bands) if converted >= lowest)

    def round_and_grade(self, converted: Fraction | Decimal) -> tuple[Decimal, Grade]:
        """Round an exact converted value once, then grade the rounded value: 64.995 is 65.00, C."""
        rounded = round_half_up(converted, 2)
        return rounded, self.grade(rounded)


PERMENPAN_14_2017 = Regulation(
    code="permenpan-14-2017",
    element_count=9,
    bands=(
        (Decimal("25.00"), GRADE_D),
        (Decimal("65.00"), GRADE_C),
        (Decimal("76.61"), GRADE_B),
        (Decimal("88.31"), GRADE_A),
    ),
)
KEPMENPAN_25_2004 = Regulation(
    code="kepmenpan-25-2004",
    element_count=14,
    bands=(
        (Decimal("25.00"), GRADE_D),
        (Decimal("43.76"), GRADE_C),
        (Decimal("62.51"), GRADE_B),
        (Decimal("81.26"), GRADE_A),
    ),
)
REGULATIONS = {regulation.code: regulation for regulation in (PERMENPAN_14_2017, KEPMENPAN_25_2004)}


@dataclass(frozen=True)
class ElementTotal:
    """The answers to one element: the total of their scores and how many there are."""

    code: str
    sum: int
    count: int


@dataclass(frozen=True)
class ElementScore:
    code: str
    sum: int
    count: int
    nrr: Fraction
    weighted_nrr: Fraction
    converted: Decimal
    grade: Grade


@dataclass(frozen=True)
class IkmResult:
    regulation: Regulation
    elements: tuple[ElementScore, ...]
    ikm: Fraction
    ikm_converted: Decimal
    grade: Grade

    def lowest_elements(self, k: int = 3) -> tuple[ElementScore, ...]:
        """The k elements with the lowest NRR; ties keep questionnaire order (the sort is stable)."""
        return tuple(sorted(self.elements, key=lambda element: element.nrr)[:k])


class MissingAnswers(ValueError):
    """Elements nobody answered: there is no IKM then, rather than one silently re-weighted."""

    def __init__(self, codes: Sequence[str]):
        self.codes = tuple(codes)
        super().__init__(f"no answers for element(s) {', '.join(self.codes)}")


def compute_ikm(totals: Sequence[ElementTotal], regulation: Regulation) -> IkmResult:
    """NRR per element, IKM = sum of NRR x 1/n, converted = IKM x 25 (spec section 3)."""
    if len(totals) != regulation.element_count:
        raise ValueError(
            f"{regulation.code} has {regulation.element_count} elements, got totals for {len(totals)}"
        )
    codes = [total.code for total in totals]
    duplicates = list(dict.fromkeys(code for code in codes if codes.count(code) > 1))
    if duplicates:
        raise ValueError(f"element(s) {', '.join(duplicates)} given more than once")
    for total in totals:
        if total.count < 0 or not total.count <= total.sum <= SCORES[-1] * total.count:
            raise ValueError(
                f"element {total.code}: a sum of {total.sum} is impossible for {total.count} answers"
            )
    missing = [total.code for total in totals if total.count == 0]
    if missing:
        raise MissingAnswers(missing)

    elements = tuple(element_score(total, regulation) for total in totals)
    # The sum of the weighted NRRs over one common denominator: a single Fraction instead of n additions.
    common = math.lcm(*(total.count for total in totals))
    ikm = Fraction(sum(total.sum * (common // total.count) for total in totals), common * regulation.element_count)
    ikm_converted, grade = regulation.round_and_grade(ikm * SCALE)
    return IkmResult(regulation, elements, ikm, ikm_converted, grade)


def element_score(total: ElementTotal, regulation: Regulation) -> ElementScore:
    """One answered element's NRR, weighted NRR (x 1/n), NRR x 25 and grade."""
    nrr = Fraction(total.sum, total.count)
    converted, grade = regulation.round_and_grade(Fraction(total.sum * SCALE, total.count))
    return ElementScore(
        code=total.code,
        sum=total.sum,
        count=total.count,
        nrr=nrr,
        weighted_nrr=Fraction(total.sum, total.count * regulation.element_count),
        converted=converted,
        grade=grade,
    )


@dataclass(frozen=True, slots=True)
class RankedIkm:
    """A unit's IKM for ranking and recaps, computed by ikm_ranked: exactly compute_ikm's values."""

    numerator: int  # the IKM (1..4) is numerator / denominator, not reduced
    denominator: int
    ikm_converted: Decimal
    grade: Grade

    @property
    def ikm(self) -> Fraction:
        return Fraction(self.numerator, self.denominator)


@functools.cache
def _bands_in_hundredths(regulation: Regulation) -> tuple[tuple[int, Grade], ...]:
    """The grade bands as the lowest converted value in hundredths, highest band first."""
    return tuple((int(lowest * 100), grade) for lowest, grade in reversed(regulation.bands))


def ikm_ranked(value_counts: Sequence[ValueCounts], regulation: Regulation) -> RankedIkm:
    """compute_ikm's IKM, converted IKM and grade from the elements' counts of values 1..4, in integers only:
    no Fraction, NRR or grade per element, for scoring hundreds of units at once (tests/test_ikm_ranked.py
    proves the results equal). Raises MissingAnswers when an element has no answers."""
    if len(value_counts) != regulation.element_count:
        raise ValueError(
            f"{regulation.code} has {regulation.element_count} elements, got counts for {len(value_counts)}"
        )
    sums, counts = [], []
    for c1, c2, c3, c4 in value_counts:
        if c1 < 0 or c2 < 0 or c3 < 0 or c4 < 0:
            raise ValueError(f"{(c1, c2, c3, c4)} is not four counts of answers valued 1-4")
        sums.append(c1 + 2 * c2 + 3 * c3 + 4 * c4)
        counts.append(c1 + c2 + c3 + c4)
    return ikm_ranked_totals(sums, counts, regulation)


def ikm_ranked_totals(sums: Sequence[int], counts: Sequence[int], regulation: Regulation) -> RankedIkm:
    """ikm_ranked from each element's sum of values and number of answers (a result known only by its sums)."""
    if len(sums) != regulation.element_count or len(counts) != regulation.element_count:
        raise ValueError(f"{regulation.code} has {regulation.element_count} elements")
    if 0 in counts:
        raise MissingAnswers([code for code, count in zip(regulation.element_codes, counts) if not count])
    # sum(sum_i / count_i) / n over the common denominator, as compute_ikm does.
    common = math.lcm(*counts)
    numerator = sum(total * (common // count) for total, count in zip(sums, counts))
    denominator = common * regulation.element_count
    hundredths = _converted_hundredths(numerator, denominator)
    return RankedIkm(numerator, denominator, Decimal(f"{hundredths}E-2"), _grade_of(hundredths, regulation))


def _converted_hundredths(numerator: int, denominator: int) -> int:
    """round_half_up(numerator * 25 / denominator, 2) in hundredths, in integers (the fraction need not be reduced)."""
    return (2 * numerator * SCALE * 100 + denominator) // (2 * denominator)


def _grade_of(hundredths: int, regulation: Regulation) -> Grade:
    for lowest, grade in _bands_in_hundredths(regulation):
        if hundredths >= lowest:
            return grade
    raise ValueError(f"{hundredths / 100} is below the converted scale")


def element_ranked(total: int, count: int, regulation: Regulation) -> tuple[int, Grade]:
    """element_score's converted value (NRR x 25, rounded) in hundredths and its grade, in integers only: for the
    weak elements of hundreds of unit-quarters at once (tests/test_ikm_ranked.py proves them equal)."""
    if count <= 0:
        raise ValueError("an element without answers has no score")
    hundredths = _converted_hundredths(total, count)
    return hundredths, _grade_of(hundredths, regulation)


def element_totals(value_counts: Sequence[ValueCounts], regulation: Regulation) -> list[ElementTotal]:
    """Totals for elements U1..Un from their counts of answers valued 1, 2, 3 and 4."""
    if len(value_counts) != regulation.element_count:
        raise ValueError(
            f"{regulation.code} has {regulation.element_count} elements, got counts for {len(value_counts)}"
        )
    totals = []
    for code, counts in zip(regulation.element_codes, value_counts):
        if len(counts) != len(SCORES) or any(count < 0 for count in counts):
            raise ValueError(f"element {code}: {counts} is not four counts of answers valued 1-4")
        totals.append(ElementTotal(code, sum(s * c for s, c in zip(SCORES, counts)), sum(counts)))
    return totals


def _ikm_and_standard_error(
    value_counts: Sequence[ValueCounts], regulation: Regulation
) -> tuple[Fraction, float]:
    """The exact IKM (1..4) and an upper bound of its standard error, the mean of the elements' ones."""
    result = compute_ikm(element_totals(value_counts, regulation), regulation)
    standard_errors = []
    for element, counts in zip(result.elements, value_counts):
        if element.count < 2:
            standard_errors.append(math.inf)  # one answer says nothing about the spread
            continue
        squares = sum(count * (score - element.nrr) ** 2 for score, count in zip(SCORES, counts))
        standard_errors.append(math.sqrt(squares / (element.count - 1) / element.count))
    return result.ikm, math.fsum(standard_errors) / regulation.element_count


def _z(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"a confidence level is between 0 and 1, not {level}")
    return NormalDist().inv_cdf((1 + level) / 2)


def ikm_confidence_interval(
    value_counts: Sequence[ValueCounts], regulation: Regulation, level: float = 0.95
) -> tuple[Decimal, Decimal]:
    """Confidence interval of the converted IKM, clamped to 25..100 and rounded half up to 2 places.

    The IKM is a mean of element means whose covariances are unknown, so its standard error is
    bounded by the mean of the elements' standard errors (sample sd / sqrt(count)): exact when the
    elements are perfectly correlated, larger otherwise, which makes the interval conservative.
    An element answered only once has no spread estimate; the interval is then the whole scale.
    """
    ikm, standard_error = _ikm_and_standard_error(value_counts, regulation)
    if math.isinf(standard_error):
        return LOWEST_CONVERTED, HIGHEST_CONVERTED
    centre = ikm * SCALE
    half_width = Fraction(_z(level) * SCALE * standard_error)
    lower = max(centre - half_width, Fraction(LOWEST_CONVERTED))
    upper = min(centre + half_width, Fraction(HIGHEST_CONVERTED))
    return round_half_up(lower, 2), round_half_up(upper, 2)


def change_is_significant(
    current: Sequence[ValueCounts],
    previous: Sequence[ValueCounts],
    regulation: Regulation,
    level: float = 0.95,
) -> bool:
    """Whether the IKM changed between two periods beyond what sampling explains.

    The periods are independent samples, so the change is significant when it exceeds
    z x sqrt(SE1² + SE2²); each SE is the conservative bound of ikm_confidence_interval, so a change
    called significant is one at the given level or stricter.
    """
    current_ikm, current_error = _ikm_and_standard_error(current, regulation)
    previous_ikm, previous_error = _ikm_and_standard_error(previous, regulation)
    margin = _z(level) * math.hypot(current_error, previous_error)
    return abs(float(current_ikm - previous_ikm)) > margin
