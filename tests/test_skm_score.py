"""`manage.py skm_score FILE` against the spec's worked examples and against bad files."""

import json
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

EXAMPLES = Path(__file__).parent / "data" / "spec_examples"
EXPECTED = json.loads((EXAMPLES / "expected.json").read_text())

pytestmark = pytest.mark.django_db


def score(path, *args):
    from io import StringIO

    out = StringIO()
    call_command("skm_score", str(path), *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_it_reproduces_the_worked_examples(name):
    expected = EXPECTED[name]
    result = score(EXAMPLES / f"{name}.csv", "--questionnaire", expected["questionnaire"])
    assert result["questionnaire"] == expected["questionnaire"]
    assert result["respondents"] == expected["respondents"]
    assert [e["sum"] for e in result["elements"]] == expected["sums"]
    assert [e["count"] for e in result["elements"]] == expected["counts"]
    assert [e["nrr"] for e in result["elements"]] == expected["nrr"]
    assert (result["ikm"], result["ikm_converted"], result["grade"], result["performance"]) == (
        expected["ikm"], expected["ikm_converted"], expected["grade"], expected["performance"])


def test_it_prints_the_documented_shape():
    result = score(EXAMPLES / "E2-29-respondents.csv")
    assert result["elements"][0] == {"code": "U1", "name": "Persyaratan", "sum": 105, "count": 29,
                                      "nrr": "3.6207", "weighted_nrr": "0.4023", "converted": "90.52", "grade": "A"}
    assert result["elements"][8]["name"] == "Penanganan Pengaduan, Saran dan Masukan"


def test_it_reads_xlsx_too(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([f"U{i}" for i in range(1, 10)])
    for line in (EXAMPLES / "E3-blanks.csv").read_text().splitlines()[1:]:
        sheet.append([int(cell) if cell else None for cell in line.split(",")])
    book.save(tmp_path / "e3.xlsx")
    result = score(tmp_path / "e3.xlsx")
    assert (result["ikm_converted"], result["grade"], result["elements"][0]["count"]) == ("76.39", "C", 2)


HEADER = ",".join(f"U{i}" for i in range(1, 10))


@pytest.mark.parametrize("content, message, code", [
    (f"{HEADER}\n4,4,4,4,4,4,4,4,4\n3,3,3,5,3,3,3,3,3\n", "row 3, column U4: 5 is not a score 1-4", 5),
    (f"{HEADER}\n4,4,4,4,baik,4,4,4,4\n", "row 2, column U5: 'baik' is not a score 1-4", 5),
    ("U1,U2,U3,U4,U6,U7,U8,U9\n4,4,4,4,4,4,4,4\n", "column U5 is missing", 4),
    (f"{HEADER},U10\n4,4,4,4,4,4,4,4,4,4\n", "column U10 is not part of this questionnaire", 4),
    ("", "the file is empty", 3),
    (f"{HEADER}\n,4,4,4,4,4,4,4,4\n,3,3,3,3,3,3,3,3\n", "column U1: no answers for element(s) U1", 6),
])
def test_it_names_the_problem_with_row_and_column(tmp_path, content, message, code):
    path = tmp_path / "sheet.csv"
    path.write_text(content)
    with pytest.raises(CommandError) as problem:
        score(path)
    assert message in str(problem.value)
    assert problem.value.returncode == code


def test_it_refuses_a_file_that_is_neither_csv_nor_xlsx(tmp_path):
    path = tmp_path / "laporan.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    with pytest.raises(CommandError, match="neither a CSV nor an XLSX") as problem:
        score(path)
    assert problem.value.returncode == 3


def test_it_refuses_an_unknown_questionnaire(tmp_path):
    with pytest.raises(CommandError, match="unknown questionnaire") as problem:
        score(EXAMPLES / "E1-all-four.csv", "--questionnaire", "gform-2020")
    assert problem.value.returncode == 2


def test_the_command_line_exits_non_zero_with_one_line(tmp_path, capfd):
    """Through manage.py's real entry point: non-zero exit, one line on stderr, nothing on stdout."""
    from django.core.management import ManagementUtility

    path = tmp_path / "bad.csv"
    path.write_text(f"{HEADER}\n4,4,4,9,4,4,4,4,4\n")
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "skm_score", str(path)]).execute()
    out, err = capfd.readouterr()
    assert exited.value.code == 5 and out == ""
    assert err.strip().splitlines() == ["CommandError: row 2, column U4: 9 is not a score 1-4"]
