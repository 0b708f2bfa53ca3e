"""The official workbooks, streamed with openpyxl's write-only mode so memory stays flat however many
responses there are:

- "Tabel Pengolahan Data": one row per respondent (U1..Un), then the totals as the regulation's example
  lays them out, as values read from the engine, and a "Pemeriksaan" sheet with the same totals as plain
  Excel formulas over the first sheet, so anybody can check them;
- the raw export of responses with the respondent's profile and suggestion.

Responses are read with one grouped query each (their answers pivoted in the database) and iterated in
chunks; no query runs per row.
"""

from __future__ import annotations

from typing import BinaryIO

from django.db.models import Max, Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from reports.documents.common import DocumentScope, scores_for_scope
from reports.periods import Period
from reports.selectors import Scores, responses_in_period
from surveys.models import Element

CHUNK = 2000
DATA_SHEET = "Tabel Pengolahan Data"
CHECK_SHEET = "Pemeriksaan"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def sheet_cell(sheet, value, *, bold: bool = False, number_format: str | None = None, fill=None):
    """A write-only cell; text is always stored as text, never as a formula (a suggestion such as
    "=HYPERLINK(...)" or "-lambat" stays the words the citizen wrote)."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    if bold:
        cell.font = BOLD
    if number_format:
        cell.number_format = number_format
    if fill:
        cell.fill = fill
    return cell


def _formula(sheet, text: str, number_format: str | None = None):
    cell = WriteOnlyCell(sheet, value=text)
    if number_format:
        cell.number_format = number_format
    return cell


def _responses(scope: DocumentScope, period: Period, questionnaire_id: int):
    return responses_in_period(unit_ids=scope.unit_ids, period=period).filter(questionnaire_id=questionnaire_id)


def _pivoted(elements: list[Element]) -> dict:
    """One column per element: the value given to it, None for a blank."""
    return {f"u{element.position}": Max("answers__value", filter=Q(answers__element_id=element.id))
            for element in elements}


# Layout of the data sheet: the rows above the respondents.
TITLE_ROWS = 5
HEADER_ROW = TITLE_ROWS + 1


def processing_table_write(*, scope: DocumentScope, period: Period, out: BinaryIO) -> None:
    """Write the Tabel Pengolahan Data workbook of the scope and period to `out`."""
    workbook = Workbook(write_only=True)
    groups = scores_for_scope(scope, period)
    if not groups:
        sheet = workbook.create_sheet(DATA_SHEET)
        for row in _title_rows(sheet, scope, period):
            sheet.append(row)
        sheet.append([sheet_cell(sheet, "Belum ada responden pada periode ini.")])
    several = len(groups) > 1
    for number, scores in enumerate(groups, 1):
        suffix = f" ({number})" if several else ""
        data_title = f"{DATA_SHEET}{suffix}"
        first_row, last_row = _write_data_sheet(workbook.create_sheet(data_title), scope, period, scores)
        _write_check_sheet(workbook.create_sheet(f"{CHECK_SHEET}{suffix}"), data_title, scores,
                           first_row, last_row)
    workbook.save(out)


def _title_rows(sheet, scope: DocumentScope, period: Period) -> list[list]:
    return [
        [sheet_cell(sheet, "PENGOLAHAN DATA SURVEI KEPUASAN MASYARAKAT PER RESPONDEN DAN PER UNSUR PELAYANAN",
                    bold=True)],
        [sheet_cell(sheet, "Unit Pelayanan"), sheet_cell(sheet, f": {scope.name}")],
        [sheet_cell(sheet, "Periode"), sheet_cell(sheet, f": {period.label}")],
        [sheet_cell(sheet, "Alamat"), sheet_cell(sheet, f": {scope.address or '-'}")],
        [],
    ]


def _write_data_sheet(sheet, scope: DocumentScope, period: Period, scores: Scores) -> tuple[int, int]:
    """The respondents' rows and the engine's totals; returns the first and last respondent row numbers."""
    elements = scores.elements
    sheet.column_dimensions["A"].width = 34
    for position in range(2, len(elements) + 2):
        sheet.column_dimensions[get_column_letter(position)].width = 9
    for row in _title_rows(sheet, scope, period):
        sheet.append(row)
    sheet.append([sheet_cell(sheet, "No. Resp", bold=True, fill=HEADER_FILL)]
                 + [sheet_cell(sheet, element.code, bold=True, fill=HEADER_FILL) for element in elements])
    pivot = _pivoted(elements)
    rows = (_responses(scope, period, scores.questionnaire.id).order_by("answered_at", "id")
            .annotate(**pivot).values_list(*pivot))
    written = 0
    for written, values in enumerate(rows.iterator(chunk_size=CHUNK), 1):
        sheet.append([written, *values])
    first_row, last_row = HEADER_ROW + 1, HEADER_ROW + written

    result = scores.result
    totals = scores.totals
    sheet.append([sheet_cell(sheet, "Σ Nilai/Unsur", bold=True)] + [total.sum for total in totals])
    sheet.append([sheet_cell(sheet, "Jumlah Kuesioner Terisi/Unsur")] + [total.count for total in totals])
    if result is None:
        missing = ", ".join(element.code for element in scores.missing_elements)
        sheet.append([sheet_cell(sheet, f"Tidak ada IKM: unsur {missing} belum dijawab.", bold=True)])
        return first_row, last_row
    # Floats carry the exact fractions to double precision; shown with the 3 decimals documents use.
    sheet.append([sheet_cell(sheet, "NRR/Unsur", bold=True)]
                 + [sheet_cell(sheet, float(element.nrr), number_format="0.000") for element in result.elements])
    sheet.append([sheet_cell(sheet, "NRR Tertimbang/Unsur", bold=True)]
                 + [sheet_cell(sheet, float(element.weighted_nrr), number_format="0.000")
                    for element in result.elements])
    sheet.append([sheet_cell(sheet, "IKM Unit Pelayanan *)", bold=True),
                  sheet_cell(sheet, float(result.ikm), number_format="0.000")])
    sheet.append([sheet_cell(sheet, "IKM Unit Pelayanan (konversi) **)", bold=True),
                  sheet_cell(sheet, float(result.ikm_converted), number_format="0.00")])
    sheet.append([sheet_cell(sheet, "Mutu Pelayanan", bold=True), sheet_cell(sheet, result.grade.letter)])
    sheet.append([sheet_cell(sheet, "Kinerja Unit Pelayanan", bold=True), sheet_cell(sheet, result.grade.performance)])
    sheet.append([])
    sheet.append([sheet_cell(sheet, "*) Jumlah NRR IKM tertimbang")])
    sheet.append([sheet_cell(sheet, "**) Jumlah NRR Tertimbang x 25")])
    sheet.append([sheet_cell(sheet, f"Bobot tiap unsur = 1/{len(elements)}; nilai tidak dibulatkan sebelum "
                                    "IKM konversi dibulatkan ke 2 desimal.")])
    return first_row, last_row


def _write_check_sheet(sheet, data_title: str, scores: Scores, first_row: int, last_row: int) -> None:
    """The totals again as formulas over the data sheet: SUM, COUNT, a division and the exact weight 1/n."""
    elements = scores.elements
    n = len(elements)
    sheet.column_dimensions["A"].width = 34
    sheet.append([sheet_cell(sheet, f"Pemeriksaan dengan rumus atas lembar '{data_title}'", bold=True)])
    sheet.append([sheet_cell(sheet, "Unsur", bold=True)]
                 + [sheet_cell(sheet, element.code, bold=True) for element in elements])
    if last_row < first_row:
        sheet.append([sheet_cell(sheet, "Belum ada responden.")])
        return
    columns = [get_column_letter(position) for position in range(2, n + 2)]
    quoted = "'" + data_title.replace("'", "''") + "'"
    sheet.append([sheet_cell(sheet, "Σ Nilai/Unsur")]
                 + [_formula(sheet, f"=SUM({quoted}!{c}{first_row}:{c}{last_row})") for c in columns])
    sheet.append([sheet_cell(sheet, "Jumlah Kuesioner Terisi/Unsur")]
                 + [_formula(sheet, f"=COUNT({quoted}!{c}{first_row}:{c}{last_row})") for c in columns])
    sheet.append([sheet_cell(sheet, "NRR/Unsur")]
                 + [_formula(sheet, f"={c}3/{c}4", "0.000") for c in columns])
    sheet.append([sheet_cell(sheet, f"NRR Tertimbang/Unsur (x 1/{n})")]
                 + [_formula(sheet, f"={c}5*1/{n}", "0.000") for c in columns])
    sheet.append([sheet_cell(sheet, "IKM Unit Pelayanan *)"),
                  _formula(sheet, f"=SUM(B6:{columns[-1]}6)", "0.000")])
    sheet.append([sheet_cell(sheet, "IKM x 25 **)"), _formula(sheet, "=B7*25", "0.0000")])
    sheet.append([sheet_cell(sheet, "IKM konversi (dibulatkan 2 desimal)"), _formula(sheet, "=ROUND(B8,2)", "0.00")])


RAW_PROFILE = ("answered_at", "unit__name", "service__name", "channel", "respondent_type", "gender", "age",
               "education", "occupation")
RAW_HEADERS = ("No", "Waktu Mengisi", "Unit Layanan", "Jenis Layanan", "Saluran", "Jenis Responden",
               "Jenis Kelamin", "Usia", "Pendidikan", "Pekerjaan")


def responses_export_write(*, scope: DocumentScope, period: Period, out: BinaryIO) -> int:
    """Write every counted response of the scope and period with profile, answers and suggestion.

    Returns the number of responses written. Text is stored as text so a suggestion can never run as a
    formula in the reader's spreadsheet.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data Responden")
    base = responses_in_period(unit_ids=scope.unit_ids, period=period)
    questionnaire_ids = list(base.order_by().values_list("questionnaire_id", flat=True).distinct())
    elements = list(Element.objects.filter(questionnaire_id__in=questionnaire_ids).order_by("position"))
    # Units of one scope share a questionnaire in practice; with several, their element codes line up.
    positions = sorted({element.position for element in elements})
    pivot = {f"u{position}": Max("answers__value", filter=Q(answers__element__position=position))
             for position in positions}
    sheet.append([sheet_cell(sheet, f"Data responden SKM · {scope.name} · {period.label}", bold=True)])
    sheet.append([sheet_cell(sheet, header, bold=True, fill=HEADER_FILL)
                  for header in (*RAW_HEADERS, *(f"U{p}" for p in positions), "Saran", "Diduga Berulang")])
    rows = (base.order_by("answered_at", "id").annotate(**pivot)
            .values_list(*RAW_PROFILE, *pivot, "suggestion", "suspected_repeat"))
    written = 0
    zone = timezone.get_current_timezone()
    for written, row in enumerate(rows.iterator(chunk_size=CHUNK), 1):
        answered_at, *rest = row
        local_time = timezone.localtime(answered_at, zone).replace(tzinfo=None)
        *middle, repeat = rest
        sheet.append([written, sheet_cell(sheet, local_time, number_format="yyyy-mm-dd hh:mm"),
                      *(sheet_cell(sheet, value) if isinstance(value, str) else value for value in middle),
                      sheet_cell(sheet, "ya" if repeat else "")])
    workbook.save(out)
    return written
