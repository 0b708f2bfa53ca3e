import io
import json
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from reports.ikm import KEPMENPAN_25_2004, PERMENPAN_14_2017, REGULATIONS, compute_ikm, round_half_up
from surveys.matrix import (
    MatrixError,
    element_columns,
    read_score_matrix,
    read_table,
    score_cell,
)

SPEC_EXAMPLES = Path(__file__).parent / "data" / "spec_examples"
SHARED_EXAMPLES = Path(__file__).resolve().parents[2] / "shared" / "examples"
EXPECTED = json.loads((SPEC_EXAMPLES / "expected.json").read_text())
CODES = PERMENPAN_14_2017.element_codes
HEADER = ",".join(CODES)


def csv_bytes(*lines, delimiter=",", encoding="utf-8"):
    return "\r\n".join(line.replace(",", delimiter) for line in lines).encode(encoding)


def xlsx_bytes(tmp_path, rows, extra_sheet_rows=()):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    if extra_sheet_rows:
        other_sheet = workbook.create_sheet("Lainnya")
        for row in extra_sheet_rows:
            other_sheet.append(row)
    path = tmp_path / "jawaban.xlsx"
    workbook.save(path)
    return path.read_bytes()


def error_of(data, filename="jawaban.csv", element_codes=CODES, **options):
    with pytest.raises(MatrixError) as raised:
        read_score_matrix(data, filename, element_codes, **options)
    return str(raised.value)


@pytest.mark.skipif(not SHARED_EXAMPLES.is_dir(), reason="the shared examples folder is not beside the clone")
@pytest.mark.parametrize("name", sorted(path.name for path in SPEC_EXAMPLES.iterdir()))
def test_the_copied_examples_match_the_shared_ones(name):
    assert (SPEC_EXAMPLES / name).read_bytes() == (SHARED_EXAMPLES / name).read_bytes()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_it_reproduces_every_field_of_the_spec_examples(name):
    expected = EXPECTED[name]
    regulation = REGULATIONS[expected["questionnaire"]]
    data = (SPEC_EXAMPLES / f"{name}.csv").read_bytes()
    matrix = read_score_matrix(data, f"{name}.csv", regulation.element_codes)
    result = compute_ikm(matrix.totals(), regulation)

    assert {
        "questionnaire": regulation.code,
        "respondents": matrix.respondents,
        "sums": [total.sum for total in matrix.totals()],
        "counts": [total.count for total in matrix.totals()],
        "nrr": [str(round_half_up(element.nrr, 4)) for element in result.elements],
        "ikm": str(round_half_up(result.ikm, 4)),
        "ikm_converted": str(result.ikm_converted),
        "grade": result.grade.letter,
        "performance": result.grade.performance,
    } == expected


def test_it_counts_the_answers_of_each_value():
    data = (SPEC_EXAMPLES / "E2-29-respondents.csv").read_bytes()
    value_counts = read_score_matrix(data, "e2.csv", CODES).value_counts()

    assert value_counts[2] == (0, 2, 12, 15)
    assert value_counts[3] == (0, 0, 0, 29)


def test_it_reads_a_semicolon_csv_with_a_byte_order_mark():
    data = b"\xef\xbb\xbf" + csv_bytes(HEADER, "4,3,3,4,3,4,4,4,4", "3,3,2,4,3,3,3,3,3", delimiter=";")
    matrix = read_score_matrix(data, "jawaban.csv", CODES)

    assert matrix.respondents == 2
    assert [total.sum for total in matrix.totals()] == [7, 6, 5, 8, 6, 7, 7, 7, 7]


def test_it_reads_a_tab_separated_utf16_export():
    data = b"\xff\xfe" + csv_bytes(HEADER, "4,4,4,4,4,4,4,4,4", delimiter="\t", encoding="utf-16-le")
    assert read_score_matrix(data, "jawaban.txt", CODES).respondents == 1


def test_it_reads_a_windows_1252_csv_with_extra_columns():
    data = csv_bytes("Pekerjaan;" + HEADER.replace(",", ";"), "Wiraswasta – café;4;4;4;4;4;4;4;4;4",
                     encoding="cp1252")
    table = read_table(data, "jawaban.csv")

    assert table.rows[0][0] == "Wiraswasta – café"
    columns = element_columns(table.header, CODES, extra_columns_allowed=["Pekerjaan"])
    assert columns["Pekerjaan"] == 0 and columns["U1"] == 1


def test_it_keeps_quoted_delimiters_inside_a_cell():
    data = csv_bytes('"Layanan; jenis";' + HEADER.replace(",", ";"), '"KTP; baru";4;4;4;4;4;4;4;4;4')
    table = read_table(data, "jawaban.csv")
    assert table.header[0] == "Layanan; jenis"
    assert table.rows[0][0] == "KTP; baru"


def test_it_reads_the_first_sheet_of_an_xlsx(tmp_path):
    rows = [list(CODES), [4, 4, 4.0, 4, 4, 4, 4, 4, 4], [3, None, 3, 3, 3, 3, 3, 3, 3]]
    data = xlsx_bytes(tmp_path, rows, extra_sheet_rows=[["ignored"], [5]])
    matrix = read_score_matrix(data, "jawaban.xlsx", CODES)

    assert matrix.respondents == 2
    assert [(total.sum, total.count) for total in matrix.totals()][:3] == [(7, 2), (4, 1), (7, 2)]


def test_it_detects_an_xlsx_by_its_content_not_its_name(tmp_path):
    data = xlsx_bytes(tmp_path, [list(CODES), [4] * 9])
    assert read_score_matrix(data, "jawaban.csv", CODES).respondents == 1


def test_it_refuses_a_half_point_in_an_xlsx(tmp_path):
    data = xlsx_bytes(tmp_path, [list(CODES), [4, 4, 3.5, 4, 4, 4, 4, 4, 4]])
    assert error_of(data, "jawaban.xlsx") == "row 2, column U3: 3.5 is not a score 1-4"


def test_it_numbers_rows_as_excel_does_across_blank_rows(tmp_path):
    data = xlsx_bytes(tmp_path, [list(CODES), [4] * 9, [None] * 9, [4, 4, 4, 5, 4, 4, 4, 4, 4]])
    assert error_of(data, "jawaban.xlsx") == "row 4, column U4: 5 is not a score 1-4"


def test_it_skips_rows_blank_in_every_element_column():
    data = csv_bytes("Pekerjaan," + HEADER, "PNS," + "4," * 8 + "4", "Swasta" + "," * 9, ",,,,,,,,,", "")
    matrix = read_score_matrix(data, "jawaban.csv", CODES, extra_columns_allowed=["Pekerjaan"])

    assert matrix.respondents == 1
    assert matrix.rows[0].number == 2


def test_it_counts_blank_cells_as_unanswered():
    data = (SPEC_EXAMPLES / "E3-blanks.csv").read_bytes()
    matrix = read_score_matrix(data, "e3.csv", CODES)

    assert [row.scores[0] for row in matrix.rows] == [4, 3, None, None]
    assert (matrix.totals()[0].sum, matrix.totals()[0].count) == (7, 2)


def test_it_matches_headers_ignoring_case_and_spaces():
    data = csv_bytes(" u1 ,U2,u3,U4,U5,U6,U7,U8,  U9", "4,4,4,4,4,4,4,4,4")
    assert read_score_matrix(data, "jawaban.csv", CODES).respondents == 1


def test_it_reads_the_columns_in_any_order():
    data = csv_bytes("U9,U8,U7,U6,U5,U4,U3,U2,U1", "1,2,3,4,4,4,4,4,4")
    assert [total.sum for total in read_score_matrix(data, "jawaban.csv", CODES).totals()][-3:] == [3, 2, 1]


def test_it_names_a_missing_column():
    data = csv_bytes("U1,U2,U3,U4,U6,U7,U8,U9", "4,4,4,4,4,4,4,4")
    assert error_of(data) == "column U5 is missing"


def test_it_names_every_missing_column():
    data = csv_bytes("U1,U2,U3,U4,U7,U8,U9", "4,4,4,4,4,4,4")
    assert error_of(data) == "columns U5, U6 are missing"


def test_it_names_a_column_that_is_not_part_of_the_questionnaire():
    data = csv_bytes(HEADER + ",U10", "4,4,4,4,4,4,4,4,4,4")
    assert error_of(data) == "column U10 is not part of this questionnaire"


def test_it_names_a_column_given_twice():
    data = csv_bytes(HEADER + ",u2", "4,4,4,4,4,4,4,4,4,4")
    assert error_of(data) == "column U2 appears more than once"


def test_it_carries_the_place_of_a_header_problem():
    with pytest.raises(MatrixError) as raised:
        element_columns(["U1", "Nama"], ["U1", "U2"])
    assert (raised.value.row, raised.value.column) == (1, "Nama")


def test_it_asks_for_a_header_when_row_1_holds_answers():
    data = csv_bytes("4,4,4,4,4,4,4,4,4", "3,3,3,3,3,3,3,3,3")
    assert error_of(data) == "row 1 must be the header naming the columns U1..U9"


def test_it_asks_for_a_header_when_row_1_is_blank():
    data = csv_bytes("", HEADER, "4,4,4,4,4,4,4,4,4")
    assert error_of(data) == "row 1 is blank; it must hold the column headers"


def test_it_names_the_row_and_column_of_a_score_out_of_range():
    data = csv_bytes(HEADER, "4,4,4,4,4,4,4,4,4", "4,4,4,5,4,4,4,4,4")
    assert error_of(data) == "row 3, column U4: 5 is not a score 1-4"


def test_it_names_the_row_and_column_of_text_where_a_score_belongs():
    data = csv_bytes(HEADER, *["4,4,4,4,4,4,4,4,4"] * 5, "4,baik,4,4,4,4,4,4,4")
    assert error_of(data) == "row 7, column U2: 'baik' is not a score 1-4"


def test_it_carries_the_place_of_a_cell_problem():
    with pytest.raises(MatrixError) as raised:
        read_score_matrix(csv_bytes(HEADER, "4,4,4,4,4,4,4,4,0"), "jawaban.csv", CODES)
    assert (raised.value.row, raised.value.column) == (2, "U9")


def test_it_names_a_value_in_a_column_without_a_header():
    data = csv_bytes(HEADER, "4,4,4,4,4,4,4,4,4,ok")
    assert error_of(data) == "row 2, column J: a value in a column without a header"


def test_it_refuses_an_empty_file():
    assert error_of(b"") == "the file is empty"


def test_it_refuses_a_file_of_blank_lines():
    assert error_of(b"\r\n\r\n  \r\n") == "the file is empty"


def test_it_refuses_a_header_without_answers():
    assert error_of(csv_bytes(HEADER, ",,,,,,,,")) == "the file has a header but no answers"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)),  # an old .xls
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        bytes(range(256)) * 4,
    ],
)
def test_it_refuses_a_file_that_is_neither_csv_nor_xlsx(data):
    assert error_of(data, "laporan.pdf") == "laporan.pdf is neither a CSV nor an XLSX file"


def test_it_refuses_a_zip_that_is_not_a_workbook():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("word/document.xml", "<w:document/>")
    assert error_of(archive.getvalue(), "surat.docx") == "surat.docx is neither a CSV nor an XLSX file"


def test_it_refuses_a_damaged_xlsx():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("[Content_Types].xml", "not xml")
        zipped.writestr("xl/workbook.xml", "not xml either")
    assert error_of(archive.getvalue(), "rusak.xlsx").startswith("rusak.xlsx is a damaged XLSX file")


def test_it_refuses_more_rows_than_the_limit():
    data = csv_bytes(HEADER, *["4,4,4,4,4,4,4,4,4"] * 4)
    assert read_table(data, "jawaban.csv", max_rows=4).rows[-1] == ["4"] * 9
    with pytest.raises(MatrixError, match="^the file has more than 3 rows of answers$"):
        read_table(data, "jawaban.csv", max_rows=3)


def test_it_refuses_more_columns_than_the_limit(tmp_path):
    data = xlsx_bytes(tmp_path, [list(CODES) + ["Catatan"]])
    with pytest.raises(MatrixError, match="^row 1 has data beyond column I; at most 9 columns are read$"):
        read_table(data, "jawaban.xlsx", max_columns=9)


def test_it_drops_blank_rows_at_the_end_of_a_sheet(tmp_path):
    table = read_table(xlsx_bytes(tmp_path, [list(CODES), [4] * 9, [None] * 9, [""] * 9]), "jawaban.xlsx")
    assert table.rows == [[4] * 9]


def test_it_reads_kepmenpan_25_2004_matrices():
    data = (SPEC_EXAMPLES / "E5-kepmenpan-2004.csv").read_bytes()
    matrix = read_score_matrix(data, "e5.csv", KEPMENPAN_25_2004.element_codes)
    assert sum(total.sum for total in matrix.totals()) == 1234


@pytest.mark.parametrize(
    ("value", "score"),
    [
        (None, None), ("", None), ("   ", None),
        (1, 1), (4, 4), ("3", 3), (" 2 ", 2), ("4.0", 4), (4.0, 4), (Decimal("2"), 2),
    ],
)
def test_it_reads_a_score_cell(value, score):
    assert score_cell(value, 2, "U1") == score


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0, "0"), (5, "5"), (3.5, "3.5"), ("3.5", "3.5"), (" 5 ", "5"), (-1, "-1"),
        ("baik", "'baik'"), (True, "True"), (float("nan"), "nan"), ("sNaN", "sNaN"),
        (datetime(2024, 1, 2), "2024-01-02 00:00:00"),
        ("Sangat baik sekali, petugas ramah dan cepat", "'Sangat baik sekali, petugas ra…'"),
    ],
)
def test_it_refuses_a_cell_that_is_not_a_score(value, shown):
    with pytest.raises(MatrixError) as raised:
        score_cell(value, 5, "U2")
    assert str(raised.value) == f"row 5, column U2: {shown} is not a score 1-4"
