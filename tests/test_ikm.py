import math
import statistics
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from reports.ikm import (
    KEPMENPAN_25_2004,
    PERMENPAN_14_2017,
    REGULATIONS,
    ElementTotal,
    MissingAnswers,
    change_is_significant,
    compute_ikm,
    element_totals,
    ikm_confidence_interval,
    round_half_up,
)


def totals_for(regulation, sums, counts):
    return [ElementTotal(code, s, c) for code, s, c in zip(regulation.element_codes, sums, counts)]


def four_places(value):
    return str(round_half_up(value, 4))


# E2 of SKM-SPEC.md section 6: (answers valued 1, 2, 3, 4) per element.
E2_VALUE_COUNTS = [
    (0, 0, 11, 18), (0, 0, 15, 14), (0, 2, 12, 15), (0, 0, 0, 29), (0, 0, 14, 15),
    (0, 0, 11, 18), (0, 0, 10, 19), (0, 0, 11, 18), (0, 0, 1, 28),
]


def test_it_scores_one_respondent_answering_all_fours():
    result = compute_ikm(totals_for(PERMENPAN_14_2017, [4] * 9, [1] * 9), PERMENPAN_14_2017)

    assert [four_places(element.nrr) for element in result.elements] == ["4.0000"] * 9
    assert result.ikm == 4
    assert result.ikm_converted == Decimal("100.00")
    assert (result.grade.letter, result.grade.performance) == ("A", "Sangat Baik")


def test_it_weighs_each_element_by_exactly_one_ninth():
    sums = [105, 101, 100, 116, 102, 105, 106, 105, 115]
    result = compute_ikm(totals_for(PERMENPAN_14_2017, sums, [29] * 9), PERMENPAN_14_2017)

    assert [four_places(element.nrr) for element in result.elements] == [
        "3.6207", "3.4828", "3.4483", "4.0000", "3.5172", "3.6207", "3.6552", "3.6207", "3.9655",
    ]
    assert all(element.weighted_nrr == element.nrr / 9 for element in result.elements)
    assert result.ikm == Fraction(955, 29 * 9)
    assert four_places(result.ikm) == "3.6590"
    assert result.ikm_converted == Decimal("91.48")  # 0.11 would give 90.56, 0.111 would give 91.38
    assert (result.grade.letter, result.grade.performance) == ("A", "Sangat Baik")


def test_it_divides_each_element_by_its_own_number_of_answers():
    result = compute_ikm(totals_for(PERMENPAN_14_2017, [7] + [12] * 8, [2] + [4] * 8), PERMENPAN_14_2017)

    assert result.elements[0].nrr == Fraction(7, 2)
    assert all(element.nrr == 3 for element in result.elements[1:])
    assert four_places(result.ikm) == "3.0556"
    assert result.ikm_converted == Decimal("76.39")
    assert (result.grade.letter, result.grade.performance) == ("C", "Kurang Baik")


def test_it_weighs_each_element_by_exactly_one_fourteenth_under_kepmenpan_25_2004():
    sums = [89, 90, 83, 85, 88, 88, 86, 89, 87, 89, 93, 91, 87, 89]
    result = compute_ikm(totals_for(KEPMENPAN_25_2004, sums, [30] * 14), KEPMENPAN_25_2004)

    assert sum(element.nrr for element in result.elements) == Fraction(1234, 30)
    assert result.ikm == Fraction(1234, 30 * 14)
    assert four_places(result.ikm) == "2.9381"
    assert result.ikm_converted == Decimal("73.45")
    assert (result.grade.letter, result.grade.performance) == ("B", "Baik")


def test_it_reports_each_element_converted_and_graded():
    result = compute_ikm(totals_for(PERMENPAN_14_2017, [7] + [12] * 8, [2] + [4] * 8), PERMENPAN_14_2017)

    assert result.elements[0].converted == Decimal("87.50")
    assert result.elements[0].grade.letter == "B"
    assert result.elements[1].converted == Decimal("75.00")
    assert result.elements[1].grade.letter == "C"


@pytest.mark.parametrize(
    ("regulation", "unrounded", "shown", "letter"),
    [
        (PERMENPAN_14_2017, "25", "25.00", "D"),
        (PERMENPAN_14_2017, "64.994", "64.99", "D"),
        (PERMENPAN_14_2017, "64.995", "65.00", "C"),
        (PERMENPAN_14_2017, "76.604", "76.60", "C"),
        (PERMENPAN_14_2017, "76.605", "76.61", "B"),
        (PERMENPAN_14_2017, "88.304", "88.30", "B"),
        (PERMENPAN_14_2017, "88.3049", "88.30", "B"),
        (PERMENPAN_14_2017, "88.305", "88.31", "A"),
        (PERMENPAN_14_2017, "100", "100.00", "A"),
        (KEPMENPAN_25_2004, "25", "25.00", "D"),
        (KEPMENPAN_25_2004, "43.754", "43.75", "D"),
        (KEPMENPAN_25_2004, "43.755", "43.76", "C"),
        (KEPMENPAN_25_2004, "62.504", "62.50", "C"),
        (KEPMENPAN_25_2004, "62.505", "62.51", "B"),
        (KEPMENPAN_25_2004, "81.254", "81.25", "B"),
        (KEPMENPAN_25_2004, "81.255", "81.26", "A"),
        (KEPMENPAN_25_2004, "100", "100.00", "A"),
    ],
)
def test_it_grades_the_rounded_value_on_both_sides_of_every_band_edge(regulation, unrounded, shown, letter):
    converted, grade = regulation.round_and_grade(Decimal(unrounded))

    assert str(converted) == shown
    assert grade.letter == letter
    assert regulation.round_and_grade(Fraction(unrounded)) == (converted, grade)


@pytest.mark.parametrize(
    ("first_sum", "other_sums", "exact", "shown", "letter"),
    [
        (25981, 26000, Fraction(233981, 3600), "64.99", "D"),  # 64.99472...
        (25982, 26000, Fraction("64.995"), "65.00", "C"),
        (37897, 35000, Fraction(317897, 3600), "88.30", "B"),  # 88.30472...
        (37898, 35000, Fraction("88.305"), "88.31", "A"),
    ],
)
def test_it_grades_the_converted_ikm_after_rounding_it_once(first_sum, other_sums, exact, shown, letter):
    totals = totals_for(PERMENPAN_14_2017, [first_sum] + [other_sums] * 8, [10000] * 9)
    result = compute_ikm(totals, PERMENPAN_14_2017)

    assert result.ikm * 25 == exact
    assert (str(result.ikm_converted), result.grade.letter) == (shown, letter)


def test_it_refuses_to_grade_a_value_that_is_not_rounded():
    with pytest.raises(ValueError, match="must be rounded to 2 places"):
        PERMENPAN_14_2017.grade(Decimal("64.995"))


@pytest.mark.parametrize("converted", ["24.99", "100.01"])
def test_it_refuses_to_grade_outside_the_converted_scale(converted):
    with pytest.raises(ValueError, match="outside the converted scale"):
        PERMENPAN_14_2017.grade(Decimal(converted))


def test_it_names_the_grades_in_indonesian_and_english():
    labels = [
        (grade.letter, grade.performance, grade.performance_en)
        for _, grade in PERMENPAN_14_2017.bands
    ]
    assert labels == [
        ("D", "Tidak Baik", "Not good"),
        ("C", "Kurang Baik", "Poor"),
        ("B", "Baik", "Good"),
        ("A", "Sangat Baik", "Very good"),
    ]


def test_it_knows_both_regulations_by_code():
    assert REGULATIONS == {"permenpan-14-2017": PERMENPAN_14_2017, "kepmenpan-25-2004": KEPMENPAN_25_2004}
    assert PERMENPAN_14_2017.element_codes == tuple(f"U{i}" for i in range(1, 10))
    assert KEPMENPAN_25_2004.weight == Fraction(1, 14)


def test_it_names_the_element_nobody_answered_instead_of_reweighting():
    with pytest.raises(MissingAnswers, match=r"^no answers for element\(s\) U1$") as raised:
        compute_ikm(totals_for(PERMENPAN_14_2017, [0] + [12] * 8, [0] + [4] * 8), PERMENPAN_14_2017)
    assert raised.value.codes == ("U1",)


def test_it_names_every_element_nobody_answered():
    sums = [12, 0, 12, 12, 12, 12, 12, 12, 0]
    counts = [4, 0, 4, 4, 4, 4, 4, 4, 0]
    with pytest.raises(MissingAnswers, match=r"U2, U9$") as raised:
        compute_ikm(totals_for(PERMENPAN_14_2017, sums, counts), PERMENPAN_14_2017)
    assert raised.value.codes == ("U2", "U9")


def test_it_refuses_totals_for_the_wrong_number_of_elements():
    with pytest.raises(ValueError, match="permenpan-14-2017 has 9 elements, got totals for 14"):
        compute_ikm(totals_for(KEPMENPAN_25_2004, [12] * 14, [4] * 14), PERMENPAN_14_2017)


@pytest.mark.parametrize(("total", "count"), [(3, 4), (17, 4), (1, 0), (0, -1)])
def test_it_refuses_a_sum_impossible_for_its_answers(total, count):
    totals = totals_for(PERMENPAN_14_2017, [total] + [12] * 8, [count] + [4] * 8)
    with pytest.raises(ValueError, match=f"element U1: a sum of {total} is impossible"):
        compute_ikm(totals, PERMENPAN_14_2017)


def test_it_refuses_an_element_given_twice():
    totals = totals_for(PERMENPAN_14_2017, [12] * 9, [4] * 9)
    totals[8] = replace(totals[8], code="U1")
    with pytest.raises(ValueError, match=r"element\(s\) U1 given more than once"):
        compute_ikm(totals, PERMENPAN_14_2017)


def test_it_lists_the_lowest_elements_in_questionnaire_order_on_ties():
    sums = [12, 10, 12, 10, 12, 12, 11, 12, 10]
    result = compute_ikm(totals_for(PERMENPAN_14_2017, sums, [4] * 9), PERMENPAN_14_2017)

    assert [element.code for element in result.lowest_elements()] == ["U2", "U4", "U9"]
    assert [element.code for element in result.lowest_elements(4)] == ["U2", "U4", "U9", "U7"]


@pytest.mark.parametrize(
    ("value", "places", "rounded"),
    [
        (Fraction(64995, 1000), 2, "65.00"),
        (Fraction(649949999, 10**7), 2, "64.99"),
        (Fraction(955, 261), 4, "3.6590"),
        (Fraction(-64995, 1000), 2, "-65.00"),
        (Decimal("88.305"), 2, "88.31"),
        (Decimal("2.5"), 0, "3"),
        (7, 2, "7.00"),
        (Fraction(1, 3), 3, "0.333"),
    ],
)
def test_it_rounds_half_up_exactly(value, places, rounded):
    assert str(round_half_up(value, places)) == rounded


def test_it_refuses_to_round_a_float():
    with pytest.raises(TypeError):
        round_half_up(64.995, 2)


def test_it_turns_value_counts_into_element_totals():
    totals = element_totals(E2_VALUE_COUNTS, PERMENPAN_14_2017)

    assert [(total.code, total.sum, total.count) for total in totals[:3]] == [
        ("U1", 105, 29), ("U2", 101, 29), ("U3", 100, 29),
    ]


def test_it_refuses_value_counts_that_are_not_four_non_negative_numbers():
    with pytest.raises(ValueError, match="element U2"):
        element_totals([(0, 0, 0, 1), (0, -1, 0, 1)] + [(0, 0, 0, 1)] * 7, PERMENPAN_14_2017)
    with pytest.raises(ValueError, match="element U1"):
        element_totals([(0, 0, 1)] + [(0, 0, 0, 1)] * 8, PERMENPAN_14_2017)


def test_it_bounds_the_standard_error_by_the_mean_of_the_element_standard_errors():
    answers = [[score for score, count in zip((1, 2, 3, 4), counts) for _ in range(count)]
               for counts in E2_VALUE_COUNTS]
    standard_error = statistics.fmean(
        statistics.stdev(element) / math.sqrt(len(element)) for element in answers
    )
    centre = Fraction(955, 261) * 25
    half_width = Fraction(statistics.NormalDist().inv_cdf(0.975) * 25 * standard_error)

    assert ikm_confidence_interval(E2_VALUE_COUNTS, PERMENPAN_14_2017) == (
        round_half_up(centre - half_width, 2),
        round_half_up(centre + half_width, 2),
    )
    assert ikm_confidence_interval(E2_VALUE_COUNTS, PERMENPAN_14_2017) == (Decimal("87.63"), Decimal("95.32"))


def test_it_widens_the_interval_with_the_confidence_level():
    narrow = ikm_confidence_interval(E2_VALUE_COUNTS, PERMENPAN_14_2017, level=0.80)
    wide = ikm_confidence_interval(E2_VALUE_COUNTS, PERMENPAN_14_2017, level=0.99)
    assert wide[0] < narrow[0] and narrow[1] < wide[1]


def test_it_gives_the_whole_scale_when_an_element_has_a_single_answer():
    counts = [(0, 0, 1, 0)] + [(0, 0, 20, 20)] * 8
    assert ikm_confidence_interval(counts, PERMENPAN_14_2017) == (Decimal("25.00"), Decimal("100.00"))


def test_it_gives_a_point_when_every_answer_is_the_same():
    counts = [(0, 0, 30, 0)] * 9
    assert ikm_confidence_interval(counts, PERMENPAN_14_2017) == (Decimal("75.00"), Decimal("75.00"))


def test_it_clamps_the_interval_to_the_scale():
    counts = [(0, 0, 1, 29)] * 9
    assert ikm_confidence_interval(counts, PERMENPAN_14_2017)[1] == Decimal("100.00")


def test_it_refuses_a_confidence_level_outside_zero_to_one():
    with pytest.raises(ValueError, match="between 0 and 1"):
        ikm_confidence_interval(E2_VALUE_COUNTS, PERMENPAN_14_2017, level=95)


def test_it_names_the_element_nobody_answered_in_the_interval_too():
    with pytest.raises(MissingAnswers, match="U3"):
        ikm_confidence_interval(E2_VALUE_COUNTS[:2] + [(0, 0, 0, 0)] + E2_VALUE_COUNTS[3:], PERMENPAN_14_2017)


def test_it_finds_no_change_between_identical_periods():
    assert not change_is_significant(E2_VALUE_COUNTS, E2_VALUE_COUNTS, PERMENPAN_14_2017)


def test_it_finds_a_large_change_between_large_samples_significant():
    before = [(20, 80, 200, 100)] * 9
    after = [(5, 40, 200, 155)] * 9
    assert change_is_significant(after, before, PERMENPAN_14_2017)
    assert change_is_significant(before, after, PERMENPAN_14_2017)


def test_it_finds_the_same_change_significant_only_once_the_samples_are_large():
    before = [(1, 2, 5, 2)] * 9
    after = [(0, 1, 5, 4)] * 9
    assert not change_is_significant(after, before, PERMENPAN_14_2017)

    def thirtyfold(value_counts):
        return [tuple(count * 30 for count in counts) for counts in value_counts]

    assert change_is_significant(thirtyfold(after), thirtyfold(before), PERMENPAN_14_2017)


regulations = st.sampled_from([PERMENPAN_14_2017, KEPMENPAN_25_2004])


@st.composite
def totals_and_regulation(draw):
    regulation = draw(regulations)
    totals = []
    for code in regulation.element_codes:
        count = draw(st.integers(min_value=1, max_value=400))
        totals.append(ElementTotal(code, draw(st.integers(min_value=count, max_value=4 * count)), count))
    return totals, regulation


@st.composite
def value_counts_and_regulation(draw):
    regulation = draw(regulations)
    one_element = st.tuples(*[st.integers(min_value=0, max_value=60)] * 4).filter(any)
    n = regulation.element_count
    return draw(st.lists(one_element, min_size=n, max_size=n)), regulation


@given(totals_and_regulation())
def test_the_converted_ikm_stays_within_25_and_100(drawn):
    totals, regulation = drawn
    result = compute_ikm(totals, regulation)

    assert 1 <= result.ikm <= 4
    assert Decimal(25) <= result.ikm_converted <= Decimal(100)
    assert all(Decimal(25) <= element.converted <= Decimal(100) for element in result.elements)


@given(totals_and_regulation(), st.data())
def test_raising_one_answer_by_one_never_lowers_the_converted_ikm(drawn, data):
    totals, regulation = drawn
    position = data.draw(st.integers(min_value=0, max_value=len(totals) - 1))
    raised_element = totals[position]
    assume(raised_element.sum < 4 * raised_element.count)
    raised = list(totals)
    raised[position] = replace(raised_element, sum=raised_element.sum + 1)

    before, after = compute_ikm(totals, regulation), compute_ikm(raised, regulation)

    assert after.ikm > before.ikm
    assert after.ikm_converted >= before.ikm_converted


@given(value_counts_and_regulation())
def test_the_interval_contains_the_converted_ikm(drawn):
    value_counts, regulation = drawn
    lower, upper = ikm_confidence_interval(value_counts, regulation)
    converted = compute_ikm(element_totals(value_counts, regulation), regulation).ikm_converted

    assert Decimal(25) <= lower <= converted <= upper <= Decimal(100)


@given(value_counts_and_regulation(), st.integers(min_value=2, max_value=20))
def test_the_interval_narrows_as_the_same_answers_come_in_again(drawn, times):
    value_counts, regulation = drawn
    repeated = [tuple(count * times for count in counts) for counts in value_counts]
    lower, upper = ikm_confidence_interval(value_counts, regulation)
    repeated_lower, repeated_upper = ikm_confidence_interval(repeated, regulation)

    assert lower <= repeated_lower and repeated_upper <= upper


@given(value_counts_and_regulation())
def test_a_period_never_differs_significantly_from_itself(drawn):
    value_counts, regulation = drawn
    assert not change_is_significant(value_counts, value_counts, regulation)
