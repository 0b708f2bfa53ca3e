"""One truth: for every scope of the demo region (each unit, each agency with and without sub-agencies, the
region) and period, every screen and document shows the same respondents, per-element values, IKM and grade as
`skm_score` computes from the raw responses export. Each output is read back as a reader would (HTML, PDF
text, workbook cells, workbook formulas recalculated); the reference is the export scored by the command.

Every scope is checked for the last finished quarter (the Laporan and evaluation PDFs, seconds each, for one scope
of each kind); a semester, a year and a custom range of days are checked, every output, for one scope of each
kind (a unit, an agency without and one with sub-agencies, the region)."""

import csv
import io
import json
import re
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, Region, ServiceUnit
from reports.periods import Period
from tests.dashboard_helpers import by_testid, text
from tests.documents_helpers import pdf_text

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
QUARTER = Period.containing(TODAY).previous()
OTHER_PERIODS = {
    "semester": Period.semester(QUARTER.year, (QUARTER.number + 1) // 2),
    "year": Period.year_of(QUARTER.year),
    "custom": Period.custom(QUARTER.start + timedelta(days=10), QUARTER.end + timedelta(days=12)),
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo region seeded once for the module, its last finished quarter published; rolled back after."""
    from reports.documents.publication import publication_publish

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", responses=800, seed=7, stdout=io.StringIO())
            region = Region.objects.get(code="sukamaju")
            from django.contrib.auth import get_user_model

            bagor = get_user_model().objects.get(username="bagor")
            publication_publish(region=region, period=QUARTER, user=bagor)
            yield region, bagor
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def client(demo):
    client = Client()
    client.force_login(demo[1])
    return client


def number(value: str) -> Decimal:
    return Decimal(value.replace(".", "").replace(",", "."))


# The reference: the raw export, scored by the command ---------------------------------------------------------

def export_rows(client, kind: str, code: str, period: Period) -> list[list]:
    response = client.get(reverse(f"documents:{kind}-responses-export", args=[code]), {"period": period.slug})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[1])
    columns = [index for index, name in enumerate(header) if name and re.fullmatch(r"U\d+", str(name))]
    return [[row[index] for index in columns] for row in rows[2:]]


def skm_score(rows: list[list], tmp_path) -> dict | None:
    """`skm_score` on the matrix; None when it finds no IKM (no respondents or an element without answers)."""
    if not rows:
        return None
    path = tmp_path / "matrix.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([f"U{n}" for n in range(1, len(rows[0]) + 1)])
        writer.writerows(["" if value is None else value for value in row] for row in rows)
    out = io.StringIO()
    call_command("skm_score", str(path), stdout=out)
    found = json.loads(out.getvalue())
    return {"respondents": found["respondents"], "ikm": Decimal(found["ikm_converted"]), "grade": found["grade"],
            "elements": {element["code"]: Decimal(element["converted"]) for element in found["elements"]}}


# What each output says ------------------------------------------------------------------------------------

def dashboard(client, kind: str, code: str, period: Period) -> dict:
    page = client.get(reverse(f"reports:{kind}_dashboard", args=[code]), {"period": period.slug}).content.decode()
    elements = {}
    for element in (f"U{n}" for n in range(1, 10)):
        converted = re.search(r"(\d+,\d{2}) [A-D]$", by_testid(page, f"element-{element}"))
        elements[element] = number(converted.group(1))
    return {"respondents": int(by_testid(page, "respondents").replace(".", "")),
            "ikm": number(by_testid(page, "ikm")), "grade": by_testid(page, "grade"), "elements": elements}


def laporan(client, kind: str, code: str, period: Period) -> dict:
    response = client.get(reverse(f"documents:{kind}-laporan", args=[code]), {"period": period.slug})
    found, _pages = pdf_text(response.content)
    found = " ".join(found.split())
    match = re.search(r"pada .*? adalah (\d+,\d{2}) dari ([\d.]+) responden, dengan mutu pelayanan ([A-D])", found)
    assert match, found[:2000]
    return {"respondents": int(match.group(2).replace(".", "")), "ikm": number(match.group(1)),
            "grade": match.group(3), "text": found}


def evaluation(client, kind: str, code: str, period: Period) -> dict:
    response = client.get(reverse(f"documents:{kind}-evaluation", args=[code]), {"period": period.slug})
    found = " ".join(pdf_text(response.content)[0].split())
    respondents = re.search(r"Responden ([\d.]+)", found)
    converted = re.search(r"IKM Konversi (\d+,\d{2})", found)
    return {"respondents": int(respondents.group(1).replace(".", "")), "ikm": number(converted.group(1)),
            "text": found}


def processing_table(client, kind: str, code: str, period: Period, tmp_path, *, recalculate: bool) -> dict:
    response = client.get(reverse(f"documents:{kind}-processing-table", args=[code]), {"period": period.slug})
    content = b"".join(response.streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    labels = {str(row[0].value).strip(): row for row in sheet.iter_rows() if row and row[0].value}
    header = next(row for row in sheet.iter_rows() if row[0].value == "No. Resp")
    respondents = max(cell.value for cell in sheet["A"] if isinstance(cell.value, int))
    found = {"respondents": respondents, "ikm": Decimal(str(labels["IKM Unit Pelayanan (konversi) **)"][1].value)),
             "grade": labels["Mutu Pelayanan"][1].value,
             "elements": {cell.value: Decimal(str(value.value)) * 25
                          for cell, value in zip(header[1:], labels["NRR/Unsur"][1:], strict=False)}}
    if recalculate:
        found["recalculated"] = recalculated(content, workbook, tmp_path)
    return found


def recalculated(content: bytes, workbook, tmp_path) -> Decimal:
    """The check sheet's rounded IKM formula, evaluated by a spreadsheet engine (the `formulas` package)."""
    import formulas

    path = tmp_path / "tabel.xlsx"
    path.write_bytes(content)
    check = workbook.worksheets[1]
    cell = next(row[1] for row in check.iter_rows() if row[0].value == "IKM konversi (dibulatkan 2 desimal)")
    assert str(cell.value).startswith("=") and "ROUND(" in str(cell.value)
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    key = next(key for key in solution if key.upper().endswith(f"{check.title.upper()}'!{cell.coordinate}"))
    return Decimal(str(solution[key].value[0][0])).quantize(Decimal("0.01"))


def recap(client, region: Region, period: Period) -> tuple[dict, str]:
    """The recap workbook's rows by name (agency rows carry what they include) and the recap PDF's text."""
    from reports.documents.recap import recap_pdf, recap_xlsx_write

    out = io.BytesIO()
    recap_xlsx_write(region=region, period=period, out=out)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Rekap"]
    rows = {}
    for row in sheet.iter_rows(min_row=6, values_only=True):
        if row and row[1] and row[4] is not None:
            rows[re.sub(r" \(termasuk .*\)$", "", str(row[1]).strip())] = row
    return rows, " ".join(pdf_text(recap_pdf(region=region, period=period))[0].split())


# The scopes --------------------------------------------------------------------------------------------------

def scopes(region: Region):
    units = [("unit", unit.code, unit.name) for unit in ServiceUnit.objects.filter(agency__region=region)]
    agencies = [("agency", agency.code, agency.name) for agency in Agency.objects.filter(region=region)]
    return units + agencies


def export_for(client, region, kind, code, period):
    if kind != "region":
        return export_rows(client, kind, code, period)
    return [row for agency in Agency.objects.filter(region=region, parent=None)
            for row in export_rows(client, "agency", agency.code, period)]


def assert_agree(reference, found, what):
    assert found["respondents"] == reference["respondents"], what
    assert found["ikm"] == reference["ikm"], what
    if "grade" in found:
        assert found["grade"] == reference["grade"], what
    if "elements" in found:
        assert found["elements"] == reference["elements"], what


def check_scope(client, region, kind, code, name, period, tmp_path, recap_rows, recap_text, *, recalculate,
                pdfs=True):
    reference = skm_score(export_for(client, region, kind, code, period), tmp_path)
    assert reference is not None, (name, period.label)
    where = f"{name} · {period.label}"
    assert_agree(reference, dashboard(client, kind, code, period), f"dashboard {where}")
    converted = f"{reference['ikm']:.2f}".replace(".", ",")
    if kind != "region" and pdfs:
        found = laporan(client, kind, code, period)
        assert_agree(reference, found, f"laporan {where}")
        for element, value in reference["elements"].items():
            assert f"{value:.2f}".replace(".", ",") in found["text"], (where, element)
        found = evaluation(client, kind, code, period)
        assert_agree(reference, found, f"evaluation {where}")
        for element, value in reference["elements"].items():
            assert f"{value:.2f}".replace(".", ",") in found["text"], (where, element)
    if kind != "region":
        table = processing_table(client, kind, code, period, tmp_path, recalculate=recalculate)
        # The workbook holds each NRR as a double: x 25 it lies within half a hundredth of the printed value.
        assert table["elements"].keys() == reference["elements"].keys()
        for element, value in table["elements"].items():
            assert abs(value - reference["elements"][element]) <= Decimal("0.005000001"), (where, element)
        del table["elements"]
        assert_agree(reference, table, f"tabel {where}")
        if recalculate:
            assert table["recalculated"] == reference["ikm"], f"tabel formulas {where}"
        row = recap_rows[name]
    else:
        row = next(values for label, values in recap_rows.items() if label.startswith(f"IKM {name} (gabungan unsur"))
    assert row[4] == reference["respondents"], f"recap workbook {where}"
    assert Decimal(str(row[7])).quantize(Decimal("0.01")) == reference["ikm"], f"recap workbook {where}"
    assert row[8] == reference["grade"], f"recap workbook {where}"
    if kind != "region":
        respondents = f"{reference['respondents']:,}".replace(",", ".")
        # An agency's line under its name (what it includes, its units' sample) may be read before its cells.
        assert re.search(rf"{re.escape(name)} (?:(?:termasuk [^·]*· )?\d+ dari \d+ unit memenuhi sampel minimal )?"
                         rf"(?:[\d.]+ |– ){{2}}{respondents}[ *]*\d+,\d{{3}} {converted} "
                         rf"{reference['grade']} ", recap_text), f"recap pdf {where}"
    else:
        found = re.search(r"seluruh unit (\d+,\d{2}) ?IKM [\d,]+ · Mutu ([A-D]) · .*? · ([\d.]+) responden", recap_text)
        assert found, recap_text[:800]
        assert found.groups() == (converted, reference["grade"], f"{reference['respondents']:,}".replace(",", ".")), \
            f"recap pdf {where}"
    return reference


def test_every_scope_agrees_everywhere_in_the_last_finished_quarter(client, demo, tmp_path):
    region = demo[0]
    recap_rows, recap_text = recap(client, region, QUARTER)
    public = text(client.get(reverse("public:region-period", args=[region.code, QUARTER.slug])).content.decode())
    checked = 0
    # The PDFs take seconds each: read for one scope of each kind here, and for those over the other periods.
    with_pdfs = {code for _kind, code, _name in representative_scopes(region)}
    for kind, code, name in [*scopes(region), ("region", region.code, region.name)]:
        reference = check_scope(client, region, kind, code, name, QUARTER, tmp_path, recap_rows, recap_text,
                                recalculate=False, pdfs=code in with_pdfs)
        if kind == "unit":
            converted = f"{reference['ikm']:.2f}".replace(".", ",")
            assert re.search(rf"{re.escape(name)} .*? {reference['respondents']} {converted} {reference['grade']}",
                             public), f"public page {name}"
        checked += 1
    assert checked >= 25


def representative_scopes(region):
    with_children = Agency.objects.filter(region=region, children__isnull=False).distinct().first()
    without = Agency.objects.filter(region=region, parent=None, children__isnull=True).first()
    unit = ServiceUnit.objects.filter(agency=with_children).first()
    return [("unit", unit.code, unit.name), ("agency", without.code, without.name),
            ("agency", with_children.code, with_children.name), ("region", region.code, region.name)]


@pytest.mark.parametrize("period_kind", list(OTHER_PERIODS))
def test_each_kind_of_scope_agrees_over_other_periods(client, demo, tmp_path, period_kind):
    region, period = demo[0], OTHER_PERIODS[period_kind]
    recap_rows, recap_text = recap(client, region, period)
    for kind, code, name in representative_scopes(region):
        check_scope(client, region, kind, code, name, period, tmp_path, recap_rows, recap_text,
                    recalculate=kind == "unit" or (kind == "agency" and period_kind == "custom"))
