"""Reads of the monev: each unit's status per checklist item (the evaluators' findings, and the two items
computed from the SKM tallies and publications), the compliance, the regional recap and its comparison with
the IKM. Numbers of respondents come from the tallies in grouped queries, never from responses."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext

from agencies.models import Agency, Region, ServiceUnit
from agencies.selectors import administered_regions, agencies_for_user, units_for_user
from agencies.zones import region_date
from monev import compliance, media
from monev.models import Assessment, ChecklistItem, Evidence, PublicationMedium, Status
from reports.aggregates import unit_figures
from reports.documents.publication import publication_period
from reports.ikm import Regulation
from reports.models import QUARTERS, Publication
from reports.periods import Period
from reports.selectors import Sample, respondents_by_unit, samples_by_unit

Kind = ChecklistItem.Kind
STATUS_LABELS = dict(Status.choices)


def checklist_of(*, region: Region, year: int) -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(region=region, year=year).order_by("position", "id"))


def region_units(region: Region) -> list[ServiceUnit]:
    return list(ServiceUnit.objects.filter(agency__region=region, is_active=True).select_related("agency")
                .order_by("agency__name", "name"))


def is_evaluator(user, region: Region) -> bool:
    """Region admins (Bagian Organisasi, Inspektorat) evaluate the units of their region."""
    return administered_regions(user).filter(pk=region.pk).exists()


@dataclass(frozen=True)
class Found:
    """A unit's status on one item (None: not assessed) and, for an automatic item, what it was read from."""

    status: str | None
    detail: str = ""

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status]) if self.status else _("Belum dinilai")


def _carried_out(sample: Sample) -> Found:
    status = compliance.carried_out_status(respondents=sample.respondents, required=sample.required)
    if sample.required is None:
        detail = _("%(n)s responden; sampel minimal belum dapat dihitung (populasi belum diisi)") % {
            "n": sample.respondents}
    else:
        detail = ngettext("%(n)s responden dari sampel minimal %(required)s",
                          "%(n)s responden dari sampel minimal %(required)s", sample.respondents) % {
            "n": sample.respondents, "required": sample.required}
    return Found(status, detail)


def _published(region: Region, year: int) -> Found:
    quarters = list(Publication.objects.filter(region=region, year=year).values_list("quarter", flat=True))
    whole_year = None in quarters
    numbered = {quarter for quarter in quarters if quarter}
    status = compliance.published_status(whole_year=whole_year, quarters=numbered,
                                         quarters_ended=compliance.quarters_ended(year=year,
                                                                                  today=timezone.localdate()))
    labels = ([_("Tahun %(year)s") % {"year": year}] if whole_year else []) + [
        label for number, label in QUARTERS if number in numbered]
    detail = (_("Dipublikasikan: %(periods)s") % {"periods": ", ".join(labels)} if labels
              else _("Belum ada publikasi hasil %(year)s") % {"year": year})
    return Found(status, detail)


def statuses_by_unit(*, region: Region, year: int, units: list[ServiceUnit],
                     items: list[ChecklistItem]) -> dict[int, dict[int, Found]]:
    """unit id -> item id -> Found, in four grouped queries whatever the number of units."""
    unit_ids = [unit.id for unit in units]
    period = Period.year_of(year)
    findings = {(unit_id, item_id): status for unit_id, item_id, status in Assessment.objects.filter(
        item__in=items, unit_id__in=unit_ids).values_list("unit_id", "item_id", "status")}
    automatic = {item.kind for item in items if item.is_automatic}
    samples = {}
    if Kind.SKM_CARRIED_OUT in automatic:
        samples = samples_by_unit(unit_ids=unit_ids, period=period,
                                  respondents=respondents_by_unit(unit_ids=unit_ids, period=period))
    published = _published(region, year) if Kind.SKM_PUBLISHED in automatic else None
    result = {}
    for unit_id in unit_ids:
        row = {}
        for item in items:
            if item.kind == Kind.SKM_CARRIED_OUT:
                row[item.id] = _carried_out(samples[unit_id])
            elif item.kind == Kind.SKM_PUBLISHED:
                row[item.id] = published
            else:
                row[item.id] = Found(findings.get((unit_id, item.id)))
        result[unit_id] = row
    return result


@dataclass
class UnitSummary:
    unit: ServiceUnit
    found: list[Found]  # in checklist order
    compliance: Decimal | None
    missing_key: list[str]

    @property
    def not_assessed(self) -> int:
        return sum(1 for found in self.found if found.status is None)


def summarise(unit: ServiceUnit, items: list[ChecklistItem], row: dict[int, Found]) -> UnitSummary:
    found = [row[item.id] for item in items]
    return UnitSummary(
        unit=unit, found=found, compliance=compliance.compliance_percent([each.status for each in found]),
        missing_key=compliance.key_items_missing(
            (item.name, item.is_key, each.status) for item, each in zip(items, found, strict=True)))


# One unit -----------------------------------------------------------------------------------------------------

@dataclass
class UnitItem:
    item: ChecklistItem
    found: Found
    assessment: Assessment | None
    evidence: list[Evidence] = field(default_factory=list)


def unit_items(*, unit: ServiceUnit, year: int, items: list[ChecklistItem]) -> tuple[UnitSummary, list[UnitItem]]:
    region = unit.agency.region
    row = statuses_by_unit(region=region, year=year, units=[unit], items=items)[unit.id]
    assessments = {assessment.item_id: assessment for assessment in Assessment.objects.filter(
        item__in=items, unit=unit).select_related("assessed_by")}
    evidence = {}
    for found in Evidence.objects.filter(item__in=items, unit=unit).select_related("uploaded_by"):
        evidence.setdefault(found.item_id, []).append(found)
    lines = [UnitItem(item=item, found=row[item.id], assessment=assessments.get(item.id),
                      evidence=evidence.get(item.id, [])) for item in items]
    return summarise(unit, items, row), lines


def monev_unit_status(*, unit: ServiceUnit, year: int) -> dict:
    """The unit's monev for the year as its dashboard shows it beside the IKM (no checklist yet: no figure)."""
    items = checklist_of(region=unit.agency.region, year=year)
    summary = None
    if items:
        row = statuses_by_unit(region=unit.agency.region, year=year, units=[unit], items=items)[unit.id]
        summary = summarise(unit, items, row)
    return {"year": year, "summary": summary,
            "url": reverse("monev:unit", args=[unit.code]) + f"?tahun={year}"}


# The region ---------------------------------------------------------------------------------------------------

@dataclass
class RegionRecap:
    region: Region
    year: int
    items: list[ChecklistItem]
    units: list[UnitSummary]

    @property
    def missing_key(self) -> list[UnitSummary]:
        return [summary for summary in self.units if summary.missing_key]

    @property
    def average(self) -> Decimal | None:
        """The region's compliance: every unit's items together, with the same weights."""
        return compliance.compliance_percent([found.status for summary in self.units for found in summary.found])

    @property
    def assessed_units(self) -> int:
        """Units with at least one evaluator's finding (the automatic items count for everybody)."""
        manual = [index for index, item in enumerate(self.items) if not item.is_automatic]
        return sum(1 for summary in self.units if any(summary.found[index].status for index in manual))


def region_recap(*, region: Region, year: int) -> RegionRecap:
    items = checklist_of(region=region, year=year)
    units = region_units(region)
    rows = statuses_by_unit(region=region, year=year, units=units, items=items)
    return RegionRecap(region=region, year=year, items=items,
                       units=[summarise(unit, items, rows[unit.id]) for unit in units])


@dataclass
class Comparison:
    summary: UnitSummary
    standing: compliance.Standing
    letter: str | None
    regulation: Regulation | None
    third_party: str = ""  # "hasil survei pihak ketiga (provider)" when the IKM holds such a result

    @property
    def quadrant_label(self) -> str:
        return str(QUADRANT_LABELS[self.standing.quadrant])


QUADRANT_LABELS = {
    compliance.BOTH_WEAK: gettext_lazy("Lemah pada monev dan IKM"),
    compliance.MONEV_WEAK: gettext_lazy("Kepatuhan monev rendah"),
    compliance.IKM_WEAK: gettext_lazy("IKM rendah (mutu C atau D)"),
    compliance.BOTH_GOOD: gettext_lazy("Baik pada keduanya"),
    compliance.NO_IKM: gettext_lazy("Belum ada IKM"),
}


def monev_beside_ikm(recap: RegionRecap) -> list[Comparison]:
    """Each unit's compliance beside its converted IKM of the same year, weakest first."""
    figures = unit_figures(unit_ids=[summary.unit.id for summary in recap.units], period=Period.year_of(recap.year))
    results, standings = {}, []
    for summary in recap.units:
        # The questionnaire most respondents answered, as the unit's headline.
        groups = figures[summary.unit.id].groups
        scores = max(groups, key=lambda found: found.respondents) if groups else None
        result = scores.result if scores else None
        results[summary.unit.id] = (summary, result, scores.questionnaire.rules if result else None,
                                    scores.third_party_label if scores else "")
        standings.append(compliance.Standing(
            key=summary.unit.id, compliance=summary.compliance or Decimal(0),
            ikm=result.ikm_converted if result else None,
            ikm_weak=bool(result) and result.grade.letter in compliance.GRADES_BELOW_B))
    rows = []
    for standing in compliance.weakest_first(standings):
        summary, result, regulation, third_party = results[standing.key]
        rows.append(Comparison(summary=summary, standing=standing, letter=result.grade.letter if result else None,
                               regulation=regulation, third_party=third_party))
    return rows


# The media register ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MediumShown:
    """A medium covering a unit: a record of the register (at the unit, one of its agencies or the region), or
    the app's own public page (`record` None) for a published period."""

    kind: str
    kind_label: str
    name: str
    period: Period
    published_on: date
    url: str
    level: str  # "unit", "agency", "region" or "app"
    scope_name: str
    record: PublicationMedium | None = None

    @property
    def key(self) -> tuple[str, str]:
        return media.medium_key(self.kind, self.name)


def _ancestors(agency_id: int, parents: dict[int, int | None]) -> list[int]:
    found = []
    while agency_id is not None and agency_id not in found:
        found.append(agency_id)
        agency_id = parents.get(agency_id)
    return found


def _shown(record: PublicationMedium) -> MediumShown:
    level = "unit" if record.unit_id else "agency" if record.agency_id else "region"
    return MediumShown(kind=record.kind, kind_label=str(record.get_kind_display()), name=record.name,
                       period=Period.from_slug(record.period), published_on=record.published_on, url=record.url,
                       level=level, scope_name=str(record.scope), record=record)


def media_by_unit(*, unit_ids, year: int) -> dict[int, list[MediumShown]]:
    """Every medium covering each unit in the year, oldest period first: its own records, its agency's and every
    agency's above it, its region's, and the public page of each published period whose figures hold the unit.
    Four queries whatever the number of units."""
    units = list(ServiceUnit.objects.filter(id__in=list(unit_ids)).select_related("agency__region"))
    regions = {unit.agency.region_id: unit.agency.region for unit in units}
    parents = dict(Agency.objects.filter(region_id__in=regions).values_list("id", "parent_id"))
    chains = {unit.id: _ancestors(unit.agency_id, parents) for unit in units}
    records = list(PublicationMedium.objects.filter(year=year).filter(
        Q(unit_id__in=chains) | Q(agency_id__in={agency for chain in chains.values() for agency in chain})
        | Q(region_id__in=regions)).select_related("region", "agency", "unit"))
    pages = defaultdict(list)  # region id -> (period, first published day, unit codes in its figures)
    first = {}
    for publication in Publication.objects.filter(region_id__in=regions, year=year).order_by("revision"):
        period = publication_period(publication)
        key = (publication.region_id, period)
        codes = {row["code"] for row in publication.snapshot.get("units", [])}
        if key in first:
            first[key][2].update(codes)
            continue
        first[key] = (period, region_date(regions[publication.region_id], publication.published_at), codes)
        pages[publication.region_id].append(first[key])
    public_page = _("Halaman publik Hasil SKM")
    found = {}
    for unit in units:
        chain = set(chains[unit.id])
        shown = [_shown(record) for record in records
                 if record.unit_id == unit.id or record.agency_id in chain or record.region_id == unit.agency.region_id]
        region = unit.agency.region
        shown += [MediumShown(kind=media.PUBLIC_PAGE, kind_label=public_page, name=public_page, period=period,
                              published_on=day, url=reverse("public:region-period", args=[region.code, period.slug]),
                              level="app", scope_name=region.name)
                  for period, day, codes in pages.get(region.id, []) if unit.code in codes]
        found[unit.id] = sorted(shown, key=lambda each: (each.period.start, -each.period.days, each.published_on))
    return found


def media_count_of(shown: list[MediumShown]) -> int:
    """The PEKPPP figure of one unit's media (media_by_unit): distinct media, the public page once."""
    return media.media_count((each.key for each in shown if each.record is not None),
                             public_page=any(each.record is None for each in shown))


def media_count_by_unit(*, unit_ids, year: int) -> dict[int, int]:
    """Distinct media covering each unit in the year (monev.media.media_count)."""
    return {unit_id: media_count_of(shown) for unit_id, shown in media_by_unit(unit_ids=unit_ids, year=year).items()}


def media_recorded_in(*, year: int, region: Region, agency_ids=None, unit_ids=None):
    """The records of a register page: the region's own and every record in it, or (given agency and unit ids)
    only those of these agencies and units."""
    records = PublicationMedium.objects.filter(year=year).select_related("region", "agency", "unit", "recorded_by")
    if agency_ids is None and unit_ids is None:
        records = records.filter(Q(region=region) | Q(agency__region=region) | Q(unit__agency__region=region))
    else:
        records = records.filter(Q(agency_id__in=agency_ids or []) | Q(unit_id__in=unit_ids or []))
    return records.order_by("period", "published_on", "id")


def media_managed_by(user):
    """Records the user may delete: at a region they administer, an agency or a unit in their scope."""
    return PublicationMedium.objects.filter(Q(region__in=administered_regions(user))
                                            | Q(agency__in=agencies_for_user(user)) | Q(unit__in=units_for_user(user)))


def media_visible_to(user):
    """Records the user may read (and whose evidence they may open): those they manage, and those of the
    agencies above and the region of any unit they see."""
    rows = list(units_for_user(user).values_list("agency_id", "agency__region_id"))
    regions = {region_id for _, region_id in rows}
    parents = dict(Agency.objects.filter(region_id__in=regions).values_list("id", "parent_id"))
    agencies = {agency for agency_id, _ in rows for agency in _ancestors(agency_id, parents)}
    return PublicationMedium.objects.filter(Q(pk__in=media_managed_by(user).values("pk")) | Q(region_id__in=regions)
                                            | Q(agency_id__in=agencies))
