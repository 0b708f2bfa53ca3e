"""The regional recap on several agencies: ranks, the pooled region-wide IKM, lists, Excel and PDF."""

import io
import re
from decimal import Decimal
from fractions import Fraction

import openpyxl
import pytest

from agencies.models import Population
from reports.documents.recap import recap_data, recap_pdf, recap_xlsx_write
from reports.periods import Period
from tests.documents_helpers import pdf_text, submit_example
from tests.factories import local, make_agency, make_service, make_unit, submit

pytestmark = pytest.mark.django_db
Q3 = Period.quarter(2026, 3)


def flat(text):
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def region(world):
    """Kecamatan Uji: E2 (91.48 A) at its unit and all-4 (100.00) at its Kelurahan; Dinas Lain: E3 (76.39 C);
    Dinas Ketiga: one unit at 75.00 C last quarter and 50.00 D now; the far region's unit must not appear."""
    submit_example(world.unit, world.service, "E2-29-respondents")
    submit(world.sub_unit, world.sub_unit.services.get(), [4] * 9, answered_at=local(2026, 8, 3))
    submit_example(world.other_unit, world.other_unit.services.get(), "E3-blanks")
    third = make_agency(world.region, "dinas-ketiga", name="Dinas Ketiga")
    third_unit = make_unit(third, "loket-ketiga", name="Loket Ketiga")
    service = make_service(third_unit)
    submit(third_unit, service, [2] * 9, answered_at=local(2026, 9, 1))
    submit(third_unit, service, [3] * 9, answered_at=local(2026, 5, 1))
    submit(world.far_unit, world.far_unit.services.get(), [1] * 9, answered_at=local(2026, 8, 1))
    Population.objects.create(unit=world.unit, year=2026, quarter=3, service_users=100)  # needs 80
    Population.objects.create(unit=world.sub_unit, year=2026, quarter=3, service_users=1)  # needs 1
    return world


def rows_of(data, level):
    return {row["name"]: row for row in data["rows"] if row["level"] == level}


def test_it_ranks_units_and_agencies(region):
    data = recap_data(region=region.region, period=Q3)
    units = rows_of(data, "unit")
    assert set(units) == {"Loket Kecamatan", "Loket Kelurahan", "Loket Dinas", "Loket Ketiga"}
    assert {name: row["rank"] for name, row in units.items()} == {
        "Loket Kelurahan": 1, "Loket Kecamatan": 2, "Loket Dinas": 3, "Loket Ketiga": 4}
    assert units["Loket Kecamatan"]["converted"] == "91,48"
    assert units["Loket Dinas"]["converted"] == "76,39" and units["Loket Dinas"]["letter"] == "C"
    agencies = rows_of(data, "agency")
    # Kecamatan Uji pools its own unit (E2) with its Kelurahan's (one all-4 sheet), as its dashboard does
    e2 = [105, 101, 100, 116, 102, 105, 106, 105, 115]
    pooled = sum(Fraction(total + 4, 30) for total in e2) / 9 * 25
    assert agencies["Kecamatan Uji"]["converted_value"] == round(Decimal(pooled.numerator) / pooled.denominator, 2)
    assert agencies["Kecamatan Uji"]["respondent_count"] == 30
    assert agencies["Kecamatan Uji"]["includes"] == "termasuk 1 Kelurahan"
    # Perangkat daerah rank among themselves; the Kelurahan is listed under its parent, unranked
    assert {name: row["rank"] for name, row in agencies.items()} == {
        "Kecamatan Uji": 1, "Dinas Lain": 2, "Dinas Ketiga": 3}
    (sub,) = rows_of(data, "sub").values()
    assert (sub["name"], sub["rank"], sub["converted"]) == ("Kelurahan Uji", None, "100,00")
    order = [row["name"] for row in data["rows"]]
    assert order.index("Kelurahan Uji") == order.index("Kecamatan Uji") + 2
    assert units["Loket Ketiga"]["change"]["text"] == "-25,00"
    assert units["Loket Ketiga"]["change"]["direction"] == "down"
    # Sample adequacy is per unit: no pooled minimum for an agency
    assert agencies["Kecamatan Uji"]["adequacy"] == "1 dari 2 unit memenuhi sampel minimal"
    assert agencies["Kecamatan Uji"]["required"] == "–"


def test_the_region_wide_ikm_pools_element_sums(region):
    data = recap_data(region=region.region, period=Q3)
    (group,) = data["region_groups"]
    # U1: E2 105 (29) + 4 (1) + E3 7 (2) + 2 (1) = 118 / 33; U2..U9: E2 sums + 4 + 12 + 2, over 29 + 1 + 4 + 1
    e2 = [105, 101, 100, 116, 102, 105, 106, 105, 115]
    nrr = [Fraction(118, 33)] + [Fraction(total + 4 + 12 + 2, 35) for total in e2[1:]]
    ikm = sum(nrr) / 9
    assert group["summary"]["respondent_count"] == 35
    assert group["summary"]["ikm_value"] == ikm
    converted = round(float(ikm * 25), 2)
    assert group["summary"]["converted"] == f"{converted:.2f}".replace(".", ",")


def test_it_lists_units_below_b_and_samples_too_small(region):
    data = recap_data(region=region.region, period=Q3)
    assert [row["name"] for row in data["below_b"]] == ["Loket Dinas", "Loket Ketiga"]
    assert [row["name"] for row in data["too_small"]] == ["Loket Kecamatan"]
    small = data["too_small"][0]
    assert (small["population"], small["required"], small["respondents"]) == ("100", "80", "29")


def test_the_workbook_and_the_pdf_carry_the_same_figures(region):
    out = io.BytesIO()
    recap_xlsx_write(region=region.region, period=Q3, out=out)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Rekap"]
    rows = {str(row[1]).strip(): row for row in sheet.iter_rows(values_only=True) if row and row[1]}
    assert rows["Loket Kecamatan"][2:5] == (100, 80, 29)
    assert rows["Loket Kecamatan"][7] == 91.48 and rows["Loket Kecamatan"][8] == "A"
    assert rows["Loket Kecamatan"][10] == 2
    assert rows["Kecamatan Uji (termasuk 1 Kelurahan)"][4:6] == (30, "1 dari 2 unit memenuhi sampel minimal")
    assert rows["Loket Ketiga"][11] == -25.0
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
    text, pages = pdf_text(recap_pdf(region=region.region, period=Q3))
    text = flat(text)
    assert 1 <= pages <= 6
    for label in ("REKAPITULASI HASIL SURVEI KEPUASAN MASYARAKAT", "PEMERINTAH KOTA UJI", "Triwulan III 2026",
                  "di Bawah Mutu B", "Sampel Belum Cukup", "Loket Kecamatan", "Dinas Ketiga"):
        assert label in text, label
    assert "Loket Jauh" not in text
    assert re.search(r"Loket Kecamatan 100 80 29 \* 3,659 91,48 A Sangat Baik 2", text)


def header_boxes(pdf: bytes) -> list[tuple[str, tuple]]:
    """The words of the recap table's header row on the first page that has it, with their boxes."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
            top = next((word["top"] for word in words if word["text"] == "Populasi"), None)
            if top is None:
                continue
            # The header row: every word within a few lines of "Populasi" above the first data row.
            band = [word for word in words if top - 12 <= word["top"] <= top + 12]
            return [(word["text"], (word["x0"], word["top"], word["x1"], word["bottom"])) for word in band]
    raise AssertionError("no recap table header found")


def overlapping(boxes):
    found = []
    for index, (text, (x0, top, x1, bottom)) in enumerate(boxes):
        for other, (ox0, otop, ox1, obottom) in boxes[index + 1:]:
            if x0 < ox1 - 0.5 and ox0 < x1 - 0.5 and top < obottom - 0.5 and otop < bottom - 0.5:
                found.append((text, other))
    return found


@pytest.mark.parametrize("units", [19, 500])
def test_the_pdf_column_headers_do_not_overprint(world, units):
    from agencies.models import ServiceUnit
    from surveys.models import Questionnaire

    questionnaire = Questionnaire.objects.get(is_default=True)
    existing = ServiceUnit.objects.filter(agency__region=world.region).count()
    ServiceUnit.objects.bulk_create(
        ServiceUnit(agency=world.other_agency, code=f"unit-banyak-{n}", name=f"Unit Layanan Banyak {n}",
                    questionnaire=questionnaire) for n in range(units - existing))
    boxes = header_boxes(recap_pdf(region=world.region, period=Q3))
    words = [text for text, _box in boxes]
    for header in ("No", "Populasi", "Sampel", "Minimal", "Responden", "IKM", "Konversi", "Mutu", "Kinerja",
                   "Peringkat", "Perubahan"):
        assert header in words, (header, words)
    assert overlapping(boxes) == []


@pytest.fixture
def mixed(world):
    """Loket Kecamatan on 14/2017 (all 4), its Kelurahan's unit on 25/2004 (all 3); Dinas Lain answers U1-U8 only."""
    from surveys.models import Questionnaire

    submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 8, 3))
    world.sub_unit.questionnaire = Questionnaire.objects.get(code="kepmenpan-25-2004")
    world.sub_unit.save()
    submit(world.sub_unit, world.sub_unit.services.get(), [3] * 14, answered_at=local(2026, 8, 3))
    submit(world.other_unit, world.other_unit.services.get(), [4] * 8 + [None], answered_at=local(2026, 8, 3),
           channel="paper")
    return world


def test_units_on_different_questionnaires_are_never_pooled_into_one_ikm(mixed):
    data = recap_data(region=mixed.region, period=Q3)
    kecamatan = rows_of(data, "agency")["Kecamatan Uji"]
    assert kecamatan["has_result"] is False and kecamatan["converted"] == "–"
    assert kecamatan["performance"] == "tidak dapat dihitung"
    assert kecamatan["reason"].startswith("memakai 2 kuesioner berbeda")
    assert [(group["respondent_count"], group["converted"]) for group in kecamatan["groups"]] == [(1, "100,00"),
                                                                                                 (1, "75,00")]
    assert kecamatan["respondent_count"] == 2  # the same base as its groups
    assert kecamatan["rank"] is None
    assert len(data["region_groups"]) == 2 and data["region_summary"]["has_result"] is False
    text, _pages = pdf_text(recap_pdf(region=mixed.region, period=Q3))
    assert "tidak dapat dihitung: memakai 2 kuesioner berbeda" in flat(text)
    assert "IKM gabungan Kota Uji tidak dapat dihitung" in flat(text)


def test_an_element_without_answers_shows_the_other_elements_and_no_ikm(mixed):
    data = recap_data(region=mixed.region, period=Q3)
    dinas = rows_of(data, "unit")["Loket Dinas"]
    assert (dinas["converted"], dinas["performance"], dinas["reason"]) == ("–", "tidak dapat dihitung",
                                                                           "U9 belum ada jawaban")
    assert rows_of(data, "agency")["Dinas Lain"]["reason"] == "U9 belum ada jawaban"
    out = io.BytesIO()
    recap_xlsx_write(region=mixed.region, period=Q3, out=out)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Rekap"]
    rows = {str(row[1]).strip(): row for row in sheet.iter_rows(values_only=True) if row and row[1]}
    assert rows["Loket Dinas"][4] == 1 and rows["Loket Dinas"][7] is None
    assert rows["Loket Dinas"][9] == "tidak dapat dihitung: U9 belum ada jawaban"
    assert rows["Kecamatan Uji (termasuk 1 Kelurahan)"][9].startswith("tidak dapat dihitung: memakai 2 kuesioner")


def test_the_recap_costs_the_same_queries_for_few_units_or_many(region):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            recap_data(region=region.region, period=Q3)
        return len(context)

    few = queries()
    sub = make_agency(region.region, "puskesmas-banyak", name="Puskesmas Banyak", kind="puskesmas",
                      parent=region.other_agency)
    for n in range(20):
        unit = make_unit(sub if n % 2 else region.other_agency, f"unit-tambah-{n}")
        submit(unit, make_service(unit), [3] * 9, answered_at=local(2026, 8, 3))
        Population.objects.create(unit=unit, year=2026, quarter=3, service_users=50 + n)
    assert queries() == few
