"""Writes of the management screens: units, services, population and staff roles. Which objects a manager may
pick is limited by the screens (agencies.selectors); granting and revoking roles checks the scope again here,
since the admin and the demo data grant roles too."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from agencies.audit import audit_record
from agencies.models import Agency, AuditEvent, Population, Region, Service, ServiceUnit, StaffAccount, StaffRole
from agencies.selectors import administered_regions, agencies_for_user, managed_units_for_user

def unit_save(*, unit: ServiceUnit, by) -> ServiceUnit:
    """Create or change a unit; a change of questionnaire is recorded, since it changes how scores pool."""
    with transaction.atomic():
        before = (ServiceUnit.objects.filter(pk=unit.pk).values_list("questionnaire_id", flat=True).first()
                  if unit.pk else None)
        unit.full_clean()
        unit.save()
        if before is not None and before != unit.questionnaire_id:
            audit_record(actor=by, action=AuditEvent.Action.QUESTIONNAIRE_CHANGED, target=f"unit {unit.code}",
                         region=unit.agency.region, before=before, after=unit.questionnaire_id)
    return unit


def service_save(*, service: Service) -> Service:
    service.full_clean()
    service.save()
    return service


def population_set(*, unit: ServiceUnit, year: int, quarter: int | None, service_users: int) -> Population:
    """The number of service users of a unit in a quarter (or, without a quarter, a whole year)."""
    population, _created = Population.objects.update_or_create(
        unit=unit, year=year, quarter=quarter, defaults={"service_users": service_users})
    return population


def staff_user_create(*, username: str, first_name: str, last_name: str, password: str, by,
                      scope: Region | Agency):
    """A new staff account, recorded as created in `scope` (the region or agency whose staff page made it); it
    can do nothing until it is given a role."""
    with transaction.atomic():
        user = get_user_model().objects.create_user(username=username, password=password, first_name=first_name,
                                                    last_name=last_name)
        StaffAccount.objects.create(user=user, region=scope if isinstance(scope, Region) else scope.region,
                                    agency=scope if isinstance(scope, Agency) else None,
                                    created_by=by if getattr(by, "is_authenticated", False) else None)
    return user


# One answer for every account a role may not go to, so the staff page does not tell which usernames exist.
ROLE_REFUSED = _lazy("Peran tidak dapat diberikan kepada nama pengguna ini. Untuk akun baru, isi kata sandi awal; "
                     "akun yang sudah ada hanya dapat diberi peran bila dibuat di cakupan Anda atau sudah memegang "
                     "peran di dalamnya.")


def role_may_go_to(*, by, user, region: Region) -> bool:
    """Whether `by` may give `user` a role in `region`: never a superuser, never staff of another region; and,
    unless `by` is a superuser or the system (None), only an account created in `by`'s scope or already holding
    a role in it."""
    if user.is_superuser:
        return False
    in_region = Q(region=region) | Q(agency__region=region) | Q(unit__agency__region=region)
    if StaffRole.objects.filter(user=user).exclude(in_region).exists():
        return False
    origin = StaffAccount.objects.filter(user=user).first()
    if origin is not None and origin.region_id != region.id:
        return False
    if by is None or by.is_superuser:
        return True
    agencies = agencies_for_user(by)
    created_here = origin is not None and (
        administered_regions(by).filter(pk=origin.region_id).exists()
        or (origin.agency_id is not None and agencies.filter(pk=origin.agency_id).exists()))
    holds_here = StaffRole.objects.filter(user=user).filter(
        Q(region__in=administered_regions(by)) | Q(agency__in=agencies) | Q(unit__agency__in=agencies)).exists()
    return created_here or holds_here


def _manages(by, scope: Region | Agency | ServiceUnit) -> bool:
    """Whether `by` may hand out roles over the scope: a region admin within the region, an agency admin within
    the agency and the agencies below it. None stands for the system itself (demo data)."""
    if by is None:
        return True
    if isinstance(scope, Region):
        return administered_regions(by).filter(pk=scope.pk).exists()
    if isinstance(scope, Agency):
        return agencies_for_user(by).filter(pk=scope.pk).exists()
    return managed_units_for_user(by).filter(pk=scope.pk).exists()


def staff_role_grant(*, by, user, role: str, scope: Region | Agency | ServiceUnit) -> tuple[StaffRole, bool]:
    """Give a user a role over a region, an agency (and the agencies below it) or a unit.

    Returns (role, created); a role the user already holds is left as it is.
    """
    field = {StaffRole.Role.REGION_ADMIN: "region", StaffRole.Role.AGENCY_ADMIN: "agency",
             StaffRole.Role.UNIT_OPERATOR: "unit"}[role]
    expected = {"region": Region, "agency": Agency, "unit": ServiceUnit}[field]
    if not isinstance(scope, expected):
        raise ValidationError(_("Peran ini tidak cocok dengan cakupannya."))
    if not _manages(by, scope):
        raise ValidationError(_("Anda tidak dapat memberi peran di luar cakupan Anda."))
    region = scope if field == "region" else scope.region if field == "agency" else scope.agency.region
    if not role_may_go_to(by=by, user=user, region=region):
        raise ValidationError(str(ROLE_REFUSED))
    with transaction.atomic():
        granted, created = StaffRole.objects.get_or_create(user=user, role=role, **{field: scope})
        if created:
            audit_record(actor=by, action=AuditEvent.Action.ROLE_GRANTED, target=str(granted), region=region,
                         user=user.username, role=role, scope=scope.code)
    return granted, created


def staff_role_revoke(*, by, role: StaffRole):
    """Take a role away. Nobody revokes their own role, so an admin cannot lock the last admin out by mistake."""
    if role.user_id == getattr(by, "pk", None):
        raise ValidationError(_("Anda tidak dapat mencabut peran Anda sendiri; minta admin lain."))
    scope = role.scope
    if not _manages(by, scope):
        raise ValidationError(_("Anda tidak dapat mencabut peran di luar cakupan Anda."))
    region = scope if role.region_id else scope.region if role.agency_id else scope.agency.region
    with transaction.atomic():
        audit_record(actor=by, action=AuditEvent.Action.ROLE_REVOKED, target=str(role), region=region,
                     user=role.user.username, role=role.role, scope=scope.code)
        role.delete()


def staff_password_set(*, by, user, password: str):
    """An admin sets a new password for a staff member who forgot theirs and has no e-mail to reset it by.

    Only for an account whose every role lies within the admin's scope, so an agency admin cannot take over a
    region admin's account; never for a superuser, and not for oneself (that is the ordinary password change).
    """
    if user.pk == getattr(by, "pk", None):
        raise ValidationError(_("Ubah kata sandi Anda sendiri lewat tautan lupa kata sandi."))
    roles = list(StaffRole.objects.filter(user=user).select_related("region", "agency", "unit__agency"))
    if user.is_superuser or not roles or not all(_manages(by, role.scope) for role in roles):
        raise ValidationError(_("Akun ini juga punya peran di luar cakupan Anda; minta admin di atas Anda."))
    first = roles[0]
    scope = first.scope
    region = scope if first.region_id else scope.region if first.agency_id else scope.agency.region
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=by, action=AuditEvent.Action.PASSWORD_SET, target=f"user {user.username}",
                     region=region, user=user.username)
