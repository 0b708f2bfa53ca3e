"""The coverage board as a workbook: the same rows and filters as the screen (reports.coverage), one row per unit
and one per service type under it, every text cell written through the one safe-cell writer."""

from __future__ import annotations

from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from reports.coverage import Board, coverage_filter_label
from reports.documents.common import date_text
from reports.documents.workbooks import HEADER_FILL, sheet_cell

SHEET = "Cakupan Survei"


def coverage_workbook_write(*, board: Board, out: BinaryIO) -> None:
    """Build the workbook in the active language (documents: Indonesian) and write it to `out`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)

    def row(*values, bold=False, fill=None):
        sheet.append([None if value is None else sheet_cell(sheet, value, bold=bold, fill=fill) for value in values])

    row(_("PAPAN CAKUPAN SURVEI KEPUASAN MASYARAKAT"), bold=True)
    row(_("Pemerintah daerah"), board.region.name)
    if board.agency is not None:
        row(_("Perangkat daerah"), board.agency.name)
    row(_("Periode"), board.period.label)
    row(_("Saringan"), ", ".join(coverage_filter_label(name) for name in board.filters) or _("Semua unit"))
    if board.publication is not None:
        row(_("Publikasi"), _("versi %(revision)s") % {"revision": board.publication.revision})
    row()
    row(_("Perangkat daerah"), _("Unit layanan"), _("Kode unit"), _("Jenis layanan"), _("Status"), _("Responden"),
        _("Sampel minimal"), _("Populasi"), _("Responden terakhir"), _("Terbit"), bold=True, fill=HEADER_FILL)
    for line in board.shown():
        agency = ("  " * line.depth) + line.agency.name
        for unit in line.units:
            row(agency, unit.unit.name, unit.unit.code, None, unit.status, unit.sample.respondents,
                unit.sample.required, unit.sample.population,
                date_text(unit.last_day) if unit.last_day else "-", _("Ya") if unit.published else _("Belum"))
            for service in unit.services:
                row(agency, unit.unit.name, unit.unit.code, service.service.name, None, service.respondents)
    workbook.save(out)
