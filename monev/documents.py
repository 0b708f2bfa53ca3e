"""The monev recap of a region as documents: an Excel workbook (openpyxl, like reports.documents.workbooks)
and a PDF (WeasyPrint, on the base template of reports.documents). Documents are Indonesian."""

from __future__ import annotations

from typing import BinaryIO

from openpyxl import Workbook

from agencies.models import Region
from agencies.zones import region_today
from monev.charts import compliance_ikm_chart
from monev.compliance import COMPLIANCE_WEAK_BELOW
from monev.selectors import monev_beside_ikm, region_recap
from reports.documents.common import date_text, document_language, number, render_pdf
from reports.documents.workbooks import HEADER_FILL, sheet_cell

SHORT_STATUS = {"met": "Terpenuhi", "partly": "Sebagian", "not_met": "Tidak", None: "Belum dinilai"}
TITLE = "Rekapitulasi Monitoring dan Evaluasi Pelayanan Publik"


def recap_document_data(*, region: Region, year: int) -> dict:
    with document_language():
        recap = region_recap(region=region, year=year)
        rows = monev_beside_ikm(recap)
        chart = compliance_ikm_chart(rows, year=year)
        compare = [{"name": row.summary.unit.name, "agency": row.summary.unit.agency.name,
                    "compliance": number(row.standing.compliance, 2),
                    "ikm": number(row.standing.ikm, 2) if row.standing.ikm is not None else "–",
                    "letter": row.letter or "–", "quadrant": row.quadrant_label, "third_party": row.third_party}
                   for row in rows]
    return {
        "title": TITLE, "region": region, "year": year, "recap": recap, "rows": rows, "compare": compare,
        "chart": chart, "short_status": SHORT_STATUS,
        "units": [{"summary": summary, "statuses": [SHORT_STATUS[found.status] for found in summary.found],
                   "compliance": number(summary.compliance, 2) if summary.compliance is not None else "–"}
                  for summary in recap.units],
        "average": number(recap.average, 2) if recap.average is not None else "–",
        "threshold": number(COMPLIANCE_WEAK_BELOW, 2),
        "place_date": f"{region.name}, {date_text(region_today(region))}",
    }


def recap_xlsx_write(*, region: Region, year: int, out: BinaryIO) -> None:
    data = recap_document_data(region=region, year=year)
    recap = data["recap"]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Rekap Monev")
    sheet.column_dimensions["B"].width = 34
    sheet.column_dimensions["C"].width = 34
    sheet.append([sheet_cell(sheet, f"{TITLE.upper()} · {region.name.upper()}", bold=True)])
    sheet.append([sheet_cell(sheet, "Tahun"), sheet_cell(sheet, f": {year}")])
    sheet.append([sheet_cell(sheet, "Kepatuhan"), sheet_cell(sheet, ": terpenuhi = 1, terpenuhi sebagian = 0,5, "
                                                                    "tidak terpenuhi atau belum dinilai = 0")])
    sheet.append([])
    headers = ["No", "Perangkat Daerah", "Unit Layanan"] + [
        f"{item.name}{' *' if item.is_key else ''}" for item in recap.items] + [
        "Kepatuhan (%)", "Belum Dinilai", "Dokumen Kunci Belum Terpenuhi"]
    sheet.append([sheet_cell(sheet, header, bold=True, fill=HEADER_FILL) for header in headers])
    for position, unit in enumerate(data["units"], 1):
        summary = unit["summary"]
        sheet.append([position, sheet_cell(sheet, summary.unit.agency.name), sheet_cell(sheet, summary.unit.name),
                      *(sheet_cell(sheet, status) for status in unit["statuses"]),
                      sheet_cell(sheet, float(summary.compliance), number_format="0.00")
                      if summary.compliance is not None else None,
                      summary.not_assessed, sheet_cell(sheet, ", ".join(summary.missing_key))])
    sheet.append([])
    sheet.append([None, sheet_cell(sheet, f"Kepatuhan {region.name}", bold=True), None,
                  *([None] * len(recap.items)),
                  sheet_cell(sheet, float(recap.average), number_format="0.00") if recap.average is not None else None])
    sheet.append([None, sheet_cell(sheet, "* dokumen kunci")])

    compare = workbook.create_sheet("Monev dan IKM")
    compare.column_dimensions["B"].width = 34
    compare.column_dimensions["F"].width = 30
    compare.append([sheet_cell(compare, f"Kepatuhan monev dan IKM konversi {year} · {region.name}", bold=True)])
    compare.append([sheet_cell(compare, f"Lemah: kepatuhan di bawah {data['threshold']}% dan/atau IKM bermutu C "
                                         "atau D; diurutkan dari yang paling lemah.")])
    compare.append([])
    compare.append([sheet_cell(compare, header, bold=True, fill=HEADER_FILL) for header in
                    ("No", "Unit Layanan", "Kepatuhan (%)", "IKM Konversi", "Mutu", "Kelompok")])
    for position, (row, shown) in enumerate(zip(data["rows"], data["compare"], strict=True), 1):
        name = f"{row.summary.unit.name} ({row.third_party})" if row.third_party else row.summary.unit.name
        compare.append([position, sheet_cell(compare, name),
                        sheet_cell(compare, float(row.standing.compliance), number_format="0.00"),
                        sheet_cell(compare, float(row.standing.ikm), number_format="0.00")
                        if row.standing.ikm is not None else None,
                        sheet_cell(compare, row.letter or ""), sheet_cell(compare, shown["quadrant"])])
    workbook.save(out)


def recap_pdf(*, region: Region, year: int) -> bytes:
    return render_pdf("monev/documents/recap.html", recap_document_data(region=region, year=year))
