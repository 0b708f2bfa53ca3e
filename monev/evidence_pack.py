"""The PEKPPP evaluation evidence pack (docs/evidence-pack.md): for units and a year, a PDF per unit with the SKM
method, the published results, the media register and the follow-up plans with their evidence, and the four
indicators; a summary PDF per perangkat daerah (one row per unit) and `summary.csv`. Every figure comes from the
selectors the dashboards use, read for all the units at once in grouped queries."""

from __future__ import annotations

import base64
import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, Region, ServiceUnit
from agencies.zones import region_date, region_zone
from monev import compliance
from monev.selectors import MediumShown, media_by_unit, media_count_of
from reports.aggregates import Figure, agency_tree, unit_adequacy, unit_figures
from reports.documents.common import date_text, document_language, render_pdf
from reports.documents.publication import publication_period, publications_of
from reports.followup import FollowUpIndicators
from reports.integrity import Integrity, integrity_by_unit
from reports.models import FollowUpPlan
from reports.periods import Period
from reports.selectors import Sample, follow_up_indicators_grouped, follow_up_plans_of

# The columns of summary.csv, one row per unit (docs/evidence-pack.md).
SUMMARY_COLUMNS = ("unit_code", "surveyed", "respondents", "minimum", "media_count", "weak_with_plan_percent",
                   "plans_completed_percent", "median_days_to_completion")
CARRIED_OUT_LABELS = {compliance.MET: "Terpenuhi", compliance.PARTLY: "Terpenuhi sebagian",
                      compliance.NOT_MET: "Tidak terpenuhi"}
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")


@dataclass
class UnitEvidence:
    """Everything the pack shows of one unit for the year."""

    unit: ServiceUnit
    year: int
    figure: Figure  # the year's results
    sample: Sample  # the year's respondents against the year's minimum
    quarters: list[tuple[Period, Figure, Sample]]
    integrity: Integrity
    media: list[MediumShown]
    follow_up: FollowUpIndicators
    plans: list[FollowUpPlan]
    published: list[dict]

    @property
    def surveyed(self) -> bool:
        return self.sample.respondents > 0

    @property
    def media_count(self) -> int:
        return media_count_of(self.media)

    @property
    def carried_out(self) -> str:
        return compliance.carried_out_status(respondents=self.sample.respondents, required=self.sample.required)

    @property
    def carried_out_label(self) -> str:
        return CARRIED_OUT_LABELS[self.carried_out]

    @property
    def summary_row(self) -> list:
        return [self.unit.code, "ya" if self.surveyed else "tidak", self.sample.respondents,
                _blank(self.sample.required), self.media_count, _blank(self.follow_up.weak_covered_percent),
                _blank(self.follow_up.completed_percent), _blank(self.follow_up.median_days)]


def _blank(value) -> str:
    return "" if value is None else str(value)


def _published_rows(units: list[ServiceUnit], year: int) -> dict[int, list[dict]]:
    """Each unit's row of every published period of the year, from the publications' frozen figures."""
    found = {unit.id: [] for unit in units}
    by_code = {unit.code: unit for unit in units}
    for region in {unit.agency.region_id: unit.agency.region for unit in units}.values():
        for publication in sorted(publications_of(region=region), key=lambda p: publication_period(p).start):
            period = publication_period(publication)
            if period.year != year:
                continue
            for row in publication.snapshot.get("units", []):
                unit = by_code.get(row.get("code"))
                if unit is not None and unit.agency.region_id == region.id:
                    found[unit.id].append({
                        "period": period, "revision": publication.revision, "provisional": publication.provisional,
                        "published_on": date_text(region_date(region, publication.published_at)),
                        "respondents": row["respondents"], "required": row["required"], "groups": row["groups"],
                        "url": settings.SKM_BASE_URL.rstrip("/") + reverse(
                            "public:notice", args=[region.code, period.slug, unit.code])})
    return found


def pack_units(*, units: list[ServiceUnit], year: int) -> list[UnitEvidence]:
    """The evidence of each unit, in a fixed number of grouped queries whatever the number of units."""
    ids = [unit.id for unit in units]
    whole = Period.year_of(year)
    figures = unit_figures(unit_ids=ids, period=whole)
    samples = unit_adequacy(unit_ids=ids, period=whole, units=figures).samples
    quarters = []
    for quarter in whole.quarters():
        quarter_figures = unit_figures(unit_ids=ids, period=quarter)
        quarters.append((quarter, quarter_figures,
                         unit_adequacy(unit_ids=ids, period=quarter, units=quarter_figures).samples))
    integrity = integrity_by_unit(unit_ids=ids, period=whole)
    media = media_by_unit(unit_ids=ids, year=year)
    follow_up = follow_up_indicators_grouped(groups={unit_id: [unit_id] for unit_id in ids}, year=year)
    plans = {unit_id: [] for unit_id in ids}
    for plan in follow_up_plans_of(unit_ids=ids, period=whole):
        plans[plan.unit_id].append(plan)
    published = _published_rows(units, year)
    return [UnitEvidence(unit=unit, year=year, figure=figures[unit.id], sample=samples[unit.id],
                         quarters=[(quarter, found[unit.id], sampled[unit.id]) for quarter, found, sampled in quarters],
                         integrity=integrity.get(unit.id, Integrity()), media=media[unit.id],
                         follow_up=follow_up[unit.id], plans=plans[unit.id], published=published[unit.id])
            for unit in units]


# The documents --------------------------------------------------------------------------------------------------

def _staff_url(name: str, *args) -> str:
    return settings.SKM_BASE_URL.rstrip("/") + reverse(name, args=args)


def _image(name: str, content_type: str) -> str | None:
    """A stored photo as a data URI for the PDF (documents carry their evidence), None when it is gone."""
    if content_type not in IMAGE_TYPES or not name:
        return None
    try:
        with default_storage.open(name, "rb") as stored:
            return f"data:{content_type};base64,{base64.b64encode(stored.read()).decode('ascii')}"
    except FileNotFoundError:
        return None


def _number(value: Decimal | None, suffix: str = "") -> str:
    return "–" if value is None else f"{value}{suffix}".replace(".", ",")


def _media_rows(evidence: UnitEvidence) -> list[dict]:
    rows = []
    for each in evidence.media:
        record = each.record
        rows.append({
            "period": each.period.label, "kind": each.kind_label, "name": each.name,
            "published_on": date_text(each.published_on), "scope": each.scope_name,
            "url": (settings.SKM_BASE_URL.rstrip("/") + each.url) if record is None else each.url,
            "file_name": record.original_name if record and record.file else "",
            "file_url": _staff_url("monev:medium_file", record.pk) if record and record.file else "",
            "photo": _image(record.file.name, record.content_type) if record and record.file else None})
    return rows


def _plan_rows(evidence: UnitEvidence) -> list[dict]:
    rows = []
    for plan in evidence.plans:
        has_file = bool(plan.evidence_file)
        rows.append({
            "surveyed": Period.quarter(plan.year, plan.quarter).short_label,
            "element": f"{plan.element.code} {plan.element.name}", "action": plan.action,
            "responsible": plan.responsible, "status": plan.get_status_display(),
            "planned_on": date_text(plan.planned_on) if plan.planned_on else "–",
            "started_on": date_text(plan.started_on) if plan.started_on else "–",
            "completed_on": date_text(plan.completed_on) if plan.completed_on else "–",
            "due": date_text(plan.due_date), "note": plan.evidence_note, "link": plan.evidence_link,
            "file_name": plan.evidence_name if has_file else "",
            "file_url": _staff_url("reports:follow_up_evidence", evidence.unit.code, plan.pk) if has_file else "",
            "photo": _image(plan.evidence_file.name, plan.evidence_type) if has_file else None})
    return rows


def _indicators(evidence: UnitEvidence) -> dict:
    follow_up = evidence.follow_up
    return {
        "carried_out": evidence.carried_out_label, "respondents": evidence.sample.respondents,
        "minimum": evidence.sample.required, "media_count": evidence.media_count,
        "weak_covered": _number(follow_up.weak_covered_percent, "%"),
        "covered_units": follow_up.covered_units, "surveyed_units": follow_up.surveyed_units,
        "completed": _number(follow_up.completed_percent, "%"), "plans": follow_up.plans,
        "plans_completed": follow_up.plans_completed, "median_days": _number(follow_up.median_days),
        "p90_days": _number(follow_up.p90_days), "overdue": follow_up.overdue}


def unit_pack_pdf(evidence: UnitEvidence) -> bytes:
    unit = evidence.unit
    questionnaires = [scores.questionnaire for scores in evidence.figure.groups] or [unit.questionnaire]
    return render_pdf("monev/documents/evidence_unit.html", {
        "title": "Bukti Evaluasi SKM (PEKPPP)", "unit": unit, "agency": unit.agency, "region": unit.agency.region,
        "year": evidence.year, "evidence": evidence, "indicators": _indicators(evidence),
        "questionnaires": [{"title": q.title, "version": q.version, "regulation": q.get_regulation_display(),
                            "legal_basis": q.legal_basis, "elements": q.rules.element_count} for q in questionnaires],
        "quarters": [{"label": quarter.label, "respondents": sample.respondents, "minimum": sample.required,
                      "met": sample.met} for quarter, _figure, sample in evidence.quarters],
        "integrity": evidence.integrity if evidence.integrity.received else None,
        "period": Period.year_of(evidence.year), "media": _media_rows(evidence), "plans": _plan_rows(evidence),
        "published": evidence.published, "compiled_on": date_text(timezone.localdate())})


def agency_pack_pdf(*, agency: Agency, rows: list[UnitEvidence], year: int) -> bytes:
    return render_pdf("monev/documents/evidence_agency.html", {
        "title": "Ringkasan Bukti Evaluasi SKM (PEKPPP)", "agency": agency, "region": agency.region, "year": year,
        "rows": [{"evidence": each, "indicators": _indicators(each)} for each in rows],
        "period": Period.year_of(year), "compiled_on": date_text(timezone.localdate())})


def summary_csv(rows: list[UnitEvidence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SUMMARY_COLUMNS)
    for each in rows:
        writer.writerow(each.summary_row)
    return out.getvalue().encode("utf-8")


# The pack -------------------------------------------------------------------------------------------------------

def pack_files(*, region: Region, year: int, agency: Agency | None = None,
               progress: Callable[[int], None] | None = None) -> Iterator[tuple[str, bytes]]:
    """(file name, content) of the pack of a region, or of one perangkat daerah with the agencies below it: a PDF
    per unit (`unit-<code>.pdf`), one per perangkat daerah (`opd-<code>.pdf`) and `summary.csv`."""
    tree = agency_tree(region)
    for found in tree.agencies.values():
        found.region = region
    for members in tree.own_units.values():
        for unit in members:
            unit.agency = tree.agencies[unit.agency_id]
    tops = [tree.agencies[agency.id]] if agency is not None else tree.top_level()
    groups = [(top, [unit for unit in tree.units_under(top.id) if unit.is_active]) for top in tops]
    groups = [(top, members) for top, members in groups if top.is_active or members]  # closed and empty: no page
    units = [unit for _top, members in groups for unit in members]
    with document_language(), timezone.override(region_zone(region)):
        evidence = {each.unit.id: each for each in pack_units(units=units, year=year)}
        total = len(units) + len(groups)
        for done, unit in enumerate(units, 1):
            yield f"unit-{unit.code}.pdf", unit_pack_pdf(evidence[unit.id])
            if progress:
                progress(5 + 90 * done // total)
        for top, members in groups:
            yield f"opd-{top.code}.pdf", agency_pack_pdf(agency=top, rows=[evidence[u.id] for u in members],
                                                          year=year)
        yield "summary.csv", summary_csv([evidence[unit.id] for unit in units])


def pack_zip_write(*, region: Region, year: int, out, agency: Agency | None = None,
                   progress: Callable[[int], None] | None = None) -> None:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in pack_files(region=region, year=year, agency=agency, progress=progress):
            archive.writestr(name, content)


def pack_document_build(*, document, period: Period, out, progress: Callable[[int], None]) -> None:
    """The background build of a GeneratedDocument of kind evidence_pack (a region's or an agency's pack)."""
    region = document.region or document.agency.region
    pack_zip_write(region=region, year=period.year, agency=document.agency, out=out, progress=progress)
