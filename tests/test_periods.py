from datetime import date

import pytest

from reports.periods import Period


def test_a_quarter_knows_its_neighbours():
    quarter = Period.containing(date(2026, 2, 14))
    assert (quarter.start, quarter.end, quarter.label) == (date(2026, 1, 1), date(2026, 3, 31), "Triwulan I 2026")
    assert quarter.previous().label == "Triwulan IV 2025"
    assert quarter.same_last_year().slug == "2025-Q1"
    assert [p.short_label for p in quarter.previous_ones(3)] == ["TW III 2025", "TW IV 2025", "TW I 2026"]


@pytest.mark.parametrize("slug", ["2026-Q3", "2026-S2", "2026-M02", "2026", "2026-01-05..2026-02-01"])
def test_slugs_round_trip(slug):
    assert Period.from_slug(slug).slug == slug


@pytest.mark.parametrize("text", ["", "2026-Q5", "2026-X1", "Q3", "2026-02-30..2026-03-01",
                                  "2026-03-01..2026-02-01", "<script>"])
def test_bad_slugs_are_refused_with_a_message(text):
    with pytest.raises(ValueError, match="is not a period"):
        Period.from_slug(text)


def test_a_month_ends_on_its_last_day_and_a_custom_range_steps_back_by_its_length():
    assert Period.month(2024, 2).end == date(2024, 2, 29)
    custom = Period.custom(date(2026, 1, 10), date(2026, 1, 19))
    assert custom.previous() == Period.custom(date(2025, 12, 31), date(2026, 1, 9))
