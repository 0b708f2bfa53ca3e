"""Who may see what. Every staff view, export and report takes its querysets from here, so scoping lives
in one place; anything outside a user's scope simply does not exist for them (404)."""

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from agencies.models import Agency, Region, ServiceUnit, StaffRole


def _roles(user) -> list[StaffRole]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_staff_roles_cache", None)
    if cached is None:
        cached = list(StaffRole.objects.filter(user=user))
        user._staff_roles_cache = cached
    return cached


def agency_descendant_ids(agency_ids) -> set[int]:
    """The agencies and every agency below them (a Kelurahan under its Kecamatan, and so on)."""
    found, frontier = set(agency_ids), set(agency_ids)
    while frontier:
        frontier = set(Agency.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        found |= frontier
    return found


def _agency_scope_ids(user) -> set[int]:
    return agency_descendant_ids({role.agency_id for role in _roles(user) if role.role == StaffRole.Role.AGENCY_ADMIN})


def is_staff_member(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or _roles(user))


def administered_regions(user) -> QuerySet[Region]:
    """Regions where the user is a region admin (Bagian Organisasi): recap, publication, audit."""
    if getattr(user, "is_superuser", False):
        return Region.objects.all()
    return Region.objects.filter(id__in={role.region_id for role in _roles(user) if role.region_id})


def agencies_for_user(user) -> QuerySet[Agency]:
    """Agencies whose results the user may see: whole regions, administered agency subtrees."""
    if getattr(user, "is_superuser", False):
        return Agency.objects.all()
    return Agency.objects.filter(
        Q(region_id__in={role.region_id for role in _roles(user) if role.region_id})
        | Q(id__in=_agency_scope_ids(user))
    )


def units_for_user(user) -> QuerySet[ServiceUnit]:
    if getattr(user, "is_superuser", False):
        return ServiceUnit.objects.all()
    return ServiceUnit.objects.filter(
        Q(agency__region_id__in={role.region_id for role in _roles(user) if role.region_id})
        | Q(agency_id__in=_agency_scope_ids(user))
        | Q(id__in={role.unit_id for role in _roles(user) if role.unit_id})
    )


def get_region_for_user(user, code: str) -> Region:
    return get_object_or_404(administered_regions(user), code=code)


def get_agency_for_user(user, code: str) -> Agency:
    return get_object_or_404(agencies_for_user(user), code=code)


def get_unit_for_user(user, code: str) -> ServiceUnit:
    return get_object_or_404(units_for_user(user).select_related("agency__region", "questionnaire"), code=code)


def managed_units_for_user(user) -> QuerySet[ServiceUnit]:
    """Units whose set-up (services, population, staff) the user manages: the units of the agencies or regions
    the user administers. A unit operator manages none of them."""
    return ServiceUnit.objects.filter(agency__in=agencies_for_user(user))


def get_managed_unit_for_user(user, code: str) -> ServiceUnit:
    return get_object_or_404(managed_units_for_user(user).select_related("agency__region", "questionnaire"),
                             code=code)


def kiosk_is_silent(*, last_contact: datetime, now: datetime) -> bool:
    """Whether a whole working day (Monday to Friday) has passed between the last contact and now, local time.
    Public holidays are not known here, so a kiosk may be flagged after one."""
    first, today = timezone.localtime(last_contact).date(), timezone.localtime(now).date()
    day = first + timedelta(days=1)
    while day < today:
        if day.weekday() < 5:
            return True
        day += timedelta(days=1)
    return False
