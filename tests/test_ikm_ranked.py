"""reports.ikm.ikm_ranked (integers only, for scoring hundreds of units) gives exactly compute_ikm's IKM,
converted IKM and grade, for any counts: random ones, boundary ones and the counts that land on a grade's
lowest value or on a rounding tie."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given, settings, strategies as st

from reports.ikm import (
    KEPMENPAN_25_2004, PERMENPAN_14_2017, ElementTotal, MissingAnswers, compute_ikm, element_ranked, element_score,
    element_totals, ikm_ranked, ikm_ranked_totals,
)

REGULATIONS = (PERMENPAN_14_2017, KEPMENPAN_25_2004)


def assert_same(value_counts, regulation):
    try:
        exact = compute_ikm(element_totals(value_counts, regulation), regulation)
    except MissingAnswers as missing:
        with pytest.raises(MissingAnswers) as raised:
            ikm_ranked(value_counts, regulation)
        assert raised.value.codes == missing.codes
        return
    fast = ikm_ranked(value_counts, regulation)
    assert fast.ikm == exact.ikm
    assert fast.ikm_converted == exact.ikm_converted
    assert str(fast.ikm_converted) == str(exact.ikm_converted)  # shown the same, two places
    assert fast.grade == exact.grade


counts = st.tuples(*[st.integers(min_value=0, max_value=40)] * 4)
large = st.tuples(*[st.integers(min_value=0, max_value=10**6)] * 4)


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(REGULATIONS).flatmap(
    lambda regulation: st.tuples(st.just(regulation), st.lists(st.one_of(counts, large),
                                                               min_size=regulation.element_count,
                                                               max_size=regulation.element_count))))
@example((PERMENPAN_14_2017, [(0, 0, 0, 1)] * 9))  # 100.00
@example((PERMENPAN_14_2017, [(1, 0, 0, 0)] * 9))  # 25.00
@example((PERMENPAN_14_2017, [(0, 0, 0, 0)] + [(0, 0, 1, 0)] * 8))  # no IKM
def test_ikm_ranked_equals_compute_ikm_for_random_counts(case):
    regulation, value_counts = case
    assert_same(value_counts, regulation)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=10**5).flatmap(
    lambda answers: st.tuples(st.integers(min_value=answers, max_value=4 * answers), st.just(answers))),
    min_size=9, max_size=9))
def test_ikm_ranked_totals_equals_compute_ikm_for_results_known_by_sums(sums_and_counts):
    regulation = PERMENPAN_14_2017
    totals = [ElementTotal(code=code, sum=total, count=answers)
              for code, (total, answers) in zip(regulation.element_codes, sums_and_counts, strict=True)]
    exact = compute_ikm(totals, regulation)
    fast = ikm_ranked_totals([total for total, _ in sums_and_counts], [answers for _, answers in sums_and_counts],
                             regulation)
    assert (fast.ikm, fast.ikm_converted, fast.grade) == (exact.ikm, exact.ikm_converted, exact.grade)


ANSWERS = 400  # per element: the IKM then moves in steps of 1/(n x 400), under a hundredth of the converted scale


def counts_summing_to(total: int, regulation) -> list[tuple[int, int, int, int]]:
    """Each element answered ANSWERS times, the scores of all elements adding up to `total`."""
    value_counts = []
    left = total
    for remaining in range(regulation.element_count, 0, -1):
        score = min(4 * ANSWERS, left - ANSWERS * (remaining - 1))  # the others can still reach their minimum
        extra = score - ANSWERS  # above all ones: threes of value 4, then one answer for the remainder
        fours, rest = divmod(extra, 3)
        counts = [ANSWERS - fours - (1 if rest else 0), 0, 0, fours]
        if rest:
            counts[rest] += 1
        value_counts.append(tuple(counts))
        left -= score
    assert left == 0
    return value_counts


def converted_hundredths(total: int, regulation) -> Fraction:
    return Fraction(total * 25 * 100, regulation.element_count * ANSWERS)


@pytest.mark.parametrize("regulation", REGULATIONS)
def test_it_grades_the_hundredths_around_every_band_edge_alike(regulation):
    lowest_total, highest_total = regulation.element_count * ANSWERS, regulation.element_count * 4 * ANSWERS
    checked = set()
    for edge, _grade in regulation.bands[1:]:
        target = edge * 100
        for total in range(lowest_total, highest_total + 1):
            exact = converted_hundredths(total, regulation)
            if target - 3 <= exact <= target + 2:
                value_counts = counts_summing_to(total, regulation)
                assert_same(value_counts, regulation)
                checked.add(ikm_ranked(value_counts, regulation).ikm_converted)
        # The band's lowest value and the hundredth below it were both reached, graded differently.
        below, at = edge - Decimal("0.01"), edge
        assert {below, at} <= checked
        assert regulation.grade(below) != regulation.grade(at)


@pytest.mark.parametrize("regulation", REGULATIONS)
def test_rounding_ties_round_half_up_like_compute_ikm(regulation):
    lowest_total, highest_total = regulation.element_count * ANSWERS, regulation.element_count * 4 * ANSWERS
    ties = [total for total in range(lowest_total, highest_total + 1)
            if converted_hundredths(total, regulation) % 1 == Fraction(1, 2)]
    assert len(ties) > 50
    for total in ties:
        value_counts = counts_summing_to(total, regulation)
        assert_same(value_counts, regulation)
        exact = converted_hundredths(total, regulation)
        assert ikm_ranked(value_counts, regulation).ikm_converted * 100 == exact + Fraction(1, 2)


def test_it_refuses_counts_that_are_not_counts():
    with pytest.raises(ValueError):
        ikm_ranked([(0, 0, 0, 1)] * 8, PERMENPAN_14_2017)
    with pytest.raises(ValueError):
        ikm_ranked([(0, 0, -1, 2)] * 9, PERMENPAN_14_2017)


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(REGULATIONS), st.integers(min_value=1, max_value=10**6).flatmap(
    lambda answers: st.tuples(st.integers(min_value=answers, max_value=4 * answers), st.just(answers))))
@example(PERMENPAN_14_2017, (2599, 1000))  # 64.975: rounds to 64.98, D
@example(PERMENPAN_14_2017, (51998, 20000))  # 64.9975 rounds up to 65.00, C
@example(PERMENPAN_14_2017, (3, 1))  # 75.00
def test_element_ranked_equals_element_score(regulation, sum_and_count):
    total, answers = sum_and_count
    exact = element_score(ElementTotal(code="U1", sum=total, count=answers), regulation)
    hundredths, grade = element_ranked(total, answers, regulation)
    assert Decimal(hundredths) / 100 == exact.converted
    assert grade == exact.grade


def test_element_ranked_refuses_an_element_without_answers():
    with pytest.raises(ValueError):
        element_ranked(0, 0, PERMENPAN_14_2017)
