"""The regional recap for Bagian Organisasi: every agency and unit of a region for a period, with sample,
IKM, grade, rank and change against the previous period; the region-wide IKM from pooled element sums;
units below grade B and units whose sample is too small. Excel and PDF.

Its figures are those of reports.aggregates, as on the region dashboard: a perangkat daerah pools its units and
every agency below it (listed indented after it, unranked); units rank among units."""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from openpyxl import Workbook

from agencies.models import Region
from agencies.zones import region_today
from reports.documents import charts
from reports.documents.common import (
    change, count, date_text, element_rows, render_pdf, result_summary,
)
from reports.documents.workbooks import HEADER_FILL, sheet_cell
from reports.ikm import GRADE_C, GRADE_D
from reports.integrity import Integrity, integrity_by_unit
from reports.periods import Period
from reports.aggregates import (
    Adequacy, Figure, agency_figures, agency_tree, figure_pool, figure_rank, unit_adequacy, unit_figures,
)
from reports.selectors import Sample

Progress = Callable[[int], None]
BELOW_B = (GRADE_C.letter, GRADE_D.letter)


UNAVAILABLE = "tidak dapat dihitung"


def _summary(figure: Figure) -> dict:
    """A figure's headline as the recap prints it; without an IKM, "tidak dapat dihitung" and the reason."""
    summary = result_summary(figure.scores)
    summary.update(respondents=count(figure.respondents), respondent_count=figure.respondents,
                   reason=figure.unavailable_reason or "", third_party=figure.third_party_label)
    if not summary["has_result"]:
        summary["performance"] = UNAVAILABLE
    return summary


def _row(*, level: str, name: str, agency: str, figure: Figure, previous: Figure | None, rank: int | None,
         sample: Sample | None = None, adequacy: Adequacy | None = None, includes: str = "") -> dict:
    """One recap row: a unit against its own sample, or an agency with how many of its units meet theirs."""
    summary = _summary(figure)
    before = previous.result.ikm_converted if previous and previous.result else None
    same_questionnaire = (figure.scores and previous and previous.scores
                          and figure.scores.questionnaire.id == previous.scores.questionnaire.id)
    groups = []
    if figure.mixed:  # never pooled into one IKM: each questionnaire's group on its own line
        groups = [{"level": "group", "name": f"Kuesioner {scores.questionnaire.title}",
                   **_summary(Figure(groups=[scores]))} for scores in figure.groups]
    return {
        "level": level, "name": name, "agency": agency, **summary, "includes": includes, "groups": groups,
        "population": count(sample.population) if sample else "–",
        "required": count(sample.required) if sample else "–",
        "sample_met": sample.met if sample else None,
        "population_value": sample.population if sample else None,
        "required_value": sample.required if sample else None,
        "adequacy": adequacy.text if adequacy else "",
        "rank": rank, "previous_value": before,
        "change": change(summary["converted_value"], before) if same_questionnaire else None,
    }


def integrity_text(figure: Integrity) -> str:
    """The recap's integrity column: received / counted · excluded-or-awaiting share, "!" above 10%."""
    percent = f"{figure.doubtful_percent}".replace(".", ",")
    return f"{figure.received}/{figure.counted} · {percent}%{' !' if figure.marked else ''}"


def _integrity_of(figures: list[Integrity]) -> dict:
    pooled = Integrity()
    for figure in figures:
        pooled.add(figure)
    return {"integrity": pooled, "integrity_text": integrity_text(pooled)}


def recap_data(*, region: Region, period: Period, progress: Progress | None = None) -> dict:
    """Everything the recap shows, from the figures of reports.aggregates (the dashboards' own): a handful of
    grouped queries on the tallies."""
    tree = agency_tree(region)
    unit_ids = [unit.id for units in tree.own_units.values() for unit in units]
    current = unit_figures(unit_ids=unit_ids, period=period)
    previous = unit_figures(unit_ids=unit_ids, period=period.previous())
    if progress:
        progress(30)
    adequacy = unit_adequacy(unit_ids=unit_ids, period=period, units=current)
    unit_ranks = figure_rank(current)
    agency_current, agency_previous = agency_figures(tree, current), agency_figures(tree, previous)
    roots = tree.top_level()
    agency_ranks = figure_rank({agency.id: agency_current[agency.id] for agency in roots})
    integrity = integrity_by_unit(unit_ids=unit_ids, period=period)
    if progress:
        progress(60)

    def agency_row(agency, *, level: str, rank=None) -> dict:
        under = [unit.id for unit in tree.units_under(agency.id)]
        return {**_row(level=level, name=agency.name, agency=agency.name, figure=agency_current[agency.id],
                       previous=agency_previous[agency.id], rank=rank, adequacy=adequacy.part(under),
                       includes=tree.includes(agency.id)),
                **_integrity_of([integrity[unit_id] for unit_id in under])}

    def unit_rows(agency, *, deep: bool = False) -> list[dict]:
        return [{**_row(level="unit", name=unit.name, agency=agency.name, figure=current[unit.id],
                        previous=previous[unit.id], sample=adequacy.samples[unit.id], rank=unit_ranks.get(unit.id)),
                 "deep": deep, **_integrity_of([integrity[unit.id]])} for unit in tree.own_units.get(agency.id, [])]

    rows, all_units = [], []
    for number, agency in enumerate(roots, 1):
        rows.append({**agency_row(agency, level="agency", rank=agency_ranks.get(agency.id)), "number": number})
        own = unit_rows(agency)
        rows += own
        all_units += own
        for sub in tree.below(agency.id):
            rows.append(agency_row(sub, level="sub"))
            own = unit_rows(sub, deep=True)
            rows += own
            all_units += own
    region_figure = figure_pool(current.values())
    region_groups = [{"questionnaire": scores.questionnaire, "summary": _summary(Figure(groups=[scores])),
                      "elements": element_rows(scores)} for scores in region_figure.groups]
    ranked = sorted((row for row in all_units if row["converted_value"] is not None),
                    key=lambda row: (row["rank"], row["name"]))
    regulation = region_groups[0]["questionnaire"].rules if region_groups else None
    if progress:
        progress(80)
    return {
        "title": "Rekapitulasi Hasil Survei Kepuasan Masyarakat", "region": region, "period": period,
        "previous": period.previous(), "rows": rows, "region_groups": region_groups,
        "region_summary": _summary(region_figure), "adequacy": adequacy.text,
        "ranked": ranked,
        "below_b": [row for row in ranked if row["letter"] in BELOW_B],
        "too_small": [row for row in all_units if row["sample_met"] is False],
        "no_population": [row for row in all_units if row["sample_met"] is None],
        "units_total": len(all_units), "units_with_result": len(ranked),
        "chart": charts.units_chart(ranked, regulation) if ranked else None,
        "place_date": f"{region.name}, {date_text(region_today(region))}", "integrity_note": INTEGRITY_NOTE,
    }


RECAP_HEADERS = ("No", "Perangkat Daerah / Unit Layanan", "Populasi", "Sampel Minimal", "Responden",
                 "Sampel Cukup", "IKM", "IKM Konversi", "Mutu", "Kinerja", "Peringkat", "Perubahan",
                 "Integritas Data")
INTEGRITY_NOTE = ("Integritas data: diterima/dihitung · persen dikecualikan atau menunggu tinjauan; ! lebih dari "
                  "10% (docs/integrity.md).")


def recap_xlsx_write(*, region: Region, period: Period, out: BinaryIO, progress: Progress | None = None) -> None:
    data = recap_data(region=region, period=period, progress=progress)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Rekap")
    sheet.column_dimensions["B"].width = 46
    sheet.append([sheet_cell(sheet, f"{data['title'].upper()} · {region.name.upper()}", bold=True)])
    sheet.append([sheet_cell(sheet, "Periode"), sheet_cell(sheet, f": {period.label}")])
    sheet.append([sheet_cell(sheet, "Dibandingkan"), sheet_cell(sheet, f": {data['previous'].label}")])
    sheet.append([])
    sheet.append([sheet_cell(sheet, header, bold=True, fill=HEADER_FILL) for header in RECAP_HEADERS])

    def values(row: dict) -> list:
        if row["level"] == "unit":
            met = {True: "ya", False: "tidak", None: "-"}[row["sample_met"]]
        else:
            met = row.get("adequacy", "")
        has = row["has_result"]
        indent = {"agency": "", "sub": "  ", "unit": "    ", "group": "      "}[row["level"]]
        name = indent + row["name"] + (f" ({row['includes']})" if row.get("includes") else "")
        name += f" · {row['third_party']}" if row.get("third_party") else ""
        return [row.get("number"), sheet_cell(sheet, name, bold=row["level"] in ("agency", "sub")),
                row.get("population_value"), row.get("required_value"), row["respondent_count"],
                sheet_cell(sheet, met) if row["level"] != "group" else None,
                sheet_cell(sheet, float(row["ikm_value"]), number_format="0.000") if has else None,
                sheet_cell(sheet, float(row["converted_value"]), number_format="0.00") if has else None,
                sheet_cell(sheet, row["letter"] if has else ""),
                sheet_cell(sheet, row["performance"] if has else f"{UNAVAILABLE}: {row['reason']}"),
                row.get("rank"), sheet_cell(sheet, float(row["change"]["delta"]), number_format="+0.00;-0.00;0.00")
                if row.get("change") else None, sheet_cell(sheet, row.get("integrity_text", ""))]

    for row in data["rows"]:
        sheet.append(values(row))
        for group in row["groups"]:
            sheet.append(values(group))
    sheet.append([None, sheet_cell(sheet, INTEGRITY_NOTE)])
    sheet.append([])
    summary = data["region_summary"]
    if len(data["region_groups"]) > 1:
        sheet.append([None, sheet_cell(sheet, f"IKM {region.name} (gabungan unsur seluruh unit)", bold=True), None,
                      None, summary["respondent_count"], None, None, None, None,
                      sheet_cell(sheet, f"{UNAVAILABLE}: {summary['reason']}")])
    for group in data["region_groups"]:
        summary = group["summary"]
        has = summary["has_result"]
        third_party = f" · termasuk {summary['third_party']}" if summary["third_party"] else ""
        title = f"IKM {region.name} (gabungan unsur, {group['questionnaire'].title}){third_party}"
        sheet.append([None, sheet_cell(sheet, title, bold=True), None, None, summary["respondent_count"], None,
                      sheet_cell(sheet, float(summary["ikm_value"]), number_format="0.000") if has else None,
                      sheet_cell(sheet, float(summary["converted_value"]), number_format="0.00") if has else None,
                      sheet_cell(sheet, summary["letter"] if has else ""),
                      sheet_cell(sheet, summary["performance"] if has else f"{UNAVAILABLE}: {summary['reason']}")])
    sheet.append([None, sheet_cell(sheet, f"Sampel: {data['adequacy']}")])
    sheet.append([])
    sheet.append([None, sheet_cell(sheet, "Unit di bawah mutu B", bold=True)])
    for row in data["below_b"]:
        sheet.append([None, sheet_cell(sheet, f"{row['name']} ({row['agency']})"), None, None, None, None, None,
                      float(row["converted_value"]), sheet_cell(sheet, row["letter"])])
    sheet.append([None, sheet_cell(sheet, "Unit dengan sampel belum cukup", bold=True)])
    for row in data["too_small"]:
        sheet.append([None, sheet_cell(sheet, f"{row['name']} ({row['agency']})"), row["population_value"],
                      row["required_value"], row["respondent_count"]])
    workbook.save(out)
    if progress:
        progress(100)


def recap_pdf(*, region: Region, period: Period, progress: Progress | None = None) -> bytes:
    data = recap_data(region=region, period=period, progress=progress)
    pdf = render_pdf("reports/documents/recap.html", data)
    if progress:
        progress(100)
    return pdf
