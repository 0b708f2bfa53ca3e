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

import shutil
import tempfile
import zipfile
from typing import BinaryIO
from xml.etree import ElementTree

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from reports.aggregates import Figure
from reports.documents.common import DocumentScope, change_notes, figure_for_scope, grade_rows, unavailable_text
from reports.periods import Period
from reports.selectors import Scores, questionnaire_changes, responses_in_period, third_party_mark
from surveys.models import Element, Response

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


def _responses(scope: DocumentScope, period: Period, questionnaire_id: int, figure: Figure):
    """The captured responses behind a group: without those a third-party result replaced."""
    responses = responses_in_period(unit_ids=scope.unit_ids, period=period).filter(questionnaire_id=questionnaire_id)
    for replaced in figure.replaced:
        responses = responses.exclude(pk__in=responses_in_period(unit_ids=[replaced.unit_id], period=replaced.period)
                                      .values("pk"))
    return responses


def _third_party_part(figure: Figure, scores: Scores) -> dict | None:
    """The third-party results inside a group: providers, respondents, and per element the sum and answers."""
    parts = [used.scores for used in figure.used if used.scores.questionnaire.id == scores.questionnaire.id]
    if not parts:
        return None
    totals = [part.totals for part in parts]
    return {"mark": third_party_mark(provider for part in parts for provider in part.providers),
            "respondents": sum(part.respondents for part in parts),
            "sums": [sum(found[index].sum for found in totals) for index in range(len(scores.elements))],
            "answers": [sum(found[index].count for found in totals) for index in range(len(scores.elements))]}


def _pivoted(elements: list[Element]) -> dict:
    """One column per element: the value given to it, None for a blank."""
    return {f"u{element.position}": Max("answers__value", filter=Q(answers__element_id=element.id))
            for element in elements}


def processing_table_write(*, scope: DocumentScope, period: Period, out: BinaryIO) -> None:
    """Write the Tabel Pengolahan Data workbook of the scope and period to `out`: every respondent, one data sheet
    and one check sheet per questionnaire answered in the period (in the order they were first answered)."""
    workbook = Workbook(write_only=True)
    figure = figure_for_scope(scope, period)
    groups = figure.groups
    notes = change_notes(questionnaire_changes(unit_ids=scope.unit_ids, period=period),
                         with_unit=scope.kind == "agency")
    respondents = sum(scores.respondents for scores in groups)
    if not groups:
        sheet = workbook.create_sheet(DATA_SHEET)
        for row in _title_rows(sheet, scope, period, None, notes, respondents):
            sheet.append(row)
        sheet.append([sheet_cell(sheet, "Belum ada responden pada periode ini.")])
    several = len(groups) > 1
    cached = {}
    for number, scores in enumerate(groups, 1):
        suffix = f" ({number})" if several else ""
        data_title = f"{DATA_SHEET}{suffix}"
        sheet = workbook.create_sheet(data_title)
        third_party = _third_party_part(figure, scores)
        first_row, last_row, extra_row = _write_data_sheet(
            sheet, scope, period, scores, _title_rows(sheet, scope, period, scores, notes, respondents, third_party),
            figure, third_party)
        check = workbook.create_sheet(f"{CHECK_SHEET}{suffix}")
        values = _write_check_sheet(check, data_title, scores, first_row, last_row, extra_row)
        cached[f"xl/worksheets/sheet{len(workbook.worksheets)}.xml"] = values
    _save_with_cached_values(workbook, out, cached)


def _title_rows(sheet, scope: DocumentScope, period: Period, scores: Scores | None, notes: list[str],
                respondents: int, third_party: dict | None = None) -> list[list]:
    rows = [
        ["PENGOLAHAN DATA SURVEI KEPUASAN MASYARAKAT PER RESPONDEN DAN PER UNSUR PELAYANAN"],
        ["Unit Pelayanan", f": {scope.name}"],
        ["Periode", f": {period.label}"],
        ["Alamat", f": {scope.address or '-'}"],
    ]
    if scores is not None:
        questionnaire = scores.questionnaire
        rows.append(["Kuesioner", f": {questionnaire.title} (versi {questionnaire.version}), sesuai "
                                  f"{questionnaire.legal_basis}"])
        rows.append(["Responden", f": {scores.respondents} dari {respondents} responden pada periode ini"])
    if third_party:
        rows.append(["Pihak ketiga", f": termasuk {third_party['mark']}, {third_party['respondents']} responden "
                                     "tanpa data per responden; jumlah nilai dan banyaknya jawabannya per unsur "
                                     "dicetak di bawah baris responden dan ikut dijumlahkan."])
    rows += [[note] for note in notes]
    rows.append([])
    return [[sheet_cell(sheet, value, bold=index == 0) for value in row] for index, row in enumerate(rows)]


def _write_data_sheet(sheet, scope: DocumentScope, period: Period, scores: Scores, title_rows: list[list],
                      figure: Figure, third_party: dict | None) -> tuple[int, int, int | None]:
    """The respondents' rows, the third-party results' sums and answers (when the group holds any) and the
    engine's totals; returns the first and last respondent row numbers and the third-party sums' row (its answers
    are on the next row), None without one."""
    elements = scores.elements
    sheet.column_dimensions["A"].width = 34
    for position in range(2, len(elements) + 2):
        sheet.column_dimensions[get_column_letter(position)].width = 9
    for row in title_rows:
        sheet.append(row)
    sheet.append([sheet_cell(sheet, "No. Resp", bold=True, fill=HEADER_FILL)]
                 + [sheet_cell(sheet, element.code, bold=True, fill=HEADER_FILL) for element in elements])
    header_row = len(title_rows) + 1
    pivot = _pivoted(elements)
    rows = (_responses(scope, period, scores.questionnaire.id, figure).order_by("answered_at", "id")
            .annotate(**pivot).values_list(*pivot))
    written = 0
    for written, values in enumerate(rows.iterator(chunk_size=CHUNK), 1):
        sheet.append([written, *values])
    first_row, last_row = header_row + 1, header_row + written
    extra_row = None
    if third_party:
        sheet.append([sheet_cell(sheet, f"Σ Nilai, {third_party['mark']}", bold=True), *third_party["sums"]])
        sheet.append([sheet_cell(sheet, f"Jumlah jawaban, {third_party['mark']}", bold=True),
                      *third_party["answers"]])
        extra_row = last_row + 1

    result = scores.result
    by_id = scores.element_scores
    answered = [by_id.get(element.id) for element in elements]
    sheet.append([sheet_cell(sheet, "Σ Nilai/Unsur", bold=True)] + [total.sum for total in scores.totals])
    sheet.append([sheet_cell(sheet, "Jumlah Kuesioner Terisi/Unsur")] + [total.count for total in scores.totals])
    # Floats carry the exact fractions to double precision; shown with the 3 decimals documents use. An element
    # nobody answered has "–"; the answered ones keep their values.
    sheet.append([sheet_cell(sheet, "NRR/Unsur", bold=True)]
                 + [sheet_cell(sheet, float(score.nrr), number_format="0.000") if score else sheet_cell(sheet, "–")
                    for score in answered])
    sheet.append([sheet_cell(sheet, "NRR Tertimbang/Unsur", bold=True)]
                 + [sheet_cell(sheet, float(score.weighted_nrr), number_format="0.000") if score
                    else sheet_cell(sheet, "–") for score in answered])
    if result is None:
        unavailable = unavailable_text(scores)
        for label in ("IKM Unit Pelayanan *)", "IKM Unit Pelayanan (konversi) **)", "Mutu Pelayanan",
                      "Kinerja Unit Pelayanan"):
            sheet.append([sheet_cell(sheet, label, bold=True), sheet_cell(sheet, unavailable)])
    else:
        sheet.append([sheet_cell(sheet, "IKM Unit Pelayanan *)", bold=True),
                      sheet_cell(sheet, float(result.ikm), number_format="0.000")])
        sheet.append([sheet_cell(sheet, "IKM Unit Pelayanan (konversi) **)", bold=True),
                      sheet_cell(sheet, float(result.ikm_converted), number_format="0.00")])
        sheet.append([sheet_cell(sheet, "Mutu Pelayanan", bold=True), sheet_cell(sheet, result.grade.letter)])
        sheet.append([sheet_cell(sheet, "Kinerja Unit Pelayanan", bold=True),
                      sheet_cell(sheet, result.grade.performance)])
    sheet.append([])
    sheet.append([sheet_cell(sheet, "*) Jumlah NRR IKM tertimbang")])
    sheet.append([sheet_cell(sheet, "**) Jumlah NRR Tertimbang x 25")])
    sheet.append([sheet_cell(sheet, f"Bobot tiap unsur = 1/{len(elements)}; nilai tidak dibulatkan sebelum "
                                    "IKM konversi dibulatkan ke 2 desimal.")])
    sheet.append([])
    sheet.append([sheet_cell(sheet, f"Mutu pelayanan menurut {scores.questionnaire.legal_basis}:", bold=True)])
    sheet.append([sheet_cell(sheet, header, bold=True) for header in ("Nilai Interval Konversi (NIK)", "Mutu",
                                                                     "Kinerja Unit Pelayanan")])
    for band in grade_rows(scores.questionnaire.rules):
        sheet.append([sheet_cell(sheet, band["range"]), sheet_cell(sheet, band["letter"]),
                      sheet_cell(sheet, band["performance"])])
    return first_row, last_row, extra_row


def _grade_formula(cell: str, regulation, field: str) -> str:
    """The regulation's bands as nested IFs over a rounded converted value: its letter or its performance."""
    (_lowest, bottom), *upper = regulation.bands
    formula = _quoted(getattr(bottom, field))
    for low, grade in upper:
        formula = f"IF({cell}>={low},{_quoted(getattr(grade, field))},{formula})"
    return formula


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _write_check_sheet(sheet, data_title: str, scores: Scores, first_row: int, last_row: int,
                       extra_row: int | None = None) -> dict[str, object]:
    """The totals again as formulas over the data sheet: SUM, COUNT, a division and the exact weight 1/n, guarded
    so that an element nobody answered gives "–" and an IKM that cannot be computed says so, never #DIV/0!.
    Returns each formula cell's value as the engine computed it (the cached value a reader sees before
    recalculating)."""
    elements = scores.elements
    regulation = scores.questionnaire.rules
    n = len(elements)
    sheet.column_dimensions["A"].width = 34
    sheet.append([sheet_cell(sheet, f"Pemeriksaan dengan rumus atas lembar '{data_title}'", bold=True)])
    sheet.append([sheet_cell(sheet, "Unsur", bold=True)]
                 + [sheet_cell(sheet, element.code, bold=True) for element in elements])
    if last_row < first_row and extra_row is None:
        sheet.append([sheet_cell(sheet, "Belum ada responden.")])
        return {}
    columns = [get_column_letter(position) for position in range(2, n + 2)]
    last = columns[-1]
    quoted = "'" + data_title.replace("'", "''") + "'"
    by_id = scores.element_scores
    answered = [by_id.get(element.id) for element in elements]
    result = scores.result
    unavailable = None if result else unavailable_text(scores)
    # The reason in the engine's own words, its element codes filled in by the formula.
    before, after = _("%(codes)s belum ada jawaban").split("%(codes)s")
    codes = "&".join(f'IF({c}4=0,", {element.code}","")' for c, element in zip(columns, elements))
    def summed(function: str, column: str, offset: int) -> str:
        # The respondents' rows, plus the third-party results' sums (offset 0) or answers (offset 1) row.
        parts = [f"{function}({quoted}!{column}{first_row}:{column}{last_row})"] if last_row >= first_row else []
        if extra_row is not None:
            parts.append(f"{quoted}!{column}{extra_row + offset}")
        return "=" + "+".join(parts)

    rows = [
        ("Σ Nilai/Unsur", [(summed("SUM", c, 0), None, total.sum) for c, total in zip(columns, scores.totals)]),
        ("Jumlah Kuesioner Terisi/Unsur", [(summed("COUNT", c, 1), None, total.count)
                                           for c, total in zip(columns, scores.totals)]),
        ("NRR/Unsur", [(f'=IF({c}4=0,"–",{c}3/{c}4)', "0.000", float(score.nrr) if score else "–")
                       for c, score in zip(columns, answered)]),
        (f"NRR Tertimbang/Unsur (x 1/{n})", [(f'=IF({c}4=0,"–",{c}5*1/{n})', "0.000",
                                             float(score.weighted_nrr) if score else "–")
                                            for c, score in zip(columns, answered)]),
        ("IKM Unit Pelayanan *)", [(f'=IF(COUNTIF(B4:{last}4,0)>0,{_quoted(_("tidak dapat dihitung") + ": " + before)}'
                                    f'&B12&{_quoted(after)},SUM(B6:{last}6))', "0.000",
                                    float(result.ikm) if result else unavailable)]),
        ("IKM x 25 **)", [("=IF(ISNUMBER(B7),B7*25,B7)", "0.0000", float(result.ikm * 25) if result else unavailable)]),
        ("IKM konversi (dibulatkan 2 desimal)", [("=IF(ISNUMBER(B8),ROUND(B8,2),B8)", "0.00",
                                                  float(result.ikm_converted) if result else unavailable)]),
        ("Mutu Pelayanan", [(f"=IF(ISNUMBER(B9),{_grade_formula('B9', regulation, 'letter')},B9)", None,
                             result.grade.letter if result else unavailable)]),
        ("Kinerja Unit Pelayanan", [(f"=IF(ISNUMBER(B9),{_grade_formula('B9', regulation, 'performance')},B9)",
                                     None, result.grade.performance if result else unavailable)]),
        ("Unsur belum dijawab", [(f"=MID({codes},3,{5 * n})", None,
                                  ", ".join(element.code for element in scores.missing_elements))]),
    ]
    cached = {}
    for row_number, (label, cells) in enumerate(rows, 3):
        sheet.append([sheet_cell(sheet, label)] + [_formula(sheet, formula, number_format)
                                                   for formula, number_format, _value in cells])
        for column, (_formula_text, _format, value) in zip(columns, cells):
            cached[f"{column}{row_number}"] = value
    return cached


SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _save_with_cached_values(workbook, out: BinaryIO, cached: dict[str, dict[str, object]]) -> None:
    """Save the workbook to `out` with each formula's value stored beside it.

    openpyxl writes formulas without values, so a reader that does not recalculate (a phone's preview, a
    program reading the file) would show empty cells; the package is copied member by member (the data sheets
    streamed, so memory stays flat) and the check sheets get the engine's values as the formulas' cached
    results."""
    with tempfile.TemporaryFile() as saved:
        workbook.save(saved)
        saved.seek(0)
        with zipfile.ZipFile(saved) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                values = cached.get(item.filename)
                if values:
                    target.writestr(item.filename, _with_cached_values(source.read(item), values))
                    continue
                with source.open(item) as reader, target.open(item.filename, "w") as writer:
                    shutil.copyfileobj(reader, writer, 1 << 16)


def _with_cached_values(sheet_xml: bytes, values: dict[str, object]) -> bytes:
    ElementTree.register_namespace("", SPREADSHEET_NS)
    root = ElementTree.fromstring(sheet_xml)
    for cell in root.iter(f"{{{SPREADSHEET_NS}}}c"):
        reference = cell.get("r")
        if reference not in values or cell.find(f"{{{SPREADSHEET_NS}}}f") is None:
            continue
        value = values[reference]
        stored = cell.find(f"{{{SPREADSHEET_NS}}}v")
        if stored is None:
            stored = ElementTree.SubElement(cell, f"{{{SPREADSHEET_NS}}}v")
        if isinstance(value, str):
            cell.set("t", "str")
            stored.text = value
        else:
            cell.attrib.pop("t", None)
            stored.text = repr(value)
    return ElementTree.tostring(root, xml_declaration=True, encoding="UTF-8")


RAW_PROFILE = ("answered_at", "unit__name", "service__name", "channel", "respondent_type", "gender", "age",
               "education", "occupation", "questionnaire__code")
RAW_HEADERS = ("No", "Waktu Mengisi", "Unit Layanan", "Jenis Layanan", "Saluran", "Jenis Responden",
               "Jenis Kelamin", "Usia", "Pendidikan", "Pekerjaan",
               "Kuesioner")


def _coded_labels() -> dict[int, dict[str, str]]:
    """For each coded column of RAW_PROFILE (saluran, jenis responden, ...), its codes' Indonesian labels: the
    clerk reads "Lembar kertas", not `paper`. Documents stay Indonesian whatever the reader's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return {position: {code: str(label) for code, label in Response._meta.get_field(field).flatchoices}
                for position, field in enumerate(RAW_PROFILE)
                if "__" not in field and Response._meta.get_field(field).choices}


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
    # Several questionnaires (a unit that changed questionnaire) share the U1..Un columns by position; the
    # "Kuesioner" column says which one each row answered.
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
    labels = _coded_labels()
    for written, row in enumerate(rows.iterator(chunk_size=CHUNK), 1):
        answered_at, *rest = [labels[i].get(value, value) if i in labels else value for i, value in enumerate(row)]
        local_time = timezone.localtime(answered_at, zone).replace(tzinfo=None)
        *middle, repeat = rest
        sheet.append([written, sheet_cell(sheet, local_time, number_format="yyyy-mm-dd hh:mm"),
                      *(sheet_cell(sheet, value) if isinstance(value, str) else value for value in middle),
                      sheet_cell(sheet, "ya" if repeat else "")])
    workbook.save(out)
    return written
