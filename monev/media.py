"""The media register's rules as plain functions (no ORM): which periods a medium may be recorded for, when two
records are the same medium, and the PEKPPP count of media per unit. See docs/evidence-pack.md."""

from __future__ import annotations

from collections.abc import Iterable

from reports.periods import Period

# Results are published per quarter, semester or year (reports.periods).
PERIOD_KINDS = ("quarter", "semester", "year")
# The app's own public page ("Hasil SKM"): counted for every unit a publication of the year covers.
PUBLIC_PAGE = "public_page"


def periods_of_year(year: int) -> list[Period]:
    """The periods a medium of `year` may be recorded for: four quarters, two semesters, the year."""
    return ([Period.quarter(year, number) for number in range(1, 5)]
            + [Period.semester(year, number) for number in (1, 2)] + [Period.year_of(year)])


def medium_key(kind: str, name: str) -> tuple[str, str]:
    """Two records are the same medium when their kind and name match, ignoring case and spacing: the same
    Instagram account recorded for each quarter, or by the unit and by its agency, is one medium."""
    return kind, " ".join(name.split()).casefold()


def media_count(keys: Iterable[tuple[str, str]], *, public_page: bool) -> int:
    """Distinct media covering a unit: the keys of every record that covers it (its own, its agencies',
    its region's) plus the app's public page when a publication covers the unit."""
    return len(set(keys)) + (1 if public_page else 0)
