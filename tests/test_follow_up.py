"""Follow-up plans (RTL): made for a quarter's weakest elements, updated as work goes on, and shown on the
next period's dashboard beside the element's score before and after."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.models import FollowUpPlan
from reports.periods import Period
from reports.services import follow_up_plan_create
from surveys.models import Questionnaire
from tests.dashboard_helpers import by_testid, client_for, text
from tests.factories import local, submit

pytestmark = pytest.mark.django_db

WEAK_U3 = [4, 4, 2, 4, 4, 4, 4, 4, 4]


def plans_url(world, *, period):
    return f"{reverse('reports:follow_up', args=[world.unit.code])}?period={period}"


def element(world, code):
    return world.unit.questionnaire.elements.get(code=code)


def test_it_offers_the_weakest_element_first(world):
    submit(world.unit, world.service, WEAK_U3, answered_at=local(2026, 5, 4))

    page = client_for(world.operator).get(plans_url(world, period="2026-Q2")).content.decode()

    assert f'<option value="{element(world, "U3").id}" selected>' in page
    assert "U3 Waktu Penyelesaian" in text(page)


def test_it_creates_a_plan_for_the_quarter(world):
    client = client_for(world.operator)

    response = client.post(plans_url(world, period="2026-Q2"), {
        "element": element(world, "U3").id, "action": "Menambah petugas loket pada jam sibuk",
        "responsible": "Kepala Seksi Pelayanan", "due_date": "2026-09-30", "status_date": "2026-07-02"})

    assert response.status_code == 302
    plan = FollowUpPlan.objects.get()
    assert (plan.unit, plan.element.code, plan.year, plan.quarter) == (world.unit, "U3", 2026, 2)
    assert (plan.due_date, plan.status, plan.created_by) == (date(2026, 9, 30), "planned", world.operator)
    assert plan.planned_on == date(2026, 7, 2)
    listed = by_testid(client.get(response["Location"]).content.decode(), "plans")
    assert "Menambah petugas loket pada jam sibuk" in listed and "30 Sep 2026" in listed


def test_it_refuses_a_due_date_before_the_survey_quarter(world):
    client = client_for(world.operator)

    response = client.post(plans_url(world, period="2026-Q2"), {
        "element": element(world, "U3").id, "action": "Sesuatu", "responsible": "Seseorang",
        "due_date": "2026-03-31", "status_date": "2026-07-02"})

    assert response.status_code == 200
    assert not FollowUpPlan.objects.exists()
    assert response.context["form"].errors["due_date"] == ["Target selesai tidak boleh sebelum triwulan survei."]


def test_it_refuses_an_element_of_another_questionnaire(world):
    other = Questionnaire.objects.get(code="kepmenpan-25-2004").elements.first()

    with pytest.raises(ValidationError):
        follow_up_plan_create(unit=world.unit, element=other, quarter=Period.quarter(2026, 2), action="x",
                              responsible="y", due_date=date(2026, 9, 30), by=world.operator)
    assert not FollowUpPlan.objects.exists()


def test_it_updates_the_status_and_due_date(world):
    plan = follow_up_plan_create(unit=world.unit, element=element(world, "U3"), quarter=Period.quarter(2026, 2),
                                 action="Menambah petugas", responsible="Kasi", due_date=date(2026, 9, 30),
                                 planned_on=date(2026, 7, 1), by=world.operator)
    url = reverse("reports:follow_up_edit", args=[world.unit.code, plan.id])

    response = client_for(world.agency_admin).post(url, {
        "action": "Menambah dua petugas", "responsible": "Kasi Pelayanan", "due_date": "2026-12-31",
        "status": "in_progress", "status_date": "2026-07-10", "element": element(world, "U1").id})

    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.action, plan.responsible, plan.due_date, plan.status) == (
        "Menambah dua petugas", "Kasi Pelayanan", date(2026, 12, 31), "in_progress")
    assert plan.element.code == "U3"  # a plan stays with its element


def test_it_keeps_other_agencies_away_from_a_plan(world):
    plan = follow_up_plan_create(unit=world.unit, element=element(world, "U3"), quarter=Period.quarter(2026, 2),
                                 action="Menambah petugas", responsible="Kasi", due_date=date(2026, 9, 30),
                                 planned_on=date(2026, 7, 1), by=world.operator)
    url = reverse("reports:follow_up_edit", args=[world.unit.code, plan.id])

    response = client_for(world.other_agency_admin).post(url, {"action": "Dirusak", "responsible": "x",
                                                               "due_date": "2026-12-31", "status": "planned",
                                                               "status_date": "2026-07-10"})

    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.action == "Menambah petugas"


def test_it_shows_the_plan_on_the_next_quarters_dashboard_with_the_score_before_and_after(world):
    submit(world.unit, world.service, WEAK_U3, answered_at=local(2026, 5, 4))
    submit(world.unit, world.service, [4, 4, 3, 4, 4, 4, 4, 4, 4], answered_at=local(2026, 8, 4))
    plan = follow_up_plan_create(unit=world.unit, element=element(world, "U3"), quarter=Period.quarter(2026, 2),
                                 action="Menambah petugas loket", responsible="Kasi", due_date=date(2026, 9, 30),
                                 planned_on=date(2026, 7, 1), by=world.operator)
    client = client_for(world.operator)
    client.post(reverse("reports:follow_up_edit", args=[world.unit.code, plan.id]), {
        "action": plan.action, "responsible": plan.responsible, "due_date": "2026-09-30", "status": "done",
        "status_date": "2026-08-20", "evidence_note": "Dua petugas ditambah", "evidence_link": "https://example.org/x"})

    page = client.get(reverse("reports:unit_dashboard", args=[world.unit.code]), {"period": "2026-Q3"})
    review = by_testid(page.content.decode(), "reviews")

    assert "U3 Waktu Penyelesaian Menambah petugas loket Kasi 30 Sep 2026 Selesai 50,00 75,00 (+25,00)" in review
    same_quarter = client.get(reverse("reports:unit_dashboard", args=[world.unit.code]), {"period": "2026-Q2"})
    assert 'data-testid="reviews"' not in same_quarter.content.decode()


def test_it_plans_per_quarter_even_when_another_period_is_asked(world):
    page = client_for(world.operator).get(plans_url(world, period="2026-M05")).content.decode()

    assert "Rencana tindak lanjut dibuat per triwulan; ditampilkan Triwulan II 2026." in text(page)
