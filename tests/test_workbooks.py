"""The Tabel Pengolahan Data and the raw export, read back with openpyxl."""

import io

import openpyxl
import pytest
from django.urls import reverse

from reports.documents.common import DocumentScope
from reports.documents.workbooks import processing_table_write, responses_export_write
from reports.periods import Period
from tests.documents_helpers import recalculate, submit_example
from tests.factories import local, make_service, submit

pytestmark = pytest.mark.django_db
Q3 = Period.quarter(2026, 3)


def workbook_bytes(scope, writer=processing_table_write, period=Q3) -> bytes:
    out = io.BytesIO()
    writer(scope=scope, period=period, out=out)
    return out.getvalue()


def workbook_of(scope, writer=processing_table_write, period=Q3, data_only=False):
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(scope, writer, period)), data_only=data_only)


def row_named(sheet, label):
    for row in sheet.iter_rows(values_only=True):
        if row and isinstance(row[0], str) and row[0].startswith(label):
            return row
    raise AssertionError(f"no row {label!r}")


def test_it_lays_out_the_e2_table_with_the_engines_totals(world):
    submit_example(world.unit, world.service, "E2-29-respondents")
    book = workbook_of(DocumentScope.for_unit(world.unit))
    assert book.sheetnames == ["Tabel Pengolahan Data", "Pemeriksaan"]
    sheet = book["Tabel Pengolahan Data"]
    assert row_named(sheet, "Unit Pelayanan")[1] == ": Loket Kecamatan"
    assert row_named(sheet, "Periode")[1] == ": Triwulan III 2026"
    assert row_named(sheet, "Alamat")[0] == "Alamat"
    header = row_named(sheet, "No. Resp")
    assert header[:10] == ("No. Resp", "U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9")
    respondents = [row for row in sheet.iter_rows(min_row=7, values_only=True) if isinstance(row[0], int)]
    assert [row[0] for row in respondents] == list(range(1, 30))
    assert row_named(sheet, "Σ Nilai/Unsur")[1:10] == (105, 101, 100, 116, 102, 105, 106, 105, 115)
    nrr = row_named(sheet, "NRR/Unsur")[1:10]
    assert [f"{value:.4f}" for value in nrr] == ["3.6207", "3.4828", "3.4483", "4.0000", "3.5172", "3.6207",
                                                 "3.6552", "3.6207", "3.9655"]
    assert row_named(sheet, "NRR Tertimbang/Unsur")[1] == pytest.approx(105 / 29 / 9)
    assert row_named(sheet, "IKM Unit Pelayanan *)")[1] == pytest.approx(955 / 261)
    assert row_named(sheet, "IKM Unit Pelayanan (konversi)")[1] == 91.48
    assert row_named(sheet, "Mutu Pelayanan")[1] == "A"
    assert row_named(sheet, "Kinerja Unit Pelayanan")[1] == "Sangat Baik"
    assert row_named(sheet, "*) Jumlah NRR IKM tertimbang")
    assert row_named(sheet, "**) Jumlah NRR Tertimbang x 25")


def test_the_check_sheet_formulas_give_the_same_totals(world, tmp_path):
    submit_example(world.unit, world.service, "E2-29-respondents")
    data = workbook_bytes(DocumentScope.for_unit(world.unit))
    check = openpyxl.load_workbook(io.BytesIO(data))["Pemeriksaan"]
    assert check["B6"].value == '=IF(B4=0,"–",B5*1/9)'  # the weight is exactly 1/n, never 0,111
    values = recalculate(data, tmp_path)
    assert values[("PEMERIKSAAN", "B3")] == 105
    assert values[("PEMERIKSAAN", "J4")] == 29
    assert values[("PEMERIKSAAN", "B7")] == pytest.approx(955 / 261, abs=1e-12)
    assert values[("PEMERIKSAAN", "B9")] == 91.48
    assert values[("PEMERIKSAAN", "B10")] == "A" and values[("PEMERIKSAAN", "B11")] == "Sangat Baik"
    # the values stored beside the formulas are what the formulas give
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["Pemeriksaan"]
    assert (cached["B3"].value, cached["J4"].value, cached["B9"].value, cached["B10"].value) == (105, 29, 91.48, "A")
    assert cached["B7"].value == pytest.approx(955 / 261, abs=1e-12)


def test_blanks_are_blank_cells_and_the_divisor_counts_answers(world, tmp_path):
    submit_example(world.unit, world.service, "E3-blanks")
    book = workbook_of(DocumentScope.for_unit(world.unit))
    sheet = book["Tabel Pengolahan Data"]
    respondents = [row for row in sheet.iter_rows(min_row=7, values_only=True) if isinstance(row[0], int)]
    assert [row[1] for row in respondents] == [4, 3, None, None]
    assert row_named(sheet, "Jumlah Kuesioner Terisi")[1:3] == (2, 4)
    assert row_named(sheet, "NRR/Unsur")[1] == 3.5
    assert row_named(sheet, "IKM Unit Pelayanan (konversi)")[1] == 76.39
    assert row_named(sheet, "Mutu Pelayanan")[1] == "C"
    values = recalculate(workbook_bytes(DocumentScope.for_unit(world.unit)), tmp_path)
    assert values[("PEMERIKSAAN", "B4")] == 2
    assert values[("PEMERIKSAAN", "B5")] == 3.5
    assert values[("PEMERIKSAAN", "B9")] == 76.39


def test_respondents_are_ordered_by_the_time_they_answered(world):
    submit(world.unit, world.service, [1] * 9, answered_at=local(2026, 8, 2))
    submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 7, 2))
    submit(world.unit, world.service, [2] * 9, answered_at=local(2026, 6, 30))  # previous quarter
    sheet = workbook_of(DocumentScope.for_unit(world.unit))["Tabel Pengolahan Data"]
    respondents = [row for row in sheet.iter_rows(min_row=7, values_only=True) if isinstance(row[0], int)]
    assert [row[1] for row in respondents] == [4, 1]


def test_an_agency_table_pools_its_units(world):
    submit_example(world.unit, world.service, "E3-blanks")
    submit(world.sub_unit, world.sub_unit.services.get(), [4] * 9, answered_at=local(2026, 9, 1))
    scope = DocumentScope.for_agency(world.agency, user=world.agency_admin)
    sheet = workbook_of(scope)["Tabel Pengolahan Data"]
    assert row_named(sheet, "Σ Nilai/Unsur")[1:3] == (11, 16)
    assert row_named(sheet, "Jumlah Kuesioner Terisi")[1:3] == (3, 5)


def test_the_raw_export_stores_formula_like_text_as_text(world):
    dangerous = ["=HYPERLINK(\"http://x\",\"klik\")", "+62 811", "-lambat", "@SUM(A1)", "\tcmd", "\rline"]
    for number, text in enumerate(dangerous):
        submit(world.unit, world.service, [3] * 9, answered_at=local(2026, 7, 1 + number), suggestion=text,
               gender="P", age=30, education="SMA", occupation="Swasta")
    submit(world.unit, make_service(world.unit, "=1+1"), [3] * 9, answered_at=local(2026, 9, 1))
    book = workbook_of(DocumentScope.for_unit(world.unit), writer=responses_export_write)
    sheet = book["Data Responden"]
    headers = [cell.value for cell in sheet[2]]
    assert headers[:10] == ["No", "Waktu Mengisi", "Unit Layanan", "Jenis Layanan", "Saluran",
                            "Jenis Responden", "Jenis Kelamin", "Usia", "Pendidikan", "Pekerjaan"]
    assert headers[10:] == ["Kuesioner", "U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9", "Saran",
                            "Diduga Berulang"]
    assert sheet.cell(row=3, column=11).value == "permenpan-14-2017"
    suggestions = [sheet.cell(row=r, column=21) for r in range(3, 3 + len(dangerous))]
    # XML stores a carriage return as a line feed; the text is otherwise kept exactly.
    assert [cell.value for cell in suggestions] == [text.replace("\r", "\n") for text in dangerous]
    assert all(cell.data_type == "s" for cell in suggestions)
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
    # Codes are shown by their Indonesian labels, as everywhere else.
    assert [sheet.cell(row=3, column=c).value for c in range(5, 11)] == [
        "Kios (tablet di loket)", "Masyarakat umum", "Perempuan", 30, "SMA", "Swasta"]
    assert sheet.cell(row=3 + len(dangerous), column=4).value == "=1+1"


def test_downloads_are_scoped(client, world):
    submit_example(world.unit, world.service, "E1-all-four")
    for name, kwargs in (("unit-processing-table", {"unit_code": "loket-kecamatan"}),
                         ("unit-responses-export", {"unit_code": "loket-kecamatan"}),
                         ("agency-processing-table", {"agency_code": "kecamatan-uji"}),
                         ("agency-responses-export", {"agency_code": "kecamatan-uji"})):
        url = reverse(f"documents:{name}", kwargs=kwargs) + "?period=2026-Q3"
        client.force_login(world.other_agency_admin)
        assert client.get(url).status_code == 404
        client.force_login(world.stranger)
        assert client.get(url).status_code == 404
        client.logout()
        assert client.get(url).status_code == 302
        client.force_login(world.agency_admin)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert book.worksheets


def test_a_bad_period_is_a_clear_message(client, world):
    client.force_login(world.agency_admin)
    url = reverse("documents:unit-processing-table", kwargs={"unit_code": "loket-kecamatan"}) + "?period=kemarin"
    response = client.get(url)
    assert response.status_code == 400
    assert "periode" in response.content.decode().lower()


def test_the_raw_export_shows_labels_in_indonesian_even_for_an_english_reader(world):
    from django.utils import translation
    submit(world.unit, world.service, [3] * 9, answered_at=local(2026, 8, 3), channel="paper", gender="L",
           education="TS", occupation="Lainnya")
    with translation.override("en"):
        sheet = workbook_of(DocumentScope.for_unit(world.unit), writer=responses_export_write)["Data Responden"]
    assert [sheet.cell(row=3, column=c).value for c in (5, 6, 7, 9, 10)] == [
        "Lembar kertas", "Masyarakat umum", "Laki-laki", "Tidak sekolah", "Lainnya"]
    values = {cell.value for row in sheet.iter_rows() for cell in row}
    assert not values & {"paper", "kiosk", "qr", "import", "public", "internal", "TS"}
