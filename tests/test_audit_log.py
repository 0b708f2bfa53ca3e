import pytest
from django.test import Client
from django.urls import reverse

from surveys.models import Response
from surveys.services import response_exclude
from tests.factories import sign_in, submit

pytestmark = pytest.mark.django_db


def audit_page(user, region_code="kota-uji", **params):
    return sign_in(Client(), user.username).get(reverse("agencies:region_audit", args=[region_code]), params)


def test_region_admins_read_who_excluded_what_and_when(world):
    response = Response.objects.get(pk=submit(world.unit, world.service, [1] * 9))
    response_exclude(response, by=world.agency_admin)
    page = audit_page(world.region_admin)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Respons dikecualikan dari nilai" in text and "camat" in text and f"response {response.pk}" in text


def test_nobody_else_reads_the_audit_log(world):
    for user in (world.agency_admin, world.operator, world.stranger, world.nobody):
        assert audit_page(user).status_code == 404
    assert Client().get(reverse("agencies:region_audit", args=["kota-uji"])).status_code == 302


def test_it_filters_by_action_and_shows_other_regions_nothing(world):
    far = Response.objects.get(pk=submit(world.far_unit, world.far_unit.services.first(), [2] * 9))
    response_exclude(far, by=world.stranger)
    assert f"response {far.pk}" not in audit_page(world.region_admin).content.decode()
    assert f"response {far.pk}" in audit_page(world.stranger, "kota-lain", action="response_excluded").content.decode()
    assert f"response {far.pk}" not in audit_page(world.stranger, "kota-lain", action="results_published").content.decode()
