"""Staff landing page, results dashboards (unit, agency, region), suggestions and follow-up plans.

Numbers come from reports.selectors (tallies) and the IKM from reports.ikm; the views only gather them, draw
the charts (reports.charts) and pick what the templates show.
"""

import html
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agencies.models import Agency, Region, Service, ServiceUnit, StaffRole
from agencies.selectors import (
    administered_regions, agencies_for_user, agency_descendant_ids, get_agency_for_user, get_region_for_user,
    get_unit_for_user, managed_units_for_user,
)
from agencies.zones import region_zone
from monev.selectors import monev_unit_status
from reports import charts
from reports.alerts import head_region, head_units
from reports.complaints import complaint_themes
from reports.forms import (
    CUSTOM, AlertSubscriptionForm, Filters, FollowUpPlanEditForm, FollowUpPlanForm, filters_read, period_options,
)
from reports.ikm import round_half_up
from reports.followup import ElementResult, weak_codes
from reports.integrity import integrity_pooled
from reports.models import AlertSubscription, FollowUpPlan
from reports.periods import Period
from reports.aggregates import (
    Adequacy, AgencyTree, agency_figures, agency_tree, figure_extremes, figure_pool, figure_rank, scope_figure,
    unit_adequacy,
    unit_figures,
)
from reports.selectors import (
    Scores, answers_of, follow_up_indicators, follow_up_plans_of, follow_up_review, pooled_scores,
    RespondentCounts, questionnaire_changes, respondent_counts, respondent_profile_items, respondents_by_day,
    respondents_by_service_named, respondents_today, sample_for, scores_by_quarter, scores_change, scores_interval,
    suggestions_search,
)
from reports.services import follow_up_plan_create, follow_up_plan_update
from reports.third_party import third_party_scores
from skm.uploads import evidence_file_response
from surveys.models import Channel, Response
from surveys.services import suggestion_tags_correct
from surveys.themes import THEMES, Tone

TREND_QUARTERS = 8
WEAKEST = 3
SUGGESTIONS_ON_DASHBOARD = 5
SUGGESTIONS_PER_PAGE = 25
SERVICES_CHARTED = 10  # the most used; the rest are added up in one bar
SORT_KEYS = {"peringkat": "rank", "nama": "name", "responden": "respondents", "ikm": "ikm"}
EXTREMES = 5  # lowest and highest units and agencies on the region's first screen
TABLE_ROWS = 50  # per page of the region's full tables
TABLE_KINDS = ("unit", "opd")
DESCENDING_FIRST = ("ikm", "responden")


@dataclass
class Scope:
    """What a dashboard covers: one unit, an agency with the units below it, or a whole region."""

    kind: str  # "unit", "agency" or "region"
    obj: ServiceUnit | Agency | Region
    region: Region
    unit_ids: list[int]
    crumbs: list[tuple[str, str]]
    manage_url: str | None = None

    @property
    def name(self) -> str:
        return self.obj.name

    @property
    def dashboard_url(self) -> str:
        return reverse(f"reports:{self.kind}_dashboard", args=[self.obj.code])

    @property
    def suggestions_url(self) -> str:
        return reverse(f"reports:{self.kind}_suggestions", args=[self.obj.code])

    @property
    def kind_label(self) -> str:
        return {"unit": _("Unit layanan"), "agency": _("Perangkat daerah"), "region": _("Pemerintah daerah")}[self.kind]


def _agency_crumbs(user, agency: Agency) -> list[tuple[str, str]]:
    """The agency and its parents that the user may open, outermost first."""
    visible = set(agencies_for_user(user).values_list("id", flat=True))
    chain, current = [], agency
    while current is not None:
        if current.id in visible:
            chain.append((current.name, reverse("reports:agency_dashboard", args=[current.code])))
        current = current.parent
    return chain[::-1]


def _region_crumbs(user, region: Region) -> list[tuple[str, str]]:
    if administered_regions(user).filter(pk=region.pk).exists():
        return [(region.name, reverse("reports:region_dashboard", args=[region.code]))]
    return []


def _unit_scope(user, unit_code: str) -> Scope:
    unit = get_unit_for_user(user, unit_code)
    manages = managed_units_for_user(user).filter(pk=unit.pk).exists()
    return Scope(kind="unit", obj=unit, region=unit.agency.region, unit_ids=[unit.id],
                 crumbs=_region_crumbs(user, unit.agency.region) + _agency_crumbs(user, unit.agency),
                 manage_url=reverse("agencies:unit_edit", args=[unit.code]) if manages else None)


def _agency_scope(user, agency_code: str) -> Scope:
    agency = get_agency_for_user(user, agency_code)
    unit_ids = list(ServiceUnit.objects.filter(agency_id__in=agency_descendant_ids({agency.id}))
                    .values_list("id", flat=True))
    crumbs = _region_crumbs(user, agency.region)
    if agency.parent is not None:
        crumbs += _agency_crumbs(user, agency.parent)
    return Scope(kind="agency", obj=agency, region=agency.region, unit_ids=unit_ids, crumbs=crumbs,
                 manage_url=reverse("agencies:agency_manage", args=[agency.code]))


def _region_scope(user, region_code: str) -> Scope:
    region = get_region_for_user(user, region_code)
    unit_ids = list(ServiceUnit.objects.filter(agency__region=region).values_list("id", flat=True))
    return Scope(kind="region", obj=region, region=region, unit_ids=unit_ids, crumbs=[],
                 manage_url=reverse("agencies:region_manage", args=[region.code]))


def _services_of(scope: Scope):
    # A region's by a join rather than a list of hundreds of unit ids.
    services = (Service.objects.filter(unit__agency__region=scope.region) if scope.kind == "region"
                else Service.objects.filter(unit_id__any=scope.unit_ids))
    return services.select_related("unit").order_by("unit__name", "name")


def _service_options(scope: Scope, filters: Filters) -> str:
    """The service menu's <option>s in one pass over (id, unit, name) rows: a region offers thousands, too many
    to draw as model instances through the template."""
    with_unit = scope.kind != "unit"
    rows = _services_of(scope).values_list("id", "unit__name", "name")
    return mark_safe("".join(
        f'<option value="{service_id}"{" selected" if service_id == filters.service_id else ""}>'
        f'{html.escape(f"{unit_name} · {name}" if with_unit else name)}</option>'
        for service_id, unit_name, name in rows))


# Home -------------------------------------------------------------------------------------------------------

def _role_link(role: StaffRole) -> tuple[str, str]:
    if role.role == StaffRole.Role.REGION_ADMIN:
        return role.region.name, reverse("reports:region_dashboard", args=[role.region.code])
    if role.role == StaffRole.Role.AGENCY_ADMIN:
        return role.agency.name, reverse("reports:agency_dashboard", args=[role.agency.code])
    return role.unit.name, reverse("reports:unit_dashboard", args=[role.unit.code])


@login_required
def home(request):
    """The staff landing page: straight to the one dashboard of a single role, else a list to choose from."""
    user = request.user
    roles = list(StaffRole.objects.filter(user=user).select_related("region", "agency", "unit")
                 .order_by("role", "id"))
    if user.is_superuser:
        scopes = [(region.name, reverse("reports:region_dashboard", args=[region.code]), _("Pemerintah daerah"))
                  for region in Region.objects.order_by("name")]
        return render(request, "reports/home.html", {"scopes": scopes, "superuser": True})
    if len(roles) == 1:
        return redirect(_role_link(roles[0])[1])
    if not roles:
        return render(request, "reports/no_role.html")
    scopes = [(*_role_link(role), role.get_role_display()) for role in roles]
    return render(request, "reports/home.html", {"scopes": scopes})


# Dashboards -------------------------------------------------------------------------------------------------

def _element_rows(scores: Scores) -> list[dict]:
    converted = scores.element_converted
    bars = [charts.ElementBar(element.code, element.name_shown, converted.get(element.id))
            for element in scores.elements]
    weakest = charts.lowest_codes(bars, WEAKEST)
    rows = []
    for element, total in zip(scores.elements, scores.totals, strict=True):
        rows.append({
            "element": element, "count": total.count, "weak": element.code in weakest,
            "nrr": round_half_up(Fraction(total.sum, total.count), 3) if total.count else None,
            "converted": converted.get(element.id),
            "letter": scores.questionnaire.rules.grade(converted[element.id]).letter if total.count else None,
        })
    return rows


def _group_context(scores: Scores, *, title: str) -> dict:
    rows = _element_rows(scores)
    bars = [charts.ElementBar(row["element"].code, row["element"].name_shown, row["converted"]) for row in rows]
    return {"scores": scores, "result": scores.result, "rows": rows, "third_party": scores.third_party_label,
            "weakest": sorted((row for row in rows if row["weak"]), key=lambda row: row["converted"]),
            "chart": charts.element_chart(bars=bars, regulation=scores.questionnaire.rules, title=title,
                                          highlight=WEAKEST)}


def _profile_charts(scope: Scope, filters: Filters) -> list[dict]:
    period, narrowing = filters.period, {"service_id": filters.service_id, "channel": filters.channel or None}
    items = respondent_profile_items(unit_ids=scope.unit_ids, period=period, not_given=_("Tidak mengisi"),
                                     **narrowing)
    by_service = respondents_by_service_named(unit_ids=scope.unit_ids, period=period, channel=filters.channel or None,
                                              with_unit=scope.kind != "unit")
    service_items = sorted(by_service, key=lambda item: -item[1])
    if len(service_items) > SERVICES_CHARTED:
        rest = service_items[SERVICES_CHARTED - 1:]
        service_items = service_items[:SERVICES_CHARTED - 1] + [
            (_("%(n)s layanan lain") % {"n": len(rest)}, sum(count for _name, count in rest))]
    where = f"{scope.name}, {period.label}"
    return [
        {"title": _("Jenis kelamin"), "chart": charts.pie_chart(
            items=items["gender"], title=_("Jenis kelamin responden") + f" · {where}")},
        {"title": _("Usia (tahun)"), "chart": charts.bar_chart(
            items=items["age"], title=_("Usia responden") + f" · {where}")},
        {"title": _("Pendidikan"), "chart": charts.bar_chart(
            items=items["education"], title=_("Pendidikan responden") + f" · {where}")},
        {"title": _("Pekerjaan"), "chart": charts.bar_chart(
            items=items["occupation"], title=_("Pekerjaan responden") + f" · {where}")},
        {"title": _("Jenis layanan"), "chart": charts.bar_chart(
            items=service_items, title=_("Jenis layanan yang diterima") + f" · {where}")},
    ]


def _ranked_row(*, name: str, url: str, figure, rank: int | None, **extra) -> dict:
    result = figure.ranked  # IKM, converted IKM and grade; a table of hundreds needs no element scores
    return {"name": name, "url": url, "respondents": figure.respondents, "result": result,
            "ikm": result.ikm_converted if result else None, "rank": rank, "reason": figure.unavailable_reason,
            "third_party": figure.third_party_label, "depth": 0, **extra}


def _unit_rows(tree: AgencyTree, units: list[ServiceUnit], figures: dict, adequacy: Adequacy) -> list[dict]:
    """Units rank among units."""
    ranks = figure_rank(figures)
    return [_ranked_row(name=unit.name, url=reverse("reports:unit_dashboard", args=[unit.code]),
                        figure=figures[unit.id], sample=adequacy.samples[unit.id], rank=ranks.get(unit.id),
                        agency=tree.agencies[unit.agency_id].name, code=unit.code) for unit in units]


def _agency_rows(tree: AgencyTree, roots: list[Agency], figures: dict, adequacy: Adequacy, sort: str,
                 *, ranked: bool) -> list[dict]:
    """The roots (ranked among themselves when `ranked`), each followed by the agencies below it, indented and
    never ranked against their parent."""
    ranks = figure_rank({agency.id: figures[agency.id] for agency in roots}) if ranked else {}

    def row(agency: Agency, *, rank=None, depth=0) -> dict:
        units = [unit.id for unit in tree.units_under(agency.id)]
        return _ranked_row(name=agency.name, url=reverse("reports:agency_dashboard", args=[agency.code]),
                           figure=figures[agency.id], rank=rank, includes=tree.includes(agency.id),
                           adequacy=adequacy.part(units), depth=depth, unit_count=len(units), id=agency.id)

    rows = []
    for top in _sorted([row(agency, rank=ranks.get(agency.id)) for agency in roots], sort):
        rows.append(top)
        agency = tree.agencies[top["id"]]
        rows += [row(child, depth=tree.depth(child.id) - tree.depth(agency.id)) for child in tree.below(agency.id)]
    return rows


def _sorted(rows: list[dict], sort: str) -> list[dict]:
    """Rows sorted by the `sort` query value (peringkat, nama, responden, ikm; a leading "-" reverses);
    rows without the value go last."""
    key = SORT_KEYS.get(sort.lstrip("-"), "rank")
    descending = sort.startswith("-") and sort.lstrip("-") in SORT_KEYS
    present = [row for row in rows if row[key] is not None]
    present.sort(key=lambda row: row[key].lower() if key == "name" else row[key], reverse=descending)
    return present + sorted((row for row in rows if row[key] is None), key=lambda row: row["name"].lower())


def _sort_links(filters: Filters, sort: str) -> dict:
    """For each column: the link that sorts by it (again: the other way) and its aria-sort state."""
    links = {}
    for name in SORT_KEYS:
        first = f"-{name}" if name in ("ikm", "responden") else name
        current = sort if sort.lstrip("-") in SORT_KEYS else "peringkat"
        state = "none"
        if current.lstrip("-") == name:
            state = "descending" if current.startswith("-") else "ascending"
            first = name if current.startswith("-") else f"-{name}"
        links[name] = {"url": "?" + filters.query(sort=first), "state": state}
    return links


def _trend_quarters(period: Period) -> list[Period]:
    return Period.containing(period.end).previous_ones(TREND_QUARTERS)


def _holds(period: Period, held: set[Period]) -> bool:
    """Whether one of the third-party result periods lies within the period."""
    return any(period.start <= found.start and found.end <= period.end for found in held)


def _trend_scores(scope: Scope, filters: Filters, questionnaire, results: list) -> dict[Period, Scores]:
    """The pooled scores of the questionnaire in each trend quarter that has them."""
    quarters = _trend_quarters(filters.period)
    narrowing = {"service_id": filters.service_id, "channel": filters.channel or None}
    found = scores_by_quarter(unit_ids=scope.unit_ids, quarters=quarters, questionnaire_id=questionnaire.id,
                              **narrowing)
    # A quarter holding a third-party result is read again from the one figure definition, which pools it.
    held = {result.period for result in results}
    for quarter in quarters:
        if _holds(quarter, held):
            pooled = figure_pool(unit_figures(unit_ids=scope.unit_ids, period=quarter, third_party=results).values())
            found[quarter] = next((scores for scores in pooled.groups
                                   if scores.questionnaire.id == questionnaire.id), None)
    return {quarter: scores for quarter, scores in found.items() if scores is not None}


def _trend(scope: Scope, filters: Filters, questionnaire, found: dict[Period, Scores]) -> dict | None:
    if questionnaire is None:
        return None
    points = []
    for quarter in _trend_quarters(filters.period):
        result = found[quarter].result if quarter in found else None
        points.append((quarter.short_label, result.ikm_converted if result else None))
    title = _("Tren IKM (konversi) %(n)s triwulan terakhir") % {"n": TREND_QUARTERS} + f" · {scope.name}"
    return {"chart": charts.trend_chart(points=points, regulation=questionnaire.rules, title=title)}


def _details(scope: Scope, filters: Filters, counts: RespondentCounts) -> dict:
    """The dashboard's follow-up indicators of the year, respondents per day and channel with the assisted share,
    and the respondents' profile."""
    period = filters.period
    today = timezone.localdate()
    where = f"{scope.name}, {period.label}"
    by_day = respondents_by_day(unit_ids=scope.unit_ids, period=period, service_id=filters.service_id,
                                channel=filters.channel or None)
    return {
        "follow_up_indicators": follow_up_indicators(unit_ids=scope.unit_ids, year=period.end.year, today=today),
        "daily_chart": charts.daily_chart(counts=by_day, start=period.start, end=period.end, today=today,
                                          title=_("Responden per hari") + f" · {where}"),
        "channel_chart": charts.pie_chart(
            items=[(str(label), counts.by_channel.get(code, 0)) for code, label in Channel.choices],
            title=_("Saluran pengisian") + f" · {where}"),
        "assisted": counts.assisted,
        "profile_charts": _profile_charts(scope, filters),
    }


def _dashboard(request, scope: Scope):
    timezone.activate(region_zone(scope.region))  # the region's days and periods; reset after the response
    filters = filters_read(request.GET, services=_services_of(scope))
    period = filters.period
    narrowing = {"service_id": filters.service_id, "channel": filters.channel or None}
    today = timezone.localdate()
    # The third-party results of this period, the previous one and the trend's quarters, read once; where none
    # lies in a period, the captured responses' pool is its figure (one definition, fewer queries).
    trend_quarters = _trend_quarters(period)
    span = Period.custom(min(trend_quarters[0].start, period.previous().start),
                         max(trend_quarters[-1].end, period.end))
    results = [] if filters.is_narrowed else third_party_scores(unit_ids=scope.unit_ids, period=span)
    held = {result.period for result in results}
    if scope.kind == "unit":
        # One result per questionnaire (a unit that changed questionnaire within the period has two), in the order
        # they were first answered; the headline shows the one most respondents answered.
        figure = scope_figure(unit_ids=scope.unit_ids, period=period, **narrowing, third_party=results)
        groups = figure.groups
        main = max(groups, key=lambda scores: scores.respondents) if groups else None
        unavailable = main.unavailable_reason if main else _("belum ada responden")
    else:
        # An agency or a region: the one definition of reports.aggregates, per unit then pooled.
        tree = agency_tree(scope.region)
        figures = unit_figures(unit_ids=scope.unit_ids, period=period, **narrowing, third_party=results)
        figure = figure_pool(figures.values())
        groups, main, unavailable = figure.groups, figure.scores, figure.unavailable_reason
    questionnaire = main.questionnaire if main else (scope.obj.questionnaire if scope.kind == "unit" else None)
    trend = _trend_scores(scope, filters, questionnaire, results) if questionnaire else {}
    if period.previous() in trend_quarters:  # a quarter: the trend has read the one before it
        previous_groups = [trend[period.previous()]] if period.previous() in trend else []
    elif _holds(period.previous(), held):
        previous_groups = figure_pool(unit_figures(unit_ids=scope.unit_ids, period=period.previous(),
                                                   third_party=results).values()).groups
    else:
        previous_groups = pooled_scores(unit_ids=scope.unit_ids, period=period.previous(), **narrowing)
    previous = next((scores for scores in previous_groups
                     if questionnaire and scores.questionnaire.id == questionnaire.id), None)
    respondents = sum(scores.respondents for scores in groups)
    where = f"{scope.name}, {period.label}"
    counts = respondent_counts(unit_ids=scope.unit_ids, period=period, **narrowing)
    suggestions = suggestions_search(unit_ids=scope.unit_ids, period=period, **narrowing)
    latest = list(suggestions[:SUGGESTIONS_ON_DASHBOARD])
    sort = request.GET.get("sort", "")[:20]
    context = {
        "scope": scope, "filters": filters, "period": period, "today": today, "page_kind": "dashboard",
        "period_options": period_options(selected=period, today=today), "custom": CUSTOM,
        "service_options": _service_options(scope, filters), "channels": Channel.choices,
        "groups": [_group_context(scores, title=_("Nilai per unsur (NRR × 25)") + f" · {where}")
                   for scores in groups],
        "main": main, "result": main.result if main else None, "unavailable": unavailable,
        "third_party": figure.third_party_label, "third_party_pending": figure.pending,
        # A region lists its units' changes in the units' own dashboards, not as a list over the whole region.
        "questionnaire_changes": questionnaire_changes(unit_ids=scope.unit_ids, period=period, **narrowing)
        if scope.kind != "region" else [],
        "interval": scores_interval(main), "change": scores_change(current=main, previous=previous),
        "previous_period": period.previous(),
        "respondents": respondents,
        "today_count": respondents_today(unit_ids=scope.unit_ids, **narrowing),
        "trend": _trend(scope, filters, questionnaire, trend),
        "suggestions": answers_of(responses=latest),
        "suggestion_count": counts.with_suggestion,
        "complaint_themes": complaint_themes(unit_ids=scope.unit_ids, period=period, **narrowing),
        "sort": sort, "sort_links": _sort_links(filters, sort),
        # Beside the IKM of a unit or an agency; the region's units each carry theirs in the recap.
        "integrity": integrity_pooled(unit_ids=scope.unit_ids, period=period) if scope.kind != "region" else None,
        # A region's first screen leaves these to a second request (region_details).
        **(_details(scope, filters, counts) if scope.kind != "region" else {}),
    }
    if scope.kind == "unit":
        region_units = ServiceUnit.objects.filter(agency__region=scope.region).values_list("id", flat=True)
        ranks = figure_rank(unit_figures(unit_ids=region_units, period=period))  # as the region table ranks
        context.update({
            "sample": sample_for(unit_ids=scope.unit_ids, period=period, respondents=respondents),
            "rank": ranks.get(scope.obj.id), "ranked": len(ranks),
            "reviews": follow_up_review(unit=scope.obj, period=period),
            "plan_count": follow_up_plans_of(unit_ids=scope.unit_ids, period=period).count(),
            "monev": monev_unit_status(unit=scope.obj, year=period.end.year),
            "integrity_review_url": reverse("surveys_staff:integrity_review", args=[scope.obj.code]),
        })
    else:
        adequacy = unit_adequacy(unit_ids=scope.unit_ids, period=period, units=figures)
        if scope.kind == "region":
            roots = tree.top_level()
            units = [unit for agency in roots for unit in tree.units_under(agency.id)]
        else:
            roots = [tree.agencies[child] for child in tree.children.get(scope.obj.id, [])]
            units = tree.units_under(scope.obj.id)
        units = sorted(units, key=lambda unit: (tree.agencies[unit.agency_id].name, unit.name))
        short = set(adequacy.short)
        context.update({
            "adequacy": adequacy, "includes": tree.includes(scope.obj.id) if scope.kind == "agency" else "",
            "short_units": [(unit, adequacy.samples[unit.id]) for unit in units if unit.id in short],
        })
        if scope.kind == "region":
            # What a region admin acts on; the full ranked tables are a page of their own (region_table).
            context.update(_region_extremes(tree, roots, units, figures))
        else:
            context.update({
                "unit_rows": _sorted(_unit_rows(tree, units, figures, adequacy), sort),
                "agency_rows": _agency_rows(tree, roots, agency_figures(tree, figures), adequacy, sort, ranked=False),
            })
    return render(request, "reports/dashboard.html", context)


def _region_extremes(tree: AgencyTree, roots: list[Agency], units: list[ServiceUnit], figures: dict) -> dict:
    """The EXTREMES lowest and highest units (ranked among units) and perangkat daerah (among themselves)."""
    unit_figures_ = {unit.id: figures[unit.id] for unit in units}
    unit_ranks = figure_rank(unit_figures_)
    by_id = {unit.id: unit for unit in units}

    def unit_row(unit_id):
        unit = by_id[unit_id]
        return _ranked_row(name=unit.name, url=reverse("reports:unit_dashboard", args=[unit.code]),
                           figure=figures[unit_id], rank=unit_ranks.get(unit_id),
                           agency=tree.agencies[unit.agency_id].name)

    pools = agency_figures(tree, figures, [agency.id for agency in roots])
    agency_ranks = figure_rank(pools)

    def agency_row(agency_id):
        agency = tree.agencies[agency_id]
        return _ranked_row(name=agency.name, url=reverse("reports:agency_dashboard", args=[agency.code]),
                           figure=pools[agency_id], rank=agency_ranks.get(agency_id), includes=tree.includes(agency_id))

    lowest_units, highest_units = figure_extremes(unit_figures_, EXTREMES)
    lowest_agencies, highest_agencies = figure_extremes(pools, EXTREMES)
    return {
        "extremes": [
            {"kind": "unit", "title": _("Unit layanan dengan IKM terendah"),
             "rows": [unit_row(unit_id) for unit_id in lowest_units]},
            {"kind": "unit", "title": _("Unit layanan dengan IKM tertinggi"),
             "rows": [unit_row(unit_id) for unit_id in highest_units]},
            {"kind": "agency", "title": _("Perangkat daerah dengan IKM terendah"),
             "rows": [agency_row(agency_id) for agency_id in lowest_agencies]},
            {"kind": "agency", "title": _("Perangkat daerah dengan IKM tertinggi"),
             "rows": [agency_row(agency_id) for agency_id in highest_agencies]},
        ],
        "unit_count": len(units), "agency_count": len(roots), "units_ranked": len(unit_ranks),
        "agencies_ranked": len(agency_ranks),
    }


def _table_sort_links(filters: Filters, *, kind: str, sort: str, order: str, query: str) -> dict:
    """For each column of the full table: the link that sorts by it (again: the other way), and its aria-sort."""
    links = {}
    for name in SORT_KEYS:
        if name == sort:
            state = "descending" if order == "desc" else "ascending"
            following = "asc" if order == "desc" else "desc"
        else:
            state, following = "none", "desc" if name in DESCENDING_FIRST else "asc"
        links[name] = {"url": "?" + filters.query(jenis=kind, sort=name, order=following, q=query), "state": state}
    return links


def _matches(row: dict, query: str) -> bool:
    folded = query.casefold()
    return any(folded in (row.get(field) or "").casefold() for field in ("name", "code", "agency"))


@login_required
def region_table(request, region_code: str):
    """Every unit (jenis=unit) or perangkat daerah (jenis=opd) of the region, ranked, sorted and searched on the
    server (sort=peringkat|nama|responden|ikm, order=asc|desc, q=...), TABLE_ROWS a page: one bookmarkable URL."""
    scope = _region_scope(request.user, region_code)
    timezone.activate(region_zone(scope.region))
    filters = filters_read(request.GET, services=_services_of(scope))
    period = filters.period
    kind = request.GET.get("jenis") if request.GET.get("jenis") in TABLE_KINDS else "unit"
    sort = request.GET.get("sort") if request.GET.get("sort") in SORT_KEYS else "peringkat"
    order = request.GET.get("order") if request.GET.get("order") in ("asc", "desc") else (
        "desc" if sort in DESCENDING_FIRST else "asc")
    query = request.GET.get("q", "").strip()[:100]
    tree = agency_tree(scope.region)
    figures = unit_figures(unit_ids=scope.unit_ids, period=period, service_id=filters.service_id,
                           channel=filters.channel or None)
    adequacy = unit_adequacy(unit_ids=scope.unit_ids, period=period, units=figures)
    roots = tree.top_level()
    sorting = ("-" if order == "desc" else "") + sort
    if kind == "unit":
        units = sorted((unit for agency in roots for unit in tree.units_under(agency.id)),
                       key=lambda unit: (tree.agencies[unit.agency_id].name, unit.name))
        rows = _sorted(_unit_rows(tree, units, figures, adequacy), sorting)
    else:
        rows = _agency_rows(tree, roots, agency_figures(tree, figures), adequacy, sorting, ranked=True)
    total = len(rows)
    if query:
        rows = [row for row in rows if _matches(row, query)]
    page = Paginator(rows, TABLE_ROWS).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(request, "reports/region_table.html", {
        "scope": scope, "filters": filters, "period": period, "today": today, "page_kind": "dashboard",
        "period_options": period_options(selected=period, today=today), "custom": CUSTOM,
        "service_options": _service_options(scope, filters), "channels": Channel.choices,
        "kind": kind, "kind_table": "agency" if kind == "opd" else "unit", "sort": "", "order": order, "query": query, "page": page, "rows": page.object_list,
        "total": total, "found": len(rows),
        "hidden_params": [("jenis", kind), ("sort", sort), ("order", order)],
        "sort_links": _table_sort_links(filters, kind=kind, sort=sort, order=order, query=query),
        "page_query": filters.query(jenis=kind, sort=sort, order=order, q=query),
        "kind_links": {name: "?" + filters.query(jenis=name) for name in TABLE_KINDS},
    })


@login_required
def region_details(request, region_code: str):
    """The sections of the region dashboard that its first screen loads as a second request (or links to)."""
    scope = _region_scope(request.user, region_code)
    timezone.activate(region_zone(scope.region))
    filters = filters_read(request.GET, services=_services_of(scope))
    counts = respondent_counts(unit_ids=scope.unit_ids, period=filters.period, service_id=filters.service_id,
                               channel=filters.channel or None)
    return render(request, "reports/region_details.html", {
        "scope": scope, "filters": filters, "period": filters.period, "page_kind": "dashboard",
        **_details(scope, filters, counts),
    })


@login_required
def unit_dashboard(request, unit_code: str):
    return _dashboard(request, _unit_scope(request.user, unit_code))


@login_required
def agency_dashboard(request, agency_code: str):
    return _dashboard(request, _agency_scope(request.user, agency_code))


@login_required
def region_dashboard(request, region_code: str):
    return _dashboard(request, _region_scope(request.user, region_code))


# Suggestions ------------------------------------------------------------------------------------------------

def _suggestions(request, scope: Scope):
    timezone.activate(region_zone(scope.region))
    filters = filters_read(request.GET, services=_services_of(scope))
    query = (request.GET.get("q") or "").replace("\x00", "").strip()[:100]  # PostgreSQL text holds no NUL
    theme = request.GET.get("tema", "") if request.GET.get("tema", "") in THEMES else ""
    tone = request.GET.get("nada", "") if request.GET.get("nada", "") in Tone.values else ""
    found = suggestions_search(unit_ids=scope.unit_ids, period=filters.period, query=query,
                               service_id=filters.service_id, channel=filters.channel or None, theme=theme, tone=tone)
    page = Paginator(found, SUGGESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reports/suggestions.html", {
        "scope": scope, "filters": filters, "period": filters.period, "query": query, "page": page,
        "page_kind": "suggestions",
        "suggestions": answers_of(responses=page.object_list.prefetch_related("tag_corrections__corrected_by")),
        "themes": THEMES, "tones": Tone.choices, "theme": theme, "tone": tone,
        "tone_label": Tone(tone).label if tone else "",
        "back": request.get_full_path(),
        "page_query": filters.query(q=query, tema=theme, nada=tone),
        "period_options": period_options(selected=filters.period, today=timezone.localdate()), "custom": CUSTOM,
        "service_options": _service_options(scope, filters), "channels": Channel.choices,
    })


@login_required
def unit_suggestions(request, unit_code: str):
    return _suggestions(request, _unit_scope(request.user, unit_code))


@login_required
def agency_suggestions(request, agency_code: str):
    return _suggestions(request, _agency_scope(request.user, agency_code))


@login_required
def region_suggestions(request, region_code: str):
    return _suggestions(request, _region_scope(request.user, region_code))


@login_required
@require_http_methods(["POST"])
def suggestion_tags_edit(request, response_id: int):
    """A staff member corrects the themes of one suggestion of a unit they may see."""
    response = get_object_or_404(Response.objects.select_related("unit"), pk=response_id)
    get_unit_for_user(request.user, response.unit.code)
    try:
        suggestion_tags_correct(response, elements=request.POST.getlist("elements"),
                                tone=request.POST.get("tone", ""), by=request.user)
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(request, _("Tema saran dikoreksi."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = reverse("reports:unit_suggestions", args=[response.unit.code])
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def alert_settings(request):
    """A unit head (agency admin or unit operator) opts in to the daily alert digest and sets its hour."""
    region = head_region(request.user)
    if region is None:  # a region admin watches no unit of their own
        return render(request, "reports/alert_settings.html", {"page_kind": "alerts"})
    subscription = AlertSubscription.objects.filter(user=request.user).first() or AlertSubscription(user=request.user)
    form = AlertSubscriptionForm(request.POST or None, instance=subscription)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Pengaturan peringatan disimpan."))
        return redirect("reports:alert_settings")
    return render(request, "reports/alert_settings.html", {
        "form": form, "region": region, "units": head_units(request.user), "page_kind": "alerts"})


# Follow-up plans --------------------------------------------------------------------------------------------

def _plan_quarter(filters: Filters) -> Period:
    """Plans are made per quarter: another kind of period stands for the quarter it ends in."""
    if filters.period.kind == "quarter":
        return filters.period
    quarter = Period.containing(filters.period.end)
    filters.problems.append(_("Rencana tindak lanjut dibuat per triwulan; ditampilkan %(period)s.")
                            % {"period": quarter.label})
    filters.period = quarter
    return quarter


def _plans_url(unit, quarter: Period) -> str:
    return f"{reverse('reports:follow_up', args=[unit.code])}?period={quarter.slug}"


@login_required
@require_http_methods(["GET", "POST"])
def follow_up(request, unit_code: str):
    """A unit's follow-up plans for a quarter: its weakest elements, the plans made, and a form for another."""
    scope = _unit_scope(request.user, unit_code)
    unit = scope.obj
    timezone.activate(region_zone(scope.region))
    today = timezone.localdate()
    filters = filters_read(request.GET, services=_services_of(scope))
    quarter = _plan_quarter(filters)
    form = FollowUpPlanForm(request.POST or None, unit=unit, quarter=quarter, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up_plan_create(unit=unit, element=form.cleaned_data["element"], quarter=quarter,
                                  action=form.cleaned_data["action"], responsible=form.cleaned_data["responsible"],
                                  due_date=form.cleaned_data["due_date"],
                                  planned_on=form.cleaned_data["status_date"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Rencana tindak lanjut disimpan."))
            return redirect(_plans_url(unit, quarter))
    groups = unit_figures(unit_ids=[unit.id], period=quarter)[unit.id].groups
    scores = max(groups, key=lambda found: found.respondents) if groups else None  # as the dashboard's headline
    group = _group_context(scores, title=_("Nilai per unsur (NRR × 25)") + f" · {unit.name}, {quarter.label}") \
        if scores else None
    plans = list(follow_up_plans_of(unit_ids=[unit.id], period=quarter))
    # The elements the follow-up indicators expect a plan for (reports.followup.weak_codes).
    needs_plan = weak_codes(ElementResult(code=row["element"].code, converted=row["converted"], letter=row["letter"])
                            for row in group["rows"] if row["converted"] is not None) if group else frozenset()
    if not form.is_bound and group:
        planned = {plan.element_id for plan in plans}
        weakest = next((row["element"] for row in group["weakest"] if row["element"].id not in planned), None)
        form.initial.setdefault("element", weakest)
    following = Period.containing(quarter.end + timedelta(days=1))  # offered only once it has started
    return render(request, "reports/follow_up.html", {
        "scope": scope, "unit": unit, "filters": filters, "quarter": quarter, "form": form, "group": group,
        "page_kind": "follow_up", "today": today, "needs_plan": needs_plan,
        "planned_codes": {plan.element.code for plan in plans}, "plans": plans, "reviews": follow_up_review(unit=unit, period=quarter),
        "previous": quarter.previous(), "next": following if following.start <= today else None,
        "follow_up_indicators": follow_up_indicators(unit_ids=[unit.id], year=quarter.year, today=today),
    })


def _plan_of(request, unit_code: str, plan_id: int) -> tuple[Scope, FollowUpPlan]:
    scope = _unit_scope(request.user, unit_code)
    plan = get_object_or_404(FollowUpPlan.objects.select_related("element", "unit__agency__region")
                             .prefetch_related("status_changes__recorded_by"), pk=plan_id, unit=scope.obj)
    return scope, plan


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_edit(request, unit_code: str, plan_id: int):
    scope, plan = _plan_of(request, unit_code, plan_id)
    unit = scope.obj
    timezone.activate(region_zone(scope.region))
    quarter = Period.quarter(plan.year, plan.quarter)
    form = FollowUpPlanEditForm(request.POST or None, request.FILES or None, instance=plan, unit=unit,
                                quarter=quarter, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            follow_up_plan_update(plan=plan, action=data["action"], responsible=data["responsible"],
                                  due_date=data["due_date"], status=data["status"], status_date=data["status_date"],
                                  status_note=data["status_note"], evidence_note=data["evidence_note"],
                                  evidence_link=data["evidence_link"], evidence_upload=data["evidence_upload"],
                                  by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Rencana tindak lanjut diperbarui."))
            return redirect(_plans_url(unit, quarter))
    return render(request, "reports/follow_up_edit.html", {
        "scope": scope, "unit": unit, "plan": plan, "quarter": quarter, "form": form, "page_kind": "follow_up",
        "history": plan.history(),
    })


@login_required
def follow_up_evidence(request, unit_code: str, plan_id: int):
    """A plan's evidence file, only to staff who see the unit; never from a public media URL."""
    _scope, plan = _plan_of(request, unit_code, plan_id)
    if not plan.evidence_file:
        raise Http404
    return evidence_file_response(plan.evidence_file.name, content_type=plan.evidence_type,
                                  filename=plan.evidence_name or None)
