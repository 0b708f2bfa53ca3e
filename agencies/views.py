"""Management screens for agency admins (their agency and the agencies below it) and region admins (their
region): units, services, population, staff roles, kiosks, and responses suspected to be repeats."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agencies.forms import PopulationForm, RoleGrantForm, ServiceForm, UnitForm
from agencies.models import Agency, AuditEvent, Population, Region, Service, ServiceUnit, StaffRole
from agencies.selectors import (
    agencies_for_user, agency_descendant_ids, get_agency_for_user, get_managed_unit_for_user, get_region_for_user,
    kiosk_is_silent,
)
from agencies.services import (
    population_set, service_save, staff_password_set, staff_role_grant, staff_role_revoke, staff_user_create,
    unit_save,
)
from reports.forms import CUSTOM, filters_read, period_options
from reports.sampling import krejcie_morgan
from reports.selectors import answers_of, responses_suspected
from surveys.models import Kiosk, Response
from surveys.services import response_exclude

REPEATS_PER_PAGE = 50


@dataclass
class Managed:
    """What a manager looks after: a whole region, or an agency with the agencies below it."""

    kind: str  # "region" or "agency"
    obj: Region | Agency
    region: Region
    agency_ids: set[int]

    @property
    def name(self) -> str:
        return self.obj.name

    @property
    def agencies(self):
        return Agency.objects.filter(id__in=self.agency_ids).order_by("name")

    @property
    def units(self):
        return ServiceUnit.objects.filter(agency_id__in=self.agency_ids).select_related("agency")

    def url(self, view: str, *args) -> str:
        return reverse(f"agencies:{self.kind}_{view}", args=[self.obj.code, *args])

    @property
    def dashboard_url(self) -> str:
        return reverse(f"reports:{self.kind}_dashboard", args=[self.obj.code])


def _managed(user, *, region_code: str | None = None, agency_code: str | None = None) -> Managed:
    if region_code is not None:
        region = get_region_for_user(user, region_code)
        return Managed("region", region, region, set(region.agencies.values_list("id", flat=True)))
    agency = get_agency_for_user(user, agency_code)
    return Managed("agency", agency, agency.region, agency_descendant_ids({agency.id}))


def _page(request, template: str, managed: Managed, section: str, **context):
    return render(request, template, {"managed": managed, "section": section, **context})


# Overview and units -----------------------------------------------------------------------------------------

@login_required
def manage(request, region_code: str | None = None, agency_code: str | None = None):
    """The agencies and units in the manager's care, with their services and latest population."""
    managed = _managed(request.user, region_code=region_code, agency_code=agency_code)
    latest_first = Prefetch("populations", queryset=Population.objects.order_by(*Population.LATEST_FIRST))
    units = managed.units.prefetch_related("services", latest_first).order_by("agency__name", "name")
    return _page(request, "agencies/manage.html", managed, "units", units=units, agencies=managed.agencies)


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request, region_code: str | None = None, agency_code: str | None = None):
    managed = _managed(request.user, region_code=region_code, agency_code=agency_code)
    form = UnitForm(request.POST or None, agencies=managed.agencies,
                    initial={"agency": managed.obj if managed.kind == "agency" else None})
    if request.method == "POST" and form.is_valid():
        try:
            unit = unit_save(unit=form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Unit “%(name)s” dibuat. Tambahkan jenis layanannya.")
                             % {"name": unit.name})
            return redirect("agencies:unit_services", unit_code=unit.code)
    return _page(request, "agencies/unit_form.html", managed, "units", form=form)


def _unit_managed(request, unit_code: str) -> tuple[ServiceUnit, dict]:
    unit = get_managed_unit_for_user(request.user, unit_code)
    return unit, {"unit": unit, "dashboard_url": reverse("reports:unit_dashboard", args=[unit.code])}


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, unit_code: str):
    unit, context = _unit_managed(request, unit_code)
    form = UnitForm(request.POST or None, instance=unit, agencies=agencies_for_user(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            unit_save(unit=form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Unit disimpan."))
            return redirect("agencies:unit_edit", unit_code=unit.code)
    return render(request, "agencies/unit_edit.html", {**context, "form": form, "tab": "unit"})


@login_required
@require_http_methods(["GET", "POST"])
def unit_services(request, unit_code: str):
    unit, context = _unit_managed(request, unit_code)
    form = ServiceForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        service = service_save(service=form.save(commit=False))
        messages.success(request, _("Jenis layanan “%(name)s” ditambahkan.") % {"name": service.name})
        return redirect("agencies:unit_services", unit_code=unit.code)
    return render(request, "agencies/unit_services.html", {
        **context, "form": form, "services": unit.services.order_by("-is_active", "name"), "tab": "services"})


@login_required
@require_http_methods(["GET", "POST"])
def service_edit(request, unit_code: str, service_id: int):
    unit, context = _unit_managed(request, unit_code)
    service = get_object_or_404(Service, pk=service_id, unit=unit)
    form = ServiceForm(request.POST or None, instance=service, unit=unit)
    if request.method == "POST" and form.is_valid():
        service_save(service=form.save(commit=False))
        messages.success(request, _("Jenis layanan disimpan."))
        return redirect("agencies:unit_services", unit_code=unit.code)
    return render(request, "agencies/service_form.html", {**context, "form": form, "service": service,
                                                          "tab": "services"})


@login_required
@require_http_methods(["GET", "POST"])
def unit_population(request, unit_code: str):
    unit, context = _unit_managed(request, unit_code)
    form = PopulationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        population_set(unit=unit, **form.cleaned_data)
        messages.success(request, _("Jumlah pengguna layanan disimpan."))
        return redirect("agencies:unit_population", unit_code=unit.code)
    populations = list(unit.populations.order_by(*Population.LATEST_FIRST))
    for population in populations:
        population.required = krejcie_morgan(population.service_users)
    return render(request, "agencies/unit_population.html", {
        **context, "form": form, "populations": populations, "tab": "population"})


# Staff ------------------------------------------------------------------------------------------------------

def _roles_in(managed: Managed):
    within = Q(agency_id__in=managed.agency_ids) | Q(unit__agency_id__in=managed.agency_ids)
    if managed.kind == "region":
        within |= Q(region=managed.region)
    return (StaffRole.objects.filter(within).select_related("user", "region", "agency", "unit")
            .order_by("user__username", "role"))


@login_required
@require_http_methods(["GET", "POST"])
def staff(request, region_code: str | None = None, agency_code: str | None = None):
    """Staff roles within the manager's scope, and granting one: an agency admin grants agency admin and unit
    operator roles inside the agency; a region admin may also grant region admin of the region."""
    managed = _managed(request.user, region_code=region_code, agency_code=agency_code)
    form = RoleGrantForm(request.POST or None, regions=[managed.region] if managed.kind == "region" else [],
                         agencies=managed.agencies, units=managed.units.order_by("name"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        role, scope = form.role_and_scope
        try:
            with transaction.atomic():  # a new account exists only with its role
                user = data["user"] or staff_user_create(
                    username=data["username"], first_name=data["first_name"], last_name=data["last_name"],
                    password=data["password"], by=request.user, scope=managed.obj)
                _granted, created = staff_role_grant(by=request.user, user=user, role=role, scope=scope)
        except ValidationError as error:
            form.add_error("username", error)
        else:
            text = (_("%(user)s kini %(role)s untuk %(scope)s.") if created
                    else _("%(user)s sudah %(role)s untuk %(scope)s."))
            messages.success(request, text % {"user": user.username, "role": StaffRole.Role(role).label,
                                              "scope": scope.name})
            return redirect(managed.url("staff"))
    return _page(request, "agencies/staff.html", managed, "staff", form=form, roles=_roles_in(managed))


@login_required
@require_POST
def role_revoke(request, role_id: int, region_code: str | None = None, agency_code: str | None = None):
    managed = _managed(request.user, region_code=region_code, agency_code=agency_code)
    role = get_object_or_404(_roles_in(managed), pk=role_id)
    try:
        staff_role_revoke(by=request.user, role=role)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Peran %(role)s untuk %(user)s dicabut.")
                         % {"role": role.get_role_display(), "user": role.user.username})
    return redirect(managed.url("staff"))


@login_required
@require_http_methods(["GET", "POST"])
def staff_password(request, role_id: int, region_code: str | None = None, agency_code: str | None = None):
    """Set a new password for a staff member of the scope (who forgot it and cannot reset it by e-mail)."""
    managed = _managed(request.user, region_code=region_code, agency_code=agency_code)
    member = get_object_or_404(_roles_in(managed), pk=role_id).user
    form = SetPasswordForm(member, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            staff_password_set(by=request.user, user=member, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Kata sandi baru untuk %(user)s tersimpan; sampaikan secara pribadi.")
                             % {"user": member.username})
            return redirect(managed.url("staff"))
    return _page(request, "agencies/staff_password.html", managed, "staff", form=form, member=member)


# Kiosks -----------------------------------------------------------------------------------------------------

@login_required
def kiosks(request, region_code: str | None = None, agency_code: str | None = None):
    """Every kiosk in the scope, when it was last heard from, and which have been silent for a working day."""
    managed = _managed(request.user, region_code=region_code, agency_code=agency_code)
    now = timezone.now()
    rows = []
    for kiosk in (Kiosk.objects.filter(unit__agency_id__in=managed.agency_ids).select_related("unit__agency")
                  .order_by("revoked_at", "unit__name", "name")):
        silent = not kiosk.is_revoked and kiosk_is_silent(last_contact=kiosk.last_seen_at or kiosk.created_at, now=now)
        rows.append({"kiosk": kiosk, "silent": silent})
    return _page(request, "agencies/kiosks.html", managed, "kiosks", rows=rows,
                 silent_count=sum(row["silent"] for row in rows))


# Suspected repeats ------------------------------------------------------------------------------------------

@login_required
def repeats(request, region_code: str | None = None, agency_code: str | None = None):
    """Responses flagged as possible repeats (the same phone sending again soon), to take out of the scores or
    put back; who did it and when is kept on the response and in the audit log."""
    managed = _managed(request.user, region_code=region_code, agency_code=agency_code)
    filters = filters_read(request.GET, services=Service.objects.none())
    found = responses_suspected(unit_ids=managed.units.values_list("id", flat=True), period=filters.period)
    page = Paginator(found, REPEATS_PER_PAGE).get_page(request.GET.get("page"))
    return _page(request, "agencies/repeats.html", managed, "repeats", filters=filters, page=page, custom=CUSTOM,
                 period_options=period_options(selected=filters.period, today=timezone.localdate()),
                 responses=answers_of(responses=page))


@login_required
@require_POST
def repeat_toggle(request, response_id: int, region_code: str | None = None, agency_code: str | None = None):
    managed = _managed(request.user, region_code=region_code, agency_code=agency_code)
    response = get_object_or_404(Response, pk=response_id, unit__agency_id__in=managed.agency_ids)
    exclude = request.POST.get("exclude") == "1"
    response_exclude(response, by=request.user, excluded=exclude)
    messages.success(request, _("Respons dikecualikan dari nilai.") if exclude
                     else _("Respons dihitung kembali dalam nilai."))
    filters = filters_read(request.POST, services=Service.objects.none())
    return redirect(f"{managed.url('repeats')}?{filters.query()}")


# Audit log ----------------------------------------------------------------------------------------------------

AUDIT_PER_PAGE = 100


@login_required
def audit_log(request, region_code: str):
    """What changed scores, access or publication in the region (and system-wide acts), newest first."""
    managed = _managed(request.user, region_code=region_code)
    events = (AuditEvent.objects.filter(Q(region=managed.region) | Q(region__isnull=True))
              .select_related("actor").order_by("-at"))
    action = request.GET.get("action", "")
    if action in AuditEvent.Action.values:
        events = events.filter(action=action)
    page = Paginator(events, AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    return _page(request, "agencies/audit_log.html", managed, "audit", page=page, action=action,
                 actions=AuditEvent.Action.choices)
