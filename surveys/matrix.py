"""Reading response matrices (one row a respondent, one column an element) from CSV or XLSX files.

Row numbers in messages are the rows a user sees in Excel: the header is row 1 and the first
respondent is row 2. Columns are named by their header, or by their letter when they have none.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.xml.constants import SHARED_STRINGS
from openpyxl.xml.functions import iterparse

from reports.ikm import SCORES, ElementTotal, ValueCounts

HEADER_ROW = 1
MAX_ROWS = 100_000
MAX_COLUMNS = 200
# A sheet cannot have more rows than Excel; openpyxl would make up every blank row before a row numbered
# in the billions, so reading stops there.
EXCEL_MAX_ROWS = 1_048_576
# An XLSX file is a zip archive. Its parts are checked against the sizes the archive declares before
# openpyxl inflates any of them, so a small upload cannot unpack into gigabytes (a zip bomb). Python's
# zipfile never inflates a part past its declared size; deflate packs real sheets 5 to 30 times, a bomb
# thousands of times.
XLSX_MAX_UNPACKED = 100 * 2**20
XLSX_MAX_RATIO = 100
XLSX_RATIO_FROM = 2**20  # smaller parts may pack as tightly as they like
ZIP_MAGIC = b"PK\x03\x04"
DELIMITERS = (",", ";", "\t")  # Excel in an Indonesian locale writes ";" because "," is its decimal mark
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
QUOTED = re.compile(r'"[^"]*"')
SHOWN_VALUE_LENGTH = 30


class MatrixError(ValueError):
    """A problem in an uploaded matrix, told in one line that names the row and column it is in.

    `code` names the kind of problem read_table found, so a screen can tell it in the user's language.
    """

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None,
                 code: str | None = None, found: int | None = None, limit: int | None = None):
        super().__init__(message)
        self.row = row
        self.column = column
        self.code = code
        self.found, self.limit = found, limit  # for a limit exceeded: what the file has, and the most allowed


def cell_error(row_number: int, column: str, problem: str, *, code: str | None = None) -> MatrixError:
    return MatrixError(f"row {row_number}, column {column}: {problem}", row=row_number, column=column,
                       code=code)


@dataclass(frozen=True)
class Table:
    """A sheet as read: the header (row 1) and the rows below it, all as wide as the header.

    rows[i] is spreadsheet row i + 2; blank rows between answers are kept so the numbers stay right,
    blank rows at the end are dropped.
    """

    header: list[str]
    rows: list[list[object]]

    def numbered_rows(self) -> Iterator[tuple[int, list[object]]]:
        return enumerate(self.rows, start=HEADER_ROW + 1)


def read_table(
    data: bytes, filename: str, *, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS,
    max_unpacked: int = XLSX_MAX_UNPACKED, max_strings_unpacked: int = XLSX_MAX_UNPACKED,
) -> Table:
    """Read the first worksheet of an XLSX file or a CSV file, told apart by content, not by name.

    An XLSX file is refused before openpyxl reads any part of it when its parts would unpack to more than
    max_unpacked bytes, its shared strings (all held in memory) to more than max_strings_unpacked, or its first
    sheet declares more rows than max_rows; then its rows are read as a stream and counted again, as the
    declaration can be wrong.
    """
    if not data:
        raise MatrixError("the file is empty", code="empty")
    parts = _zip_parts(data)
    if parts is None and data.startswith(ZIP_MAGIC):
        raise MatrixError(f"{filename} is a damaged XLSX file (not a readable zip archive)", code="damaged")
    if parts is not None and _is_xlsx(parts):
        _check_unpacked_size(parts, filename, max_unpacked)
        _check_workbook_index(data, filename, parts, max_rows, max_strings_unpacked)
        return _read_xlsx(data, filename, max_rows, max_columns)
    text = _decoded_text(data)
    if text is None:
        raise MatrixError(f"{filename} is neither a CSV nor an XLSX file", code="not_a_table")
    return _tabulate(_csv_rows(text), max_rows, max_columns)


def _zip_parts(data: bytes) -> list[zipfile.ZipInfo] | None:
    """The parts of a zip archive as its directory declares them; None when data is no readable zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.infolist()
    # A mangled directory raises more than BadZipFile: NotImplementedError for an unknown zip version,
    # UnicodeDecodeError (a ValueError) for a name flagged UTF-8 that is not.
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
        return None


def _is_xlsx(parts: list[zipfile.ZipInfo]) -> bool:
    names = {part.filename for part in parts}
    return "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names)


def _check_unpacked_size(parts: list[zipfile.ZipInfo], filename: str, max_unpacked: int) -> None:
    unpacked = sum(part.file_size for part in parts)
    if unpacked > max_unpacked:
        raise MatrixError(f"{filename} would unpack to {unpacked / 2**20:.1f} MB; at most "
                          f"{max_unpacked / 2**20:.0f} MB are read", code="too_big_unpacked", found=unpacked,
                          limit=max_unpacked)
    for part in parts:
        if part.file_size > XLSX_RATIO_FROM and part.file_size > XLSX_MAX_RATIO * part.compress_size:
            raise MatrixError(f"{filename}: {part.filename} is packed more than {XLSX_MAX_RATIO} times over, "
                              "which no spreadsheet program writes", code="packed_too_tightly")


def _check_workbook_index(data: bytes, filename: str, parts: list[zipfile.ZipInfo], max_rows: int,
                          max_strings_unpacked: int) -> None:
    """Limits that need the workbook's index: the shared strings (openpyxl holds them all in memory, several
    times their size for short ones) and the row count the first sheet declares."""
    strings_part, last_row = _workbook_index(data)
    strings_size = next((part.file_size for part in parts if part.filename == strings_part), 0)
    if strings_size > max_strings_unpacked:
        raise MatrixError(f"{filename}: its shared strings would unpack to {strings_size / 2**20:.1f} MB; at most "
                          f"{max_strings_unpacked / 2**20:.0f} MB are read", code="too_many_strings",
                          found=strings_size, limit=max_strings_unpacked)
    if last_row is not None and last_row - HEADER_ROW > max_rows:
        raise MatrixError(f"{filename}: the first sheet spans {last_row} rows; at most {max_rows} rows of answers "
                          "are read", code="too_many_rows_declared", found=last_row - HEADER_ROW, limit=max_rows)


def _workbook_index(data: bytes) -> tuple[str | None, int | None]:
    """The shared strings' part name, and the last row of the first sheet's <dimension> (written before its
    rows), reading only the workbook's index and the start of that sheet. None for what is missing or too
    damaged to tell: the reading then says so, or counts the rows itself."""
    strings_part = last_row = None
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True)
        try:
            reader.read_manifest()
            strings = reader.package.find(SHARED_STRINGS)
            strings_part = strings.PartName[1:] if strings is not None else None
            reader.read_workbook()
            _sheet, link = next(reader.parser.find_sheets())
            with reader.archive.open(link.target) as part:
                for _event, element in iterparse(part, events=("start",)):
                    name = element.tag.rpartition("}")[2]
                    if name == "dimension":
                        last_row = range_boundaries(element.get("ref", ""))[3]
                    if name in ("dimension", "sheetData"):
                        break
        finally:
            reader.archive.close()
    except Exception:  # openpyxl and the XML parser report a damaged file through many exception types
        pass
    return strings_part, last_row


def _read_xlsx(data: bytes, filename: str, max_rows: int, max_columns: int) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # the stored dimensions can be wrong; read the cells that exist
            return _tabulate(sheet.iter_rows(max_row=EXCEL_MAX_ROWS + 1, values_only=True), max_rows, max_columns)
        finally:
            workbook.close()
    except MatrixError:
        raise
    except Exception as error:  # openpyxl reports a damaged workbook through many exception types
        raise MatrixError(f"{filename} is a damaged XLSX file ({error})", code="damaged") from error


def _decoded_text(data: bytes) -> str | None:
    """The file as text, or None when it is not text (a PDF, an image, an old .xls)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)  # Excel's "Unicode Text" export
    else:
        encodings = ("utf-8-sig", "cp1252")  # cp1252: Excel's plain CSV on Windows in Indonesia
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text.startswith("%PDF-") or CONTROL_CHARACTERS.search(text):
            return None
        return text
    return None


def _csv_rows(text: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        yield from reader
    except csv.Error as error:
        raise MatrixError(f"line {reader.line_num}: {error}", code="csv_syntax") from error


def _delimiter(text: str) -> str:
    """The delimiter used most in the first non-blank line, outside quotes; "," when there is none."""
    first_line = next((line for line in io.StringIO(text) if line.strip()), "")
    unquoted = QUOTED.sub("", first_line)
    return max(DELIMITERS, key=unquoted.count)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _used_width(cells: Sequence[object]) -> int:
    return next((index + 1 for index in range(len(cells) - 1, -1, -1) if not _is_blank(cells[index])), 0)


def _tabulate(raw_rows: Iterable[Sequence[object]], max_rows: int, max_columns: int) -> Table:
    rows: list[list[object]] = []
    blank_rows_pending = 0  # held back until a filled row follows, so trailing blank rows are dropped
    for row_number, cells in enumerate(raw_rows, start=HEADER_ROW):
        if row_number > EXCEL_MAX_ROWS:
            raise MatrixError(f"the file has more than {max_rows} rows of answers", row=row_number,
                              code="too_many_rows")
        width = _used_width(cells)
        if not width:
            blank_rows_pending += 1
            continue
        if not rows and row_number != HEADER_ROW:
            raise MatrixError("row 1 is blank; it must hold the column headers", row=HEADER_ROW,
                              code="no_header")
        if row_number - HEADER_ROW > max_rows:
            raise MatrixError(f"the file has more than {max_rows} rows of answers", row=row_number,
                              code="too_many_rows")
        if width > max_columns:
            raise MatrixError(
                f"row {row_number} has data beyond column {get_column_letter(max_columns)}; "
                f"at most {max_columns} columns are read",
                row=row_number, code="too_wide",
            )
        rows.extend([] for _ in range(blank_rows_pending))
        blank_rows_pending = 0
        rows.append(list(cells[:width]))
    if not rows:
        raise MatrixError("the file is empty", code="empty")

    header = ["" if cell is None else str(cell).strip() for cell in rows[0]]
    body = []
    for row_number, cells in enumerate(rows[1:], start=HEADER_ROW + 1):
        for index, cell in enumerate(cells):
            if not _is_blank(cell) and (index >= len(header) or not header[index]):
                column = get_column_letter(index + 1)
                raise cell_error(row_number, column, "a value in a column without a header",
                                 code="headerless_value")
        body.append(cells + [None] * (len(header) - len(cells)))
    return Table(header=header, rows=body)


def _column_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def element_columns(
    header: Sequence[str], element_codes: Sequence[str], *, extra_columns_allowed: Collection[str] = ()
) -> dict[str, int]:
    """The index in the header of every element code and of each allowed extra column present.

    Names match case-insensitively once trimmed; blank header cells are not columns.
    """
    expected = {_column_key(name): name for name in (*element_codes, *extra_columns_allowed)}
    columns: dict[str, int] = {}
    unknown: list[str] = []
    duplicated: list[str] = []
    for index, cell in enumerate(header):
        key = _column_key(cell)
        if not key:
            continue
        name = expected.get(key)
        if name is None:
            unknown.append(cell.strip())
        elif name in columns:
            duplicated.append(name)
        else:
            columns[name] = index

    missing = [code for code in element_codes if code not in columns]
    if len(missing) == len(element_codes):
        raise MatrixError(
            f"row 1 must be the header naming the columns {_span(element_codes)}", row=HEADER_ROW
        )
    if unknown:
        name = unknown[0]
        raise MatrixError(f"column {name} is not part of this questionnaire", row=HEADER_ROW, column=name)
    if duplicated:
        name = duplicated[0]
        raise MatrixError(f"column {name} appears more than once", row=HEADER_ROW, column=name)
    if missing:
        if len(missing) == 1:
            raise MatrixError(f"column {missing[0]} is missing", row=HEADER_ROW, column=missing[0])
        raise MatrixError(f"columns {', '.join(missing)} are missing", row=HEADER_ROW)
    return columns


def _span(codes: Sequence[str]) -> str:
    return f"{codes[0]}..{codes[-1]}" if len(codes) > 2 else ", ".join(codes)


def score_cell(value: object, row_number: int, column: str) -> int | None:
    """The score 1..4 in a cell, None when it is blank; a whole number like Excel's 4.0 counts."""
    if _is_blank(value):
        return None
    score = _score(value)
    if score is None:
        raise cell_error(row_number, column, f"{_shown(value)} is not a score 1-4")
    return score


def _score(value: object) -> int | None:
    if isinstance(value, bool):  # a TRUE/FALSE cell is an int to Python, not a score
        return None
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except InvalidOperation:
            return None
    if isinstance(value, Decimal) and not value.is_finite():
        return None  # comparing a signalling NaN would raise
    if isinstance(value, (int, float, Decimal)) and value in SCORES:
        return int(value)
    return None


def _shown(value: object) -> str:
    """A cell value as a message quotes it: numbers bare, text in quotes, long text shortened."""
    if isinstance(value, str):
        text = value.strip()
        try:
            Decimal(text)
        except InvalidOperation:
            if len(text) > SHOWN_VALUE_LENGTH:
                text = text[:SHOWN_VALUE_LENGTH] + "…"
            return repr(text)
        return text
    return str(value)


@dataclass(frozen=True)
class ScoredRow:
    number: int  # the spreadsheet row
    scores: tuple[int | None, ...]  # in element order; None where the element was not answered


@dataclass(frozen=True)
class ScoreMatrix:
    element_codes: tuple[str, ...]
    rows: tuple[ScoredRow, ...]

    @property
    def respondents(self) -> int:
        return len(self.rows)

    def _answers(self, position: int) -> list[int]:
        return [row.scores[position] for row in self.rows if row.scores[position] is not None]

    def totals(self) -> list[ElementTotal]:
        totals = []
        for position, code in enumerate(self.element_codes):
            answers = self._answers(position)
            totals.append(ElementTotal(code, sum(answers), len(answers)))
        return totals

    def value_counts(self) -> list[ValueCounts]:
        counted = [Counter(self._answers(position)) for position in range(len(self.element_codes))]
        return [(counts[1], counts[2], counts[3], counts[4]) for counts in counted]


def read_score_matrix(
    data: bytes,
    filename: str,
    element_codes: Sequence[str],
    *,
    extra_columns_allowed: Collection[str] = (),
) -> ScoreMatrix:
    """The scores of every respondent; a row blank in all element columns is not a respondent."""
    table = read_table(data, filename)
    columns = element_columns(table.header, element_codes, extra_columns_allowed=extra_columns_allowed)
    rows = []
    for row_number, cells in table.numbered_rows():
        scores = tuple(score_cell(cells[columns[code]], row_number, code) for code in element_codes)
        if any(score is not None for score in scores):
            rows.append(ScoredRow(row_number, scores))
    if not rows:
        raise MatrixError("the file has a header but no answers")
    return ScoreMatrix(tuple(element_codes), tuple(rows))
