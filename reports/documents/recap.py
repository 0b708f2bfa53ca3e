"""The regional recap for Bagian Organisasi: every agency and unit of a region for a period, with sample,
IKM, grade, rank and change against the previous period; the region-wide IKM from pooled element sums;
units below grade B and units whose sample is too small. Excel and PDF."""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from django.utils import timezone
from openpyxl import Workbook

from agencies.models import Agency, Region, ServiceUnit
from reports.documents import charts
from reports.documents.common import (
    change, count, date_text, element_rows, render_pdf, result_summary,
)
from reports.documents.workbooks import HEADER_FILL, sheet_cell
from reports.ikm import GRADE_C, GRADE_D
from reports.periods import Period
from reports.selectors import (
    Sample, Scores, pooled_scores, samples_by_unit, scores_by_unit, scores_merge, scores_rank,
)

Progress = Callable[[int], None]
BELOW_B = (GRADE_C.letter, GRADE_D.letter)


def _row(*, level: str, name: str, agency: str, scores: Scores | None, previous: Scores | None,
         sample: Sample, rank: int | None) -> dict:
    summary = result_summary(scores)
    before = previous.result.ikm_converted if previous and previous.result else None
    same_questionnaire = not (scores and previous) or scores.questionnaire.id == previous.questionnaire.id
    return {
        "level": level, "name": name, "agency": agency, **summary,
        "population": count(sample.population), "required": count(sample.required),
        "sample_met": sample.met, "population_value": sample.population, "required_value": sample.required,
        "rank": rank, "previous_value": before,
        "change": change(summary["converted_value"], before) if same_questionnaire else None,
    }


def recap_data(*, region: Region, period: Period, progress: Progress | None = None) -> dict:
    """Everything the recap shows, read from the tallies in a handful of grouped queries."""
    agencies = list(Agency.objects.filter(region=region).order_by("name"))
    units = list(ServiceUnit.objects.filter(agency__region=region).select_related("agency")
                 .order_by("agency__name", "name"))
    unit_ids = [unit.id for unit in units]
    current = scores_by_unit(unit_ids=unit_ids, period=period)
    previous = scores_by_unit(unit_ids=unit_ids, period=period.previous())
    if progress:
        progress(30)
    samples = samples_by_unit(unit_ids=unit_ids, period=period,
                              respondents={unit_id: found.respondents for unit_id, found in current.items()})
    unit_ranks = scores_rank({unit.id: current.get(unit.id) for unit in units})
    units_of = {agency.id: [unit for unit in units if unit.agency_id == agency.id] for agency in agencies}

    def merged(found: dict, agency: Agency) -> Scores | None:
        parts = scores_merge(found[unit.id] for unit in units_of[agency.id] if unit.id in found)
        return parts[0] if parts else None

    agency_current = {agency.id: merged(current, agency) for agency in agencies}
    agency_previous = {agency.id: merged(previous, agency) for agency in agencies}
    agency_ranks = scores_rank(agency_current)
    if progress:
        progress(60)
    sections = []
    for agency in agencies:
        agency_units = units_of[agency.id]
        achieved = sum(samples[unit.id].respondents for unit in agency_units)
        known = [samples[unit.id] for unit in agency_units]
        population = (sum(sample.population for sample in known)
                      if known and all(sample.population is not None for sample in known) else None)
        required = sum(sample.required for sample in known) if population is not None else None
        agency_row = _row(level="agency", name=agency.name, agency=agency.name, scores=agency_current[agency.id],
                          previous=agency_previous[agency.id], rank=agency_ranks.get(agency.id),
                          sample=Sample(respondents=achieved, population=population, required=required))
        unit_rows = [_row(level="unit", name=unit.name, agency=agency.name, scores=current.get(unit.id),
                          previous=previous.get(unit.id), sample=samples[unit.id], rank=unit_ranks.get(unit.id))
                     for unit in agency_units]
        sections.append({"agency": agency_row, "units": unit_rows})
    all_units = [row for section in sections for row in section["units"]]
    region_groups = []
    for scores in pooled_scores(unit_ids=unit_ids, period=period):
        region_groups.append({"questionnaire": scores.questionnaire, "summary": result_summary(scores),
                              "elements": element_rows(scores)})
    ranked = sorted((row for row in all_units if row["converted_value"] is not None),
                    key=lambda row: (row["rank"], row["name"]))
    regulation = region_groups[0]["questionnaire"].rules if region_groups else None
    if progress:
        progress(80)
    return {
        "title": "Rekapitulasi Hasil Survei Kepuasan Masyarakat", "region": region, "period": period,
        "previous": period.previous(), "sections": sections, "region_groups": region_groups,
        "ranked": ranked,
        "below_b": [row for row in ranked if row["letter"] in BELOW_B],
        "too_small": [row for row in all_units if row["sample_met"] is False],
        "no_population": [row for row in all_units if row["sample_met"] is None],
        "units_total": len(all_units), "units_with_result": len(ranked),
        "chart": charts.units_chart(ranked, regulation) if ranked else None,
        "place_date": f"{region.name}, {date_text(timezone.localdate())}",
    }


RECAP_HEADERS = ("No", "Perangkat Daerah / Unit Layanan", "Populasi", "Sampel Minimal", "Responden",
                 "Sampel Cukup", "IKM", "IKM Konversi", "Mutu", "Kinerja", "Peringkat", "Perubahan")


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

    def values(row: dict, number_text) -> list:
        met = {True: "ya", False: "tidak", None: "-"}[row["sample_met"]]
        has = row["has_result"]
        name = row["name"] if row["level"] == "agency" else f"    {row['name']}"
        return [number_text, sheet_cell(sheet, name, bold=row["level"] == "agency"),
                row["population_value"], row["required_value"], row["respondent_count"], sheet_cell(sheet, met),
                sheet_cell(sheet, float(row["ikm_value"]), number_format="0.000") if has else None,
                sheet_cell(sheet, float(row["converted_value"]), number_format="0.00") if has else None,
                sheet_cell(sheet, row["letter"] if has else ""), sheet_cell(sheet, row["performance"] if has else ""),
                row["rank"], sheet_cell(sheet, float(row["change"]["delta"]), number_format="+0.00;-0.00;0.00")
                if row["change"] else None]

    for position, section in enumerate(data["sections"], 1):
        sheet.append(values(section["agency"], position))
        for unit_row in section["units"]:
            sheet.append(values(unit_row, None))
    sheet.append([])
    for group in data["region_groups"]:
        summary = group["summary"]
        has = summary["has_result"]
        sheet.append([None, sheet_cell(sheet, f"IKM {region.name} (gabungan unsur, {group['questionnaire'].title})",
                                       bold=True), None, None, summary["respondent_count"], None,
                      sheet_cell(sheet, float(summary["ikm_value"]), number_format="0.000") if has else None,
                      sheet_cell(sheet, float(summary["converted_value"]), number_format="0.00") if has else None,
                      sheet_cell(sheet, summary["letter"]), sheet_cell(sheet, summary["performance"])])
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
