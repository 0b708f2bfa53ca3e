"""Admins give and take staff roles within their own scope, and every change is in the audit log."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from agencies.models import AuditEvent, StaffRole
from agencies.services import ROLE_REFUSED, staff_role_grant, staff_role_revoke
from tests.dashboard_helpers import by_testid, client_for
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def grant(client, url, **data):
    return client.post(url, {"first_name": "", "last_name": "", "password": "", **data})


def test_it_creates_an_operator_who_then_sees_the_unit(world):
    url = reverse("agencies:agency_staff", args=[world.agency.code])

    response = grant(client_for(world.agency_admin), url, username="petugas-baru", first_name="Sari",
                     password="kata-sandi-panjang-7", grant=f"unit_operator:{world.sub_unit.id}")

    assert response.status_code == 302
    user = get_user_model().objects.get(username="petugas-baru")
    assert user.first_name == "Sari" and user.check_password("kata-sandi-panjang-7")
    assert StaffRole.objects.get(user=user).unit == world.sub_unit
    event = AuditEvent.objects.get(action=AuditEvent.Action.ROLE_GRANTED)
    assert (event.actor, event.region, event.detail["scope"]) == (world.agency_admin, world.region,
                                                                  world.sub_unit.code)
    client = Client()
    sign_in(client, "petugas-baru", "kata-sandi-panjang-7")
    assert client.get(reverse("reports:unit_dashboard", args=[world.sub_unit.code])).status_code == 200
    assert client.get(reverse("reports:unit_dashboard", args=[world.unit.code])).status_code == 404


def test_it_gives_an_existing_account_another_role(world):
    url = reverse("agencies:agency_staff", args=[world.agency.code])

    grant(client_for(world.agency_admin), url, username=world.operator.username,
          grant=f"agency_admin:{world.sub_agency.id}")

    assert set(StaffRole.objects.filter(user=world.operator).values_list("role", flat=True)) == {
        "unit_operator", "agency_admin"}


def test_it_offers_an_agency_admin_only_roles_inside_the_agency(world):
    url = reverse("agencies:agency_staff", args=[world.agency.code])
    client = client_for(world.agency_admin)

    refused = [grant(client, url, username=world.nobody.username, grant=choice)
               for choice in (f"unit_operator:{world.other_unit.id}", f"agency_admin:{world.other_agency.id}",
                              f"region_admin:{world.region.id}")]

    assert all("grant" in response.context["form"].errors for response in refused)
    assert not StaffRole.objects.filter(user=world.nobody).exists()


def test_it_lets_a_region_admin_name_another_region_admin(world):
    url = reverse("agencies:region_staff", args=[world.region.code])

    grant(client_for(world.region_admin), url, username=world.operator.username,
          grant=f"region_admin:{world.region.id}")

    assert StaffRole.objects.get(user=world.operator, role="region_admin").region == world.region


def test_it_asks_a_new_account_for_a_sound_password(world):
    url = reverse("agencies:agency_staff", args=[world.agency.code])
    client = client_for(world.agency_admin)

    missing = grant(client, url, username="baru", grant=f"unit_operator:{world.unit.id}")
    weak = grant(client, url, username="baru", password="123", grant=f"unit_operator:{world.unit.id}")

    assert "kata sandi awal" in missing.context["form"].errors["username"][0]
    assert "password" in weak.context["form"].errors
    assert not get_user_model().objects.filter(username="baru").exists()


def test_it_lists_only_the_roles_inside_the_scope(world):
    page = client_for(world.agency_admin).get(reverse("agencies:agency_staff", args=[world.agency.code]))

    roles = by_testid(page.content.decode(), "roles")
    assert "camat" in roles and "operator" in roles
    assert "kadis" not in roles and "bagor" not in roles


def test_it_revokes_a_role_and_records_it(world):
    role = StaffRole.objects.get(user=world.operator)
    url = reverse("agencies:agency_role_revoke", args=[world.agency.code, role.id])

    response = client_for(world.agency_admin).post(url)

    assert response.status_code == 302
    assert not StaffRole.objects.filter(pk=role.pk).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_REVOKED, actor=world.agency_admin).exists()


def test_it_does_not_revoke_ones_own_role_or_a_role_outside_the_scope(world):
    own = StaffRole.objects.get(user=world.agency_admin)
    outside = StaffRole.objects.get(user=world.other_agency_admin)
    client = client_for(world.agency_admin)

    kept = client.post(reverse("agencies:agency_role_revoke", args=[world.agency.code, own.id]), follow=True)
    hidden = client.post(reverse("agencies:agency_role_revoke", args=[world.agency.code, outside.id]))

    assert "Anda tidak dapat mencabut peran Anda sendiri" in kept.content.decode()
    assert hidden.status_code == 404
    assert StaffRole.objects.filter(pk__in=[own.pk, outside.pk]).count() == 2


def test_it_refuses_a_grant_outside_the_granters_scope_whoever_calls(world):
    with pytest.raises(ValidationError):
        staff_role_grant(by=world.agency_admin, user=world.nobody, role=StaffRole.Role.UNIT_OPERATOR,
                         scope=world.other_unit)
    with pytest.raises(ValidationError):
        staff_role_grant(by=world.agency_admin, user=world.nobody, role=StaffRole.Role.REGION_ADMIN,
                         scope=world.region)
    with pytest.raises(ValidationError):
        staff_role_revoke(by=world.agency_admin, role=StaffRole.objects.get(user=world.other_agency_admin))
    assert not StaffRole.objects.filter(user=world.nobody).exists()


def _refusal(response) -> str:
    assert response.status_code == 200, response.status_code
    errors = response.context["form"].errors
    assert set(errors) == {"username"}, errors
    return " ".join(errors["username"])


def test_an_agency_admin_grants_no_role_to_accounts_outside_the_agency_and_says_the_same_each_time(world):
    root = get_user_model().objects.create_superuser("root", password="kata-sandi-panjang-7")
    url = reverse("agencies:agency_staff", args=[world.agency.code])
    client = client_for(world.agency_admin)
    before = {user.pk: user.password for user in get_user_model().objects.all()}
    unit_choice = f"unit_operator:{world.unit.id}"

    # The superuser, another region's admin, a colleague of another agency, an account nobody placed here, and a
    # username that does not exist: one answer, word for word.
    answers = {username: _refusal(grant(client, url, username=username, grant=unit_choice))
               for username in (root.username, world.stranger.username, world.other_agency_admin.username,
                                world.nobody.username, "tidak-ada-orangnya")}
    assert len(set(answers.values())) == 1, answers
    assert "dibuat di cakupan Anda atau sudah memegang peran di dalamnya" in answers["root"]
    # With a password too: an existing account is neither given the role nor has its password changed.
    for username in (root.username, world.stranger.username, world.nobody.username):
        assert _refusal(grant(client, url, username=username, password="kata-sandi-panjang-7",
                              grant=unit_choice)) == answers["root"]
    assert not StaffRole.objects.filter(unit=world.unit).exclude(user=world.operator).exists()
    assert {user.pk: user.password for user in get_user_model().objects.all()} == before


def test_a_region_admin_grants_no_role_to_the_superuser_or_another_regions_staff(world):
    root = get_user_model().objects.create_superuser("root", password="kata-sandi-panjang-7")
    url = reverse("agencies:region_staff", args=[world.region.code])
    client = client_for(world.region_admin)

    refused = [_refusal(grant(client, url, username=user.username, grant=f"region_admin:{world.region.id}"))
               for user in (root, world.stranger)]

    assert refused[0] == refused[1] == str(ROLE_REFUSED)
    assert not StaffRole.objects.filter(user=root).exists()
    assert not StaffRole.objects.filter(user=world.stranger, region=world.region).exists()
    with pytest.raises(ValidationError):
        staff_role_grant(by=world.region_admin, user=root, role=StaffRole.Role.REGION_ADMIN, scope=world.region)


def test_an_account_created_in_the_scope_may_get_a_role_again_after_losing_it(world):
    url = reverse("agencies:agency_staff", args=[world.agency.code])
    client = client_for(world.agency_admin)
    grant(client, url, username="petugas-baru", password="kata-sandi-panjang-7",
          grant=f"unit_operator:{world.unit.id}")
    user = get_user_model().objects.get(username="petugas-baru")
    assert user.staff_account.agency == world.agency and user.staff_account.created_by == world.agency_admin
    staff_role_revoke(by=world.agency_admin, role=StaffRole.objects.get(user=user))

    again = grant(client, url, username="petugas-baru", grant=f"unit_operator:{world.sub_unit.id}")

    assert again.status_code == 302
    assert StaffRole.objects.get(user=user).unit == world.sub_unit
    # The region admin may place it too (created inside the region); another agency's admin may not.
    grant(client_for(world.region_admin), reverse("agencies:region_staff", args=[world.region.code]),
          username="petugas-baru", grant=f"unit_operator:{world.other_unit.id}")
    assert StaffRole.objects.filter(user=user, unit=world.other_unit).exists()
    with pytest.raises(ValidationError):
        staff_role_grant(by=world.other_agency_admin, user=get_user_model().objects.get(username="tamu"),
                         role=StaffRole.Role.UNIT_OPERATOR, scope=world.other_unit)


def test_the_django_admin_refuses_a_role_for_a_superuser_with_a_message(world, admin_client, admin_user):
    response = admin_client.post(reverse("admin:agencies_staffrole_add"), {
        "user": admin_user.pk, "role": StaffRole.Role.REGION_ADMIN, "region": world.region.pk})

    assert response.status_code == 200
    assert "dibuat di cakupan Anda" in response.content.decode()
    assert not StaffRole.objects.filter(user=admin_user).exists()
