"""Agency and region admins set up units, their services and their population of service users, within
their own scope only; the population feeds the dashboard's required sample."""

import pytest
from django.urls import reverse

from agencies.models import AuditEvent, Population, Service, ServiceUnit
from surveys.models import Questionnaire
from tests.dashboard_helpers import by_testid, client_for, text

pytestmark = pytest.mark.django_db


def unit_data(agency, **changes):
    data = {"agency": agency.id, "code": "loket-baru", "name": "Loket Baru", "address": "", "respondent_type": "public",
            "questionnaire": Questionnaire.objects.get(is_default=True).id, "head_name": "", "head_title": "",
            "head_nip": "", "is_active": "on"}
    return {**data, **changes}


def test_it_lets_an_agency_admin_add_a_unit_to_a_sub_agency(world):
    url = reverse("agencies:agency_unit_create", args=[world.agency.code])

    response = client_for(world.agency_admin).post(url, unit_data(world.sub_agency))

    assert response.status_code == 302
    assert ServiceUnit.objects.get(code="loket-baru").agency == world.sub_agency


def test_it_refuses_a_unit_for_an_agency_outside_the_scope(world):
    url = reverse("agencies:agency_unit_create", args=[world.agency.code])

    response = client_for(world.agency_admin).post(url, unit_data(world.other_agency))

    assert response.status_code == 200
    assert "agency" in response.context["form"].errors
    assert not ServiceUnit.objects.filter(code="loket-baru").exists()


def test_it_explains_a_code_already_taken(world):
    url = reverse("agencies:region_unit_create", args=[world.region.code])

    response = client_for(world.region_admin).post(url, unit_data(world.other_agency, code=world.far_unit.code))

    assert response.status_code == 200
    assert "code" in response.context["form"].errors


def test_it_keeps_the_code_of_an_existing_unit_and_records_a_questionnaire_change(world):
    old = Questionnaire.objects.get(code="kepmenpan-25-2004")
    url = reverse("agencies:unit_edit", args=[world.unit.code])

    response = client_for(world.agency_admin).post(url, unit_data(world.agency, code="dicoba-diganti",
                                                                   name="Loket Kecamatan Baru",
                                                                   questionnaire=old.id))

    assert response.status_code == 302
    world.unit.refresh_from_db()
    assert (world.unit.code, world.unit.name, world.unit.questionnaire) == ("loket-kecamatan", "Loket Kecamatan Baru",
                                                                            old)
    event = AuditEvent.objects.get(action=AuditEvent.Action.QUESTIONNAIRE_CHANGED)
    assert (event.actor, event.region) == (world.agency_admin, world.region)


def test_it_adds_renames_and_retires_services(world):
    client = client_for(world.agency_admin)
    services_url = reverse("agencies:unit_services", args=[world.unit.code])

    client.post(services_url, {"name": "Legalisir", "is_active": "on"})
    duplicate = client.post(services_url, {"name": "legalisir", "is_active": "on"})
    legalisir = Service.objects.get(unit=world.unit, name="Legalisir")
    client.post(reverse("agencies:service_edit", args=[world.unit.code, legalisir.id]), {"name": "Legalisasi"})

    assert "name" in duplicate.context["form"].errors
    legalisir.refresh_from_db()
    assert (legalisir.name, legalisir.is_active) == ("Legalisasi", False)
    assert Service.objects.filter(unit=world.unit).count() == 2


def test_it_sets_and_replaces_the_population_of_a_period(world):
    client = client_for(world.agency_admin)
    url = reverse("agencies:unit_population", args=[world.unit.code])

    client.post(url, {"year": 2026, "quarter": 2, "service_users": 150})
    client.post(url, {"year": 2026, "quarter": 2, "service_users": 200})
    client.post(url, {"year": 2026, "quarter": "", "service_users": 900})
    refused = client.post(url, {"year": 1999, "quarter": 1, "service_users": 10})

    assert dict(Population.objects.filter(unit=world.unit).values_list("quarter", "service_users")) == {
        2: 200, None: 900}
    assert "year" in refused.context["form"].errors
    assert "TW II 2026 200 132" in by_testid(client.get(url).content.decode(), "populations")
    dashboard = client.get(reverse("reports:unit_dashboard", args=[world.unit.code]), {"period": "2026-Q2"})
    assert "dari minimal 132 responden (Krejcie-Morgan, 200 pengguna layanan)" in text(dashboard.content.decode())


def test_it_keeps_a_unit_operator_out_of_management(world):
    client = client_for(world.operator)

    response = client.post(reverse("agencies:unit_population", args=[world.unit.code]),
                           {"year": 2026, "quarter": 2, "service_users": 150})

    assert response.status_code == 404
    assert not Population.objects.exists()


def test_it_lists_the_units_in_an_agency_admins_care(world):
    page = client_for(world.agency_admin).get(reverse("agencies:agency_manage", args=[world.agency.code]))

    units = by_testid(page.content.decode(), "units")
    assert "Loket Kecamatan" in units and "Loket Kelurahan" in units and "Loket Dinas" not in units
