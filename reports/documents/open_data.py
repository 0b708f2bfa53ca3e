"""Open data (docs/open-data.md): a published period as CSV and JSON, one row per unit and questionnaire, each
element with its counts of answers valued 1..4 and its sum and number of answers, so that anybody can pool any
set of units exactly. Read from the publication's frozen snapshot only, never from the live tallies."""

from __future__ import annotations

import csv
import io

from django.utils import translation

from agencies.zones import region_zone
from reports.documents.publication import publication_period
from reports.documents.workbooks import FORMULA_START
from reports.models import Publication

FIRST_COLUMNS = ("unit_code", "unit_name", "agency_code", "agency_name", "parent_agency_code", "questionnaire_code",
                 "respondents")
ELEMENT_COLUMNS = ("1", "2", "3", "4", "sum", "answers")  # U1_1 .. U1_4, U1_sum, U1_answers
LAST_COLUMNS = ("ikm", "grade", "third_party")


def open_data_rows(snapshot: dict) -> list[dict]:
    """One row per unit and questionnaire group; a unit without respondents has one row with none. Counts are
    None where the snapshot has none (a format 1 snapshot, or a third-party result known only by its sums)."""
    parents = {agency["code"]: agency["parent"] for agency in snapshot.get("agencies", [])}
    rows = []
    for unit in snapshot["units"]:
        base = {"unit_code": unit["code"], "unit_name": unit["name"], "agency_code": unit["agency"],
                "agency_name": unit["agency_name"], "parent_agency_code": parents.get(unit["agency"])}
        if not unit["groups"]:
            rows.append({**base, "questionnaire_code": None, "respondents": 0, "elements": [], "ikm": None,
                         "grade": None, "third_party": False})
        for group in unit["groups"]:
            rows.append({
                **base, "questionnaire_code": group["questionnaire"], "respondents": group["respondents"],
                "elements": [{"code": element["code"], "counts": element.get("counts"), "sum": element["sum"],
                              "answers": element["answers"]} for element in group["elements"]],
                "ikm": group["converted"], "grade": group["letter"],
                "third_party": bool(group.get("third_party", False)),
            })
    return rows


def open_data_document(publication: Publication) -> dict:
    """The JSON form: the region, the period, which publication and its rows."""
    region, period = publication.region, publication_period(publication)
    with translation.override("id"):
        label = period.label
    return {
        "region": {"code": region.code, "name": region.name},
        "period": {"slug": period.slug, "label": label, "start": period.start.isoformat(),
                   "end": period.end.isoformat()},
        "publication": {"revision": publication.revision,
                        "published_at": publication.published_at.astimezone(region_zone(region)).isoformat(),
                        "checksum": publication.checksum, "provisional": publication.provisional},
        "rows": open_data_rows(publication.snapshot),
    }


def _csv_cell(value) -> str:
    """Empty for null, true/false, and text that a spreadsheet would run as a formula kept as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return str(value)


def open_data_csv(rows: list[dict]) -> str:
    """The CSV form: a header row, then the rows; elements U1..Un over every questionnaire of the rows, blank
    where a row's questionnaire has fewer elements."""
    codes = list(dict.fromkeys(element["code"] for row in rows for element in row["elements"]))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*FIRST_COLUMNS, *(f"{code}_{part}" for code in codes for part in ELEMENT_COLUMNS),
                     *LAST_COLUMNS])
    for row in rows:
        elements = {element["code"]: element for element in row["elements"]}
        cells = [row[column] for column in FIRST_COLUMNS]
        for code in codes:
            element = elements.get(code)
            if element is None:
                cells += [None] * len(ELEMENT_COLUMNS)
                continue
            cells += [*(element["counts"] or [None] * 4), element["sum"], element["answers"]]
        cells += [row[column] for column in LAST_COLUMNS]
        writer.writerow([_csv_cell(cell) for cell in cells])
    return out.getvalue()
