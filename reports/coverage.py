"""The coverage board (docs/coverage.md): for a region (or one agency with the agencies below it) and a quarter
or a year, which units have surveyed, which are short of their Krejcie-Morgan minimum, when each last had a
respondent, whether the period's publication holds them, and how many respondents each service type had.

Everything is read in a fixed number of grouped queries, whatever the number of units: the agency tree (two),
respondents per unit and per service (tallies), the populations, the last day per unit, the publication and the
reminders already sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max
from django.utils.translation import gettext as _

from agencies.models import Agency, Region, Service, ServiceUnit, StaffRole
from reports.aggregates import agency_tree, unit_figures
from reports.documents.publication import publication_latest
from reports.forms import FIRST_YEAR, LAST_YEAR
from reports.models import CoverageReminder, Publication
from reports.periods import Period
from reports.selectors import Sample, respondents_by_service, samples_by_unit
from surveys.models import ResponseTally

# The board's filters as they appear in the query string (?saring=belum-survei&saring=sampel-kurang).
NOT_SURVEYED = "belum-survei"
SAMPLE_SHORT = "sampel-kurang"
FILTERS = (NOT_SURVEYED, SAMPLE_SHORT)
KINDS = ("quarter", "year")
QUARTERS_OFFERED = 8
YEARS_OFFERED = 3


def coverage_filter_label(name: str) -> str:
    return {NOT_SURVEYED: _("Belum survei"), SAMPLE_SHORT: _("Sampel kurang")}[name]


@dataclass
class ServiceLine:
    service: Service
    respondents: int


@dataclass
class UnitLine:
    unit: ServiceUnit
    sample: Sample
    last_day: date | None  # the region's local day of the last respondent up to the period's end
    published: bool
    services: list[ServiceLine] = field(default_factory=list)

    @property
    def surveyed(self) -> bool:
        return self.sample.respondents > 0

    @property
    def not_surveyed(self) -> bool:
        return not self.surveyed

    @property
    def sample_short(self) -> bool:
        """Surveyed, but below the minimum of its own population (a unit without respondents is "belum survei")."""
        return self.surveyed and self.sample.met is False

    @property
    def short_of_data(self) -> bool:
        """What a reminder is about: no respondents, or fewer than the minimum."""
        return self.not_surveyed or self.sample_short

    @property
    def status(self) -> str:
        if self.not_surveyed:
            return coverage_filter_label(NOT_SURVEYED)
        if self.sample_short:
            return coverage_filter_label(SAMPLE_SHORT)
        if self.sample.met is None:
            return _("Populasi belum diisi")
        return _("Sampel cukup")

    def matches(self, filters: tuple[str, ...]) -> bool:
        """No filter shows every unit; several show the units that match any of them."""
        if not filters:
            return True
        return (NOT_SURVEYED in filters and self.not_surveyed) or (SAMPLE_SHORT in filters and self.sample_short)


@dataclass
class AgencyLine:
    agency: Agency
    depth: int
    units: list[UnitLine]
    reminders: list[CoverageReminder] = field(default_factory=list)

    @property
    def units_short(self) -> list[UnitLine]:
        return [line for line in self.units if line.short_of_data]


@dataclass
class Board:
    region: Region
    period: Period
    agency: Agency | None  # None: the whole region
    lines: list[AgencyLine]
    publication: Publication | None
    filters: tuple[str, ...] = ()

    @property
    def units(self) -> list[UnitLine]:
        return [unit for line in self.lines for unit in line.units]

    @property
    def counts(self) -> dict[str, int]:
        units = self.units
        return {"units": len(units), "surveyed": sum(1 for unit in units if unit.surveyed),
                "not_surveyed": sum(1 for unit in units if unit.not_surveyed),
                "sample_short": sum(1 for unit in units if unit.sample_short)}

    def shown(self) -> list[AgencyLine]:
        """The agencies with the units the filters let through; with no filter every agency, even one without
        units of its own (a Kecamatan whose units are all in its Kelurahan)."""
        if not self.filters:
            return self.lines
        shown = []
        for line in self.lines:
            units = [unit for unit in line.units if unit.matches(self.filters)]
            if units:
                shown.append(AgencyLine(agency=line.agency, depth=line.depth, units=units, reminders=line.reminders))
        return shown


def coverage_period_read(text: str | None, *, today: date) -> tuple[Period, str | None]:
    """The board's period from the query string: a quarter or a year that has started in the region. Anything
    else falls back to the current quarter, with the reason."""
    current = Period.containing(today)
    text = (text or "").strip()[:40]
    if not text:
        return current, None
    try:
        period = Period.from_slug(text)
    except ValueError:
        problem = _("Periode “%(value)s” tidak dikenali (contoh: 2026-Q3 untuk triwulan, 2026 untuk tahun).") % {
            "value": text}
    else:
        if period.kind not in KINDS:
            problem = _("Papan cakupan disusun per triwulan atau per tahun, bukan %(period)s.") % {
                "period": period.label}
        elif not FIRST_YEAR <= period.year <= LAST_YEAR:
            problem = _("Periode harus di antara tahun %(first)s dan %(last)s.") % {"first": FIRST_YEAR,
                                                                                     "last": LAST_YEAR}
        elif period.start > today:
            problem = _("%(period)s belum dimulai.") % {"period": period.label}
        else:
            return period, None
    return current, problem + " " + _("Ditampilkan %(period)s.") % {"period": current.label}


def coverage_filters_read(values: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """The filters asked for, and a message for each value that is not one."""
    chosen, problems = [], []
    for value in values[:5]:
        value = value.strip()[:30]
        if value in FILTERS:
            if value not in chosen:
                chosen.append(value)
        elif value:
            problems.append(_("Saringan “%(value)s” tidak dikenali; pilih “belum-survei” atau “sampel-kurang”.")
                            % {"value": value})
    return tuple(chosen), problems


def coverage_period_options(*, today: date, selected: Period) -> list[Period]:
    """The quarters and years offered in the period menu, newest first; the selected one is always there."""
    quarters = Period.containing(today).previous_ones(QUARTERS_OFFERED)
    years = Period.containing(today, "year").previous_ones(YEARS_OFFERED)
    offered = [*reversed(quarters), *reversed(years)]
    return offered if selected in offered else [selected, *offered]


def last_response_days(*, unit_ids, until: date) -> dict[int, date]:
    """Each unit's last local day with a counted respondent up to `until`: one grouped query on the day tallies,
    whose days are already the region's own (agencies.zones)."""
    rows = (ResponseTally.objects.filter(unit_id__any=list(unit_ids), day__lte=until, count__gt=0).order_by()
            .values("unit_id").annotate(last=Max("day")).values_list("unit_id", "last"))
    return dict(rows)


def coverage_board(*, region: Region, period: Period, agency: Agency | None = None,
                   filters: tuple[str, ...] = ()) -> Board:
    """The board of the region, or of one agency and the agencies below it; the caller has checked the user's
    scope (agencies.selectors)."""
    tree = agency_tree(region)
    roots = [agency] if agency is not None else tree.top_level()
    order = []
    for root in roots:
        base = tree.depth(root.id)
        order += [(root, 0), *((below, tree.depth(below.id) - base) for below in tree.below(root.id))]
    order = [(found, depth) for found, depth in order if found.is_active]  # a closed agency is not chased
    own = {found.id: [unit for unit in tree.own_units.get(found.id, []) if unit.is_active] for found, _depth in order}
    units = [unit for found, _depth in order for unit in own[found.id]]
    unit_ids = [unit.id for unit in units]
    # The unit figures' respondents: a third-party result's respondents count as the unit's (docs/third-party.md).
    figures = unit_figures(unit_ids=unit_ids, period=period)
    samples = samples_by_unit(unit_ids=unit_ids, period=period,
                              respondents={unit_id: figure.respondents for unit_id, figure in figures.items()})
    by_service = respondents_by_service(unit_ids=unit_ids, period=period)
    services: dict[int, list[ServiceLine]] = {}
    for service in Service.objects.filter(unit_id__in=unit_ids).order_by("name", "id"):
        services.setdefault(service.unit_id, []).append(ServiceLine(service, by_service.get(service.id, 0)))
    last_days = last_response_days(unit_ids=unit_ids, until=period.end)
    publication = publication_latest(region=region, period=period)
    published = {row["code"] for row in publication.snapshot.get("units", [])} if publication else set()
    reminders: dict[int, list[CoverageReminder]] = {}
    for reminder in (CoverageReminder.objects.filter(region=region, period=period.slug,
                                                     agency_id__in=[found.id for found, _depth in order])
                     .select_related("sent_by").order_by("-sent_at", "-id")):
        reminders.setdefault(reminder.agency_id, []).append(reminder)
    lines = [AgencyLine(agency=found, depth=depth, reminders=reminders.get(found.id, []), units=[
        UnitLine(unit=unit, sample=samples[unit.id], last_day=last_days.get(unit.id), published=unit.code in published,
                 services=services.get(unit.id, []))
        for unit in own[found.id]]) for found, depth in order]
    return Board(region=region, period=period, agency=agency, lines=lines, publication=publication, filters=filters)


def reminder_recipients(agencies) -> dict[int, tuple[Agency, list]]:
    """Where a reminder about each agency's units goes: (the agency whose admins get it, those admins). The
    agency's own admins (StaffRole agency_admin, active accounts), else those of the nearest agency above it
    that has any, since they manage its units too; an agency with none up its line is left out. Two queries."""
    agencies = list(agencies)
    in_regions = Agency.objects.filter(region_id__in={agency.region_id for agency in agencies}).in_bulk()
    admins: dict[int, list] = {}
    for role in (StaffRole.objects.filter(role=StaffRole.Role.AGENCY_ADMIN, agency_id__in=list(in_regions),
                                          user__is_active=True).select_related("user").order_by("user__username")):
        admins.setdefault(role.agency_id, []).append(role.user)
    found = {}
    for agency in agencies:
        above, passed = agency, set()
        while above is not None and above.id not in admins and above.id not in passed:  # `passed`: no loop
            passed.add(above.id)
            above = in_regions.get(above.parent_id)
        if above is not None and above.id in admins:
            found[agency.id] = (above, admins[above.id])
    return found
