"""Each questionnaire answered in a period is its own group, an element nobody answered leaves the others' values
in place, and a Kepmenpan 25/2004 unit is read on its own regulation: through the unit and agency dashboards, the
Laporan Hasil SKM and the evaluation (PDFs read back) and the Tabel Pengolahan Data (read back, its formulas
recalculated by a separate spreadsheet engine). Every expected figure is worked out by hand in the comments."""

import io
import re
from datetime import datetime

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from reports.documents.common import DocumentScope
from reports.documents.evaluation import evaluation_pdf
from reports.documents.laporan import laporan_pdf
from reports.documents.workbooks import processing_table_write, responses_export_write
from reports.periods import Period
from surveys.models import Questionnaire
from surveys.services import questionnaire_new_version
from tests.dashboard_helpers import by_testid, client_for, text
from tests.documents_helpers import pdf_text, recalculate, submit_example
from tests.factories import local, submit

pytestmark = pytest.mark.django_db
Q3 = Period.quarter(2026, 3)


def flat(value: str) -> str:
    return re.sub(r"\s+", " ", value)


def laporan_text(scope) -> str:
    return flat(pdf_text(laporan_pdf(scope=scope, period=Q3))[0])


def evaluation_text(scope) -> str:
    return flat(pdf_text(evaluation_pdf(scope=scope, period=Q3))[0])


def table_bytes(scope, writer=processing_table_write) -> bytes:
    out = io.BytesIO()
    writer(scope=scope, period=Q3, out=out)
    return out.getvalue()


def row_named(sheet, label):
    return next(row for row in sheet.iter_rows(values_only=True)
                if row and isinstance(row[0], str) and row[0].startswith(label))


def respondent_rows(sheet) -> list[tuple]:
    return [row for row in sheet.iter_rows(values_only=True) if row and isinstance(row[0], int)]


def formulas_agree_with_cached_values(data: bytes, values: dict) -> None:
    """Every formula cell's stored value is what the independent engine computes, and none is an error."""
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    formulas = openpyxl.load_workbook(io.BytesIO(data))
    checked = 0
    for sheet in formulas.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    computed = values[(sheet.title.upper(), cell.coordinate)]
                    assert not (isinstance(computed, str) and computed.startswith("#")), (cell.coordinate, computed)
                    stored = cached[sheet.title][cell.coordinate].value
                    stored = "" if stored is None else stored  # an empty text is stored as an empty value
                    assert stored == pytest.approx(computed, abs=1e-9) if isinstance(computed, float) \
                        else stored == computed, (sheet.title, cell.coordinate, stored, computed)
                    checked += 1
    assert checked


def dashboard(user, name: str, code: str) -> str:
    response = client_for(user).get(reverse(f"reports:{name}_dashboard", args=[code]), {"period": "2026-Q3"})
    assert response.status_code == 200
    return response.content.decode()


# A unit that changed questionnaire on 15 August 2026 ----------------------------------------------------------

@pytest.fixture
def changed(world):
    """30 respondents on version 1 in July (20 gave every element 4, 10 gave 3), then version 2 from 00:30 on
    15 August 2026 local time (still 14 August in UTC): 20 respondents (5 gave 2, 15 gave 3). 10 respondents
    gave 3 on version 1 in the quarter before."""
    for day in range(1, 11):
        submit(world.unit, world.service, [3] * 9, answered_at=local(2026, 5, day))
    for number in range(30):
        submit(world.unit, world.service, [4 if number < 20 else 3] * 9, answered_at=local(2026, 7, 1 + number % 28))
    version_2 = questionnaire_new_version(world.unit.questionnaire, by=world.region_admin)
    version_2.is_active = True
    version_2.save()
    world.unit.questionnaire = version_2
    world.unit.save()
    first = timezone.make_aware(datetime(2026, 8, 15, 0, 30))
    submit(world.unit, world.service, [2] * 9, answered_at=first)
    for number in range(1, 20):
        submit(world.unit, world.service, [2 if number < 5 else 3] * 9, answered_at=local(2026, 8, 15 + number % 10))
    return world


# Version 1: every element (20 x 4 + 10 x 3) / 30 = 110/30 = 3.6667 -> x 25 = 91.667 -> 91.67, A (Sangat Baik).
# Version 2: every element (5 x 2 + 15 x 3) / 20 = 55/20 = 2.75 -> 68.75, C (Kurang Baik).
# Pooled into one IKM it would be 165/50 = 3.3 -> 82.50: a figure that must appear nowhere.
CHANGE_NOTE = "berganti kuesioner pada 15 Agustus 2026"


def test_the_laporan_of_a_unit_that_changed_questionnaire_has_a_group_per_questionnaire(changed):
    text_ = laporan_text(DocumentScope.for_unit(changed.unit))
    assert "Jumlah responden pada Triwulan III 2026 adalah 50 orang, terdiri atas 30 orang pada kuesioner" in text_
    assert "(versi 1) dan 20 orang pada kuesioner" in text_
    assert "Surat Keterangan 50 100,00" in text_  # the service table counts the same 50
    assert "Unit ini " + CHANGE_NOTE in text_
    assert re.search(r"Populasi.*?– – 50", text_)  # the sample table: the same 50 respondents
    assert text_.count("3,667") >= 9 and "91,67" in text_ and "Sangat Baik" in text_
    assert text_.count("2,750") >= 9 and "68,75" in text_ and "Kurang Baik" in text_
    assert "82,50" not in text_ and "3,300" not in text_
    assert re.search(r"Nilai IKM Unit Pelayanan \(IKM x 25\) \*\*\) 91,67 A", text_)
    assert re.search(r"Nilai IKM Unit Pelayanan \(IKM x 25\) \*\*\) 68,75 C", text_)
    # the trend compares each questionnaire with itself: version 1 had 75,00 in TW II, version 2 nothing
    assert re.search(r"TW II 2026 10 75,00 C Kurang Baik TW III 2026 30 91,67 A", text_)
    assert re.search(r"TW II 2026 0 – – – TW III 2026 20 68,75 C", text_)
    # Bab V concludes on each group
    assert "adalah 91,67 dari 30 responden" in text_ and "adalah 68,75 dari 20 responden" in text_


def test_the_evaluation_of_a_unit_that_changed_questionnaire_compares_each_group_with_itself(changed):
    text_ = evaluation_text(DocumentScope.for_unit(changed.unit))
    assert "Unit ini " + CHANGE_NOTE in text_
    assert "30 dari 50 responden" in text_ and "20 dari 50 responden" in text_
    # version 1: 91,67 against 75,00 in TW II (+16,67); version 2 has no earlier quarter
    assert "IKM Konversi 91,67 75,00 –" in text_ and "▲ +16,67" in text_
    assert "IKM Konversi 68,75 – –" in text_
    assert re.search(r"U1 Persyaratan 2,750 68,75 \(C\) – – – –", text_)
    assert "82,50" not in text_


def test_the_processing_table_holds_every_respondent_one_sheet_per_questionnaire(changed, tmp_path):
    data = table_bytes(DocumentScope.for_unit(changed.unit))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Tabel Pengolahan Data (1)", "Pemeriksaan (1)", "Tabel Pengolahan Data (2)",
                               "Pemeriksaan (2)"]
    first, second = book["Tabel Pengolahan Data (1)"], book["Tabel Pengolahan Data (2)"]
    assert len(respondent_rows(first)) == 30 and len(respondent_rows(second)) == 20
    assert row_named(first, "Kuesioner")[1].startswith(": Survei Kepuasan Masyarakat (Permenpan RB 14/2017) (versi 1)")
    assert row_named(second, "Kuesioner")[1].startswith(": Survei Kepuasan Masyarakat (Permenpan RB 14/2017) (versi 2)")
    assert row_named(first, "Responden")[1] == ": 30 dari 50 responden pada periode ini"
    assert row_named(second, "Responden")[1] == ": 20 dari 50 responden pada periode ini"
    assert row_named(second, "Unit ini " + CHANGE_NOTE)
    assert row_named(first, "Σ Nilai/Unsur")[1:10] == (110,) * 9
    assert row_named(second, "Σ Nilai/Unsur")[1:10] == (55,) * 9
    assert row_named(first, "IKM Unit Pelayanan (konversi)")[1] == 91.67
    assert row_named(second, "IKM Unit Pelayanan (konversi)")[1] == 68.75
    assert row_named(second, "Mutu Pelayanan")[1] == "C"
    values = recalculate(data, tmp_path)
    assert values[("PEMERIKSAAN (1)", "B3")] == 110 and values[("PEMERIKSAAN (1)", "B4")] == 30
    assert values[("PEMERIKSAAN (1)", "B9")] == 91.67 and values[("PEMERIKSAAN (1)", "B10")] == "A"
    assert values[("PEMERIKSAAN (2)", "J3")] == 55 and values[("PEMERIKSAAN (2)", "J4")] == 20
    assert values[("PEMERIKSAAN (2)", "B9")] == 68.75 and values[("PEMERIKSAAN (2)", "B11")] == "Kurang Baik"
    formulas_agree_with_cached_values(data, values)
    # the raw export holds the same 50 respondents and says which questionnaire each answered
    raw = openpyxl.load_workbook(io.BytesIO(table_bytes(DocumentScope.for_unit(changed.unit),
                                                        responses_export_write)))["Data Responden"]
    column = [cell.value for cell in raw[2]].index("Kuesioner")
    answered = [row[column] for row in raw.iter_rows(min_row=3, values_only=True)]
    assert answered == ["permenpan-14-2017"] * 30 + ["permenpan-14-2017-v2"] * 20


def test_the_agency_laporan_lists_each_group_of_the_unit(changed):
    text_ = laporan_text(DocumentScope.for_agency(changed.agency, user=changed.agency_admin))
    assert "Loket Kecamatan " + CHANGE_NOTE in text_
    assert re.search(r"Loket Kecamatan · Survei Kepuasan Masyarakat \(Permenpan RB 14/2017\) \(v1\) 30 3,667 91,67 A "
                     r"Sangat Baik", text_)
    assert re.search(r"Loket Kecamatan · Survei Kepuasan Masyarakat \(Permenpan RB 14/2017\) \(v2\) 20 2,750 68,75 C "
                     r"Kurang Baik", text_)
    assert "82,50" not in text_


def test_the_dashboards_show_each_group_and_the_day_of_the_change(changed):
    page = dashboard(changed.operator, "unit", changed.unit.code)
    assert by_testid(page, "respondents") == "50"
    assert CHANGE_NOTE in by_testid(page, "questionnaire-change")
    group_figures = re.findall(r'data-testid="group-ikm">.*?<strong>([\d,]+)</strong>.*?>([A-D])<', page, re.S)
    assert group_figures == [("91,67", "A"), ("68,75", "C")]  # in the order the questionnaires were used
    assert "82,50" not in text(page)
    agency_page = dashboard(changed.agency_admin, "agency", changed.agency.code)
    assert "Loket Kecamatan: " + CHANGE_NOTE in text(agency_page)
    assert re.findall(r'data-testid="group-ikm">.*?<strong>([\d,]+)</strong>', agency_page, re.S) == ["91,67", "68,75"]


# U9 left blank on every paper sheet --------------------------------------------------------------------------

@pytest.fixture
def no_u9(world):
    """Three paper sheets with U9 blank: U1, U3, U5, U7 got 4, 3, 4 and U2, U4, U6, U8 got 4, 3, 3."""
    for number, values in enumerate(([4] * 8, [3] * 8, [4, 3] * 4)):
        submit(world.unit, world.service, [*values, None], answered_at=local(2026, 7, 6 + number), channel="paper")
    return world


# U1: 11/3 = 3.667 -> 91.67 A, weighted 11/27 = 0.407; U2: 10/3 = 3.333 -> 83.33 B, weighted 10/27 = 0.370.
UNAVAILABLE = "tidak dapat dihitung: U9 belum ada jawaban"


def test_the_laporan_shows_the_answered_elements_and_why_there_is_no_ikm(no_u9):
    text_ = laporan_text(DocumentScope.for_unit(no_u9.unit))
    assert re.search(r"U1 Persyaratan 11 3 3,667 0,407 91,67 A", text_)
    assert re.search(r"U2 Sistem, Mekanisme, dan Prosedur 10 3 3,333 0,370 83,33 B", text_)
    assert re.search(r"U9 Penanganan Pengaduan, Saran dan Masukan 0 0 – – – –", text_)
    assert "Nilai IKM dan Mutu Pelayanan " + UNAVAILABLE in text_
    assert "IKM dan mutu pelayanan Loket Kecamatan pada Triwulan III 2026 (3 responden) " + UNAVAILABLE in text_
    # the chart draws U1..U8 (four bars at 91,67 beside the table's four) and marks only U9 as unanswered
    chart = text_[text_.index("D C B A 25 65 76,61 88,31 100"):]
    assert chart.count("91,67") >= 4 and chart.count("83,33") >= 4
    assert text_.count("belum ada jawaban") < 9
    assert "TW III 2026 3 " + UNAVAILABLE in text_  # the trend row too
    # the weakest answered elements are still analysed: U2, U4, U6 (3,333), ties in questionnaire order
    weakest = text_[text_.index("Tiga unsur dengan nilai terendah"):]
    assert weakest.index("U2 Sistem") < weakest.index("U4 Biaya") < weakest.index("U6 Kompetensi")


def test_the_evaluation_shows_the_answered_elements_and_why_there_is_no_ikm(no_u9):
    text_ = evaluation_text(DocumentScope.for_unit(no_u9.unit))
    assert re.search(r"U1 Persyaratan 3,667 91,67 \(A\)", text_)
    assert re.search(r"U2 Sistem, Mekanisme, dan Prosedur 3,333 83,33 \(B\)", text_)
    assert re.search(r"U9 Penanganan Pengaduan, Saran dan Masukan – – ", text_)
    assert "IKM dan mutu pelayanan Triwulan III 2026 " + UNAVAILABLE in text_


def test_the_processing_table_keeps_the_answered_elements_and_never_divides_by_zero(no_u9, tmp_path):
    data = table_bytes(DocumentScope.for_unit(no_u9.unit))
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Tabel Pengolahan Data"]
    assert row_named(sheet, "Σ Nilai/Unsur")[1:10] == (11, 10, 11, 10, 11, 10, 11, 10, 0)
    assert row_named(sheet, "Jumlah Kuesioner Terisi/Unsur")[1:10] == (3,) * 8 + (0,)
    nrr = row_named(sheet, "NRR/Unsur")[1:10]
    assert nrr[:2] == pytest.approx((11 / 3, 10 / 3)) and nrr[8] == "–"
    assert row_named(sheet, "NRR Tertimbang/Unsur")[1] == pytest.approx(11 / 27)
    for label in ("IKM Unit Pelayanan *)", "IKM Unit Pelayanan (konversi)", "Mutu Pelayanan", "Kinerja Unit"):
        assert row_named(sheet, label)[1] == UNAVAILABLE
    values = recalculate(data, tmp_path)
    assert values[("PEMERIKSAAN", "B5")] == pytest.approx(11 / 3)
    assert values[("PEMERIKSAAN", "C5")] == pytest.approx(10 / 3)
    assert values[("PEMERIKSAAN", "J5")] == "–" and values[("PEMERIKSAAN", "J6")] == "–"
    for cell in ("B7", "B8", "B9", "B10", "B11"):
        assert values[("PEMERIKSAAN", cell)] == UNAVAILABLE
    assert values[("PEMERIKSAAN", "B12")] == "U9"
    formulas_agree_with_cached_values(data, values)


def test_the_dashboard_shows_the_answered_elements_and_the_same_reason(no_u9):
    page = dashboard(no_u9.operator, "unit", no_u9.unit.code)
    assert by_testid(page, "ikm-unavailable") == "IKM dan mutu " + UNAVAILABLE + "."
    assert re.sub(r"\s+", " ", by_testid(page, "element-U1")).startswith("U1 Persyaratan 3 3,667 91,67 A")
    u9 = re.sub(r"\s+", " ", by_testid(page, "element-U9"))
    assert u9.startswith("U9 Penanganan Pengaduan, Saran dan Masukan 0 – – –")
    agency_page = text(dashboard(no_u9.agency_admin, "agency", no_u9.agency.code))
    assert "IKM dan mutu " + UNAVAILABLE + "." in agency_page


# A unit on the Kepmenpan 25/2004 questionnaire ---------------------------------------------------------------

@pytest.fixture
def unit_2004(world):
    world.unit.questionnaire = Questionnaire.objects.get(code="kepmenpan-25-2004")
    world.unit.save()
    submit_example(world.unit, world.service, "E5-kepmenpan-2004")
    return world


# SKM-SPEC E5: totals 1234 over 30 respondents and 14 elements: IKM 1234/420 = 2.9381 -> 73.45, B (Baik) on the
# 2004 bands (62.51-81.25); on the 2017 bands it would be C (65.00-76.60).
BANDS_2004 = ("25,00 – 43,75 D Tidak Baik", "43,76 – 62,50 C Kurang Baik", "62,51 – 81,25 B Baik",
              "81,26 – 100,00 A Sangat Baik")
BASIS_2004 = "Keputusan Menteri Pendayagunaan Aparatur Negara Nomor KEP/25/M.PAN/2/2004"


def test_the_laporan_of_a_2004_unit_follows_its_regulation(unit_2004):
    text_ = laporan_text(DocumentScope.for_unit(unit_2004.unit))
    bab_2 = text_[text_.index("BAB II"):text_.index("BAB III")]
    assert BASIS_2004 in bab_2 and "14 Tahun 2017" not in bab_2
    assert "14 Tahun 2017" not in text_
    assert "tentang 14 unsur pelayanan" in text_
    assert re.search(r"Nilai IKM Unit Pelayanan \(IKM x 25\) \*\*\) 73,45 B", text_)
    assert "Nilai IKM (Σ NRR Tertimbang) *) 2,938" in text_
    assert "Bobot setiap unsur = 1/14 (tepat, tidak dibulatkan menjadi 0,071)" in text_
    for band in BANDS_2004:
        assert band in text_, band
    assert "76,61" not in text_ and "88,31" not in text_


def test_the_evaluation_of_a_2004_unit_follows_its_regulation(unit_2004):
    text_ = evaluation_text(DocumentScope.for_unit(unit_2004.unit))
    assert "IKM Konversi 73,45 – –" in text_ and "B · Baik" in text_
    assert BASIS_2004 in text_ and "14 Tahun 2017" not in text_
    for band in BANDS_2004:
        assert band in text_, band
    # U3 Kejelasan petugas: 83/30 = 2.767 -> 69.17, B on the 2004 bands
    assert re.search(r"U3 Kejelasan petugas pelayanan 2,767 69,17 \(B\)", text_)


def test_the_processing_table_of_a_2004_unit_follows_its_regulation(unit_2004, tmp_path):
    data = table_bytes(DocumentScope.for_unit(unit_2004.unit))
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Tabel Pengolahan Data"]
    assert BASIS_2004 in row_named(sheet, "Kuesioner")[1]
    assert row_named(sheet, "No. Resp")[1:15] == tuple(f"U{n}" for n in range(1, 15))
    assert row_named(sheet, "Σ Nilai/Unsur")[1:15] == (89, 90, 83, 85, 88, 88, 86, 89, 87, 89, 93, 91, 87, 89)
    assert row_named(sheet, "IKM Unit Pelayanan (konversi)")[1] == 73.45
    assert row_named(sheet, "Mutu Pelayanan")[1:2] == ("B",)
    assert row_named(sheet, f"Mutu pelayanan menurut {BASIS_2004}")
    assert row_named(sheet, "62,51 – 81,25")[1:3] == ("B", "Baik")
    assert book["Pemeriksaan"]["B6"].value == '=IF(B4=0,"–",B5*1/14)'
    values = recalculate(data, tmp_path)
    assert values[("PEMERIKSAAN", "O3")] == 89 and values[("PEMERIKSAAN", "O4")] == 30
    assert values[("PEMERIKSAAN", "B7")] == pytest.approx(1234 / 420, abs=1e-12)
    assert values[("PEMERIKSAAN", "B9")] == 73.45
    assert (values[("PEMERIKSAAN", "B10")], values[("PEMERIKSAAN", "B11")]) == ("B", "Baik")
    formulas_agree_with_cached_values(data, values)


def test_the_dashboard_grades_a_2004_unit_on_its_bands(unit_2004):
    page = dashboard(unit_2004.operator, "unit", unit_2004.unit.code)
    assert by_testid(page, "ikm") == "73,45" and by_testid(page, "grade") == "B"
