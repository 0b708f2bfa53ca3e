"""Follow-up plans with dates and evidence, and the follow-up indicators (docs/follow-up.md) on hand-computed
fixtures: late and never-completed plans, a quarter with no element below B, and the same figures on every
dashboard."""

from datetime import date, datetime, timezone as dt_timezone
from decimal import Decimal
from fractions import Fraction
from importlib import import_module
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from agencies.models import Service
from reports.followup import ElementResult, is_overdue, percentile, weak_codes
from reports.models import FollowUpPlan, FollowUpStatusChange
from reports.periods import Period
from reports.selectors import follow_up_indicators, follow_up_indicators_grouped
from reports.services import follow_up_plan_create, follow_up_plan_update
from tests.dashboard_helpers import by_testid, client_for
from tests.factories import local, submit

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 16)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x01" * 200
Q2, Q3 = Period.quarter(2026, 2), Period.quarter(2026, 3)


@pytest.fixture
def today(frozen):
    frozen(datetime(2026, 11, 16, 3, tzinfo=dt_timezone.utc))  # 10.00 WIB
    return TODAY


def service_of(unit):
    return Service.objects.filter(unit=unit).first()


def plan(unit, code, quarter, *, due, planned, by=None):
    return follow_up_plan_create(unit=unit, element=unit.questionnaire.elements.get(code=code), quarter=quarter,
                                 action=f"Perbaikan {code}", responsible="Kepala unit", due_date=due,
                                 planned_on=planned, by=by)


def move(found, status, day, **evidence):
    return follow_up_plan_update(plan=found, action=found.action, responsible=found.responsible,
                                 due_date=found.due_date, status=status, status_date=day, **evidence)


def complete(found, day):
    return move(found, "done", day, evidence_note="Sudah dikerjakan", evidence_link="https://example.org/bukti")


@pytest.fixture
def year(world, today):
    """2026 of the world's region, as docs/follow-up.md counts it:

    - unit (Kecamatan Uji): Q2 U3 = 50 (D) and U9 = 75 (C) are weak, U1 = 100 is third lowest but A; both weak
      elements have plans: U3 completed late (due 31 Aug, done 14 Sep: 76 days after 30 Jun), U9 never completed
      and overdue. Q3 has nothing below B (U1 = 87.5). Covered.
    - sub_unit (Kelurahan Uji, under Kecamatan Uji): Q2 U1, U2, U3 = 50; plans for U1 (done 10 Jul: 10 days) and
      U2 (done 9 Aug: 40 days), none for U3. Not covered.
    - other_unit (Dinas Lain): Q3 all 87.5 (B): nothing to follow up, covered; a plan of its own completed
      before its quarter ended (0 days).
    """
    unit, sub, other = world.unit, world.sub_unit, world.other_unit
    submit(unit, world.service, [4, 4, 2, 4, 4, 4, 4, 4, 3], answered_at=local(2026, 5, 4))
    submit(unit, world.service, [4] * 9, answered_at=local(2026, 8, 4))
    submit(unit, world.service, [3] + [4] * 8, answered_at=local(2026, 8, 5))
    submit(sub, service_of(sub), [2, 2, 2, 4, 4, 4, 4, 4, 4], answered_at=local(2026, 6, 1))
    submit(other, service_of(other), [4] * 9, answered_at=local(2026, 7, 7))
    submit(other, service_of(other), [3] * 9, answered_at=local(2026, 7, 8))
    late = plan(unit, "U3", Q2, due=date(2026, 8, 31), planned=date(2026, 7, 5))
    move(late, "in_progress", date(2026, 7, 20))
    complete(late, date(2026, 9, 14))
    plan(unit, "U9", Q2, due=date(2026, 9, 30), planned=date(2026, 7, 5))
    complete(plan(sub, "U1", Q2, due=date(2026, 9, 30), planned=date(2026, 7, 1)), date(2026, 7, 10))
    complete(plan(sub, "U2", Q2, due=date(2026, 9, 30), planned=date(2026, 7, 1)), date(2026, 8, 9))
    complete(plan(other, "U1", Q3, due=date(2026, 12, 31), planned=date(2026, 9, 1)), date(2026, 9, 20))
    # Another year's plan never counts in 2026.
    plan(unit, "U3", Period.quarter(2025, 4), due=date(2026, 3, 31), planned=date(2026, 1, 5))
    return world


# The rules as plain functions ---------------------------------------------------------------------------------

def test_weak_elements_are_the_three_lowest_graded_below_b():
    elements = [ElementResult("U1", Decimal("87.50"), "B"), ElementResult("U2", Decimal("75.00"), "C"),
                ElementResult("U3", Decimal("50.00"), "D"), ElementResult("U4", Decimal("60.00"), "D"),
                ElementResult("U5", Decimal("75.00"), "C")]

    assert weak_codes(elements) == {"U3", "U4", "U2"}  # U5 ties U2 and comes later in the questionnaire
    assert weak_codes([ElementResult("U1", Decimal("87.50"), "B"), ElementResult("U2", Decimal("100"), "A")]) \
        == frozenset()


def test_the_percentiles_interpolate_between_ranks():
    assert percentile([76, 10, 40, 0], Fraction(1, 2)) == Decimal("25.0")
    assert percentile([76, 10, 40, 0], Fraction(9, 10)) == Decimal("65.2")
    assert percentile([7], Fraction(9, 10)) == Decimal("7.0")
    assert percentile([], Fraction(1, 2)) is None


def test_a_plan_is_overdue_only_after_its_due_day_and_while_not_completed():
    due = date(2026, 9, 30)
    assert not is_overdue(status="planned", due_date=due, today=due)
    assert is_overdue(status="in_progress", due_date=due, today=date(2026, 10, 1))
    assert not is_overdue(status="done", due_date=due, today=date(2026, 10, 1))


# The indicators -------------------------------------------------------------------------------------------------

def test_the_region_agency_and_unit_indicators_match_the_hand_computed_figures(year):
    world = year
    region_units = [world.unit.id, world.sub_unit.id, world.other_unit.id]
    found = follow_up_indicators_grouped(groups={
        "region": region_units, "agency": [world.unit.id, world.sub_unit.id], "unit": [world.unit.id],
        "sub": [world.sub_unit.id], "other": [world.other_unit.id]}, year=2026)

    region = found["region"]
    assert (region.surveyed_units, region.covered_units, region.units_without_weak) == (3, 2, 1)
    assert region.weak_covered_percent == Decimal("66.7")
    assert (region.plans, region.plans_completed, region.completed_late, region.overdue) == (5, 4, 1, 1)
    assert region.completed_percent == Decimal("80.0")
    assert (region.median_days, region.p90_days) == (Decimal("25.0"), Decimal("65.2"))  # days 0, 10, 40, 76

    agency = found["agency"]
    assert (agency.weak_covered_percent, agency.completed_percent) == (Decimal("50.0"), Decimal("75.0"))
    assert (agency.median_days, agency.p90_days, agency.overdue) == (Decimal("40.0"), Decimal("68.8"), 1)

    unit = found["unit"]
    assert (unit.weak_covered_percent, unit.plans, unit.plans_completed) == (Decimal("100.0"), 2, 1)
    assert (unit.median_days, unit.p90_days, unit.completed_late) == (Decimal("76.0"), Decimal("76.0"), 1)

    sub = found["sub"]
    assert (sub.weak_covered_percent, sub.completed_percent) == (Decimal("0.0"), Decimal("100.0"))
    assert (sub.median_days, sub.p90_days) == (Decimal("25.0"), Decimal("37.0"))

    other = found["other"]  # nothing below B: covered, and said so
    assert (other.surveyed_units, other.covered_units, other.units_without_weak) == (1, 1, 1)
    assert (other.median_days, other.overdue) == (Decimal("0.0"), 0)

    assert follow_up_indicators(unit_ids=region_units, year=2026) == region


def test_a_year_without_surveys_or_plans_has_no_percentages(world, today):
    found = follow_up_indicators(unit_ids=[world.unit.id], year=2024)

    assert (found.surveyed_units, found.plans, found.weak_covered_percent, found.completed_percent) == (0, 0, None,
                                                                                                        None)
    assert (found.median_days, found.p90_days) == (None, None)


def test_a_reopened_plan_counts_as_not_completed(year):
    world = year
    done = FollowUpPlan.objects.get(unit=world.sub_unit, element__code="U2")
    move(done, "in_progress", date(2026, 8, 20), status_note="Keluhan berulang")

    sub = follow_up_indicators(unit_ids=[world.sub_unit.id], year=2026)

    assert (sub.plans_completed, sub.median_days) == (1, Decimal("10.0"))


def test_the_indicators_cost_the_same_queries_for_one_unit_or_three(year, django_assert_max_num_queries):
    world = year
    with django_assert_max_num_queries(6):
        follow_up_indicators(unit_ids=[world.unit.id], year=2026, today=TODAY)
    with django_assert_max_num_queries(6):
        follow_up_indicators(unit_ids=[world.unit.id, world.sub_unit.id, world.other_unit.id], year=2026,
                             today=TODAY)


def test_the_dashboards_and_the_follow_up_page_show_the_same_figures(year):
    world = year
    client = client_for(world.region_admin)
    pages = {
        "region": reverse("reports:region_details", args=[world.region.code]),  # the first screen's second request
        "agency": reverse("reports:agency_dashboard", args=[world.agency.code]),
        "unit": reverse("reports:unit_dashboard", args=[world.unit.code]),
        "plans": reverse("reports:follow_up", args=[world.unit.code]),
    }
    shown = {}
    for name, url in pages.items():
        page = client.get(url, {"period": "2026-Q3"})
        assert page.status_code == 200
        shown[name] = page.content.decode()

    assert by_testid(shown["region"], "weak-covered") == "66,7% (2 dari 3 unit; 1 tanpa unsur di bawah B)"
    assert by_testid(shown["region"], "completed") == "80,0% (4 dari 5 RTL; 1 melewati target)"
    assert by_testid(shown["region"], "days") == "median 25,0, persentil ke-90 65,2"
    assert by_testid(shown["region"], "overdue") == "1"
    assert by_testid(shown["agency"], "weak-covered") == "50,0% (1 dari 2 unit)"
    assert by_testid(shown["agency"], "days") == "median 40,0, persentil ke-90 68,8"
    for name in ("unit", "plans"):
        assert by_testid(shown[name], "weak-covered") == "100,0% (1 dari 1 unit)"
        assert by_testid(shown[name], "completed") == "50,0% (1 dari 2 RTL; 1 melewati target)"
        assert by_testid(shown[name], "days") == "median 76,0, persentil ke-90 76,0"


def test_the_follow_up_page_marks_the_weak_elements_still_without_a_plan(year):
    world = year
    client = client_for(world.region_admin)

    sub = client.get(reverse("reports:follow_up", args=[world.sub_unit.code]), {"period": "2026-Q2"})
    unit_q3 = client.get(reverse("reports:follow_up", args=[world.unit.code]), {"period": "2026-Q3"})

    assert [row.split()[0] for row in by_testid(sub.content.decode(), "weakest", all=True)] == ["U1", "U2", "U3"]
    assert by_testid(sub.content.decode(), "needs-plan", all=True) == ["perlu RTL"]  # U3
    assert 'data-testid="needs-plan"' not in unit_q3.content.decode()  # U1 = 87.5 (B) needs none


# Dates and history -------------------------------------------------------------------------------------------------

def edit_url(world, found):
    return reverse("reports:follow_up_edit", args=[world.unit.code, found.id])


def form_of(found, **changes):
    return {"action": found.action, "responsible": found.responsible, "due_date": found.due_date.isoformat(),
            "status": found.status, "status_date": TODAY.isoformat(), "status_note": "", "evidence_note": "",
            "evidence_link": "", **changes}


def test_every_status_change_is_kept_with_its_day(world, today):
    found = plan(world.unit, "U3", Q2, due=date(2026, 9, 30), planned=date(2026, 7, 1), by=world.operator)
    client = client_for(world.operator)

    for status, day in (("in_progress", "2026-07-15"), ("done", "2026-08-30"), ("in_progress", "2026-09-02"),
                        ("done", "2026-09-10")):
        response = client.post(edit_url(world, found), form_of(
            found, status=status, status_date=day, evidence_note="Petugas ditambah",
            evidence_link="https://example.org/berita"))
        assert response.status_code == 302, response.context["form"].errors
        found = FollowUpPlan.objects.get(pk=found.pk)

    history = list(FollowUpStatusChange.objects.filter(plan=found).values_list("status", "date"))
    assert history == [("planned", date(2026, 7, 1)), ("in_progress", date(2026, 7, 15)),
                       ("done", date(2026, 8, 30)), ("in_progress", date(2026, 9, 2)), ("done", date(2026, 9, 10))]
    assert (found.planned_on, found.started_on, found.completed_on) == (
        date(2026, 7, 1), date(2026, 7, 15), date(2026, 9, 10))
    page = client.get(edit_url(world, found)).content.decode()
    assert by_testid(page, "history").count("Selesai") == 2


def test_a_save_without_a_status_change_adds_no_history(world, today):
    found = plan(world.unit, "U3", Q2, due=date(2026, 9, 30), planned=date(2026, 7, 1))

    response = client_for(world.operator).post(edit_url(world, found), form_of(found, action="Dua petugas"))

    assert response.status_code == 302
    assert FollowUpStatusChange.objects.filter(plan=found).count() == 1


@pytest.mark.parametrize(("day", "message"), [
    ("2026-06-30", "Tanggal tidak boleh sebelum perubahan status sebelumnya (Direncanakan, 1 Juli 2026)."),
    ("2026-11-17", "Tanggal tidak boleh setelah hari ini."),
])
def test_a_status_day_before_the_last_change_or_after_today_is_refused(world, today, day, message):
    found = plan(world.unit, "U3", Q2, due=date(2026, 9, 30), planned=date(2026, 7, 1))

    response = client_for(world.operator).post(edit_url(world, found), form_of(
        found, status="in_progress", status_date=day))

    assert response.status_code == 200
    assert response.context["form"].errors["status_date"] == [message]
    assert FollowUpPlan.objects.get(pk=found.pk).status == "planned"
    assert FollowUpStatusChange.objects.filter(plan=found).count() == 1


def test_existing_plans_get_their_dates_from_the_migration(world, today, monkeypatch):
    """The data migration's rule, run on a plan made before it: due at the end of its due quarter, "planned" on
    the region's day it was made, and its current status on the day it was last changed."""
    migration = import_module("reports.migrations.0006_follow_up_dates_and_evidence")
    found = plan(world.unit, "U3", Q2, due=date(2026, 9, 30), planned=date(2026, 7, 1))
    FollowUpStatusChange.objects.all().delete()
    FollowUpPlan.objects.filter(pk=found.pk).update(
        status="done", created_at=datetime(2026, 7, 1, 18, tzinfo=dt_timezone.utc),  # 2 July in WIB
        updated_at=datetime(2026, 8, 3, 2, tzinfo=dt_timezone.utc))
    monkeypatch.setattr(FollowUpPlan, "due_year", 2026, raising=False)  # the columns the migration reads
    monkeypatch.setattr(FollowUpPlan, "due_quarter", 4, raising=False)

    migration.dates_from_existing_plans(apps, SimpleNamespace(connection=connection, execute=lambda sql: None))

    found = FollowUpPlan.objects.get(pk=found.pk)
    assert found.due_date == date(2026, 12, 31)
    assert list(found.status_changes.values_list("status", "date")) == [
        ("planned", date(2026, 7, 2)), ("done", date(2026, 8, 3))]


# Evidence ------------------------------------------------------------------------------------------------------

def test_completing_without_evidence_is_refused_field_by_field(world, today):
    found = plan(world.unit, "U3", Q2, due=date(2026, 9, 30), planned=date(2026, 7, 1))

    response = client_for(world.operator).post(edit_url(world, found), form_of(found, status="done"))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["evidence_note"] == ["Isi keterangan bukti penyelesaian."]
    missing = ["Lampirkan berkas atau foto, atau isi tautan bukti penyelesaian."]
    assert errors["evidence_upload"] == missing and errors["evidence_link"] == missing
    assert "Lampirkan berkas atau foto" in response.content.decode()
    assert FollowUpPlan.objects.get(pk=found.pk).status == "planned"
    assert FollowUpStatusChange.objects.filter(plan=found).count() == 1


def test_the_service_refuses_completion_without_evidence_too(world, today):
    found = plan(world.unit, "U3", Q2, due=date(2026, 9, 30), planned=date(2026, 7, 1))

    with pytest.raises(ValidationError) as refused:
        move(found, "done", date(2026, 8, 1), evidence_note="Sudah")

    assert set(refused.value.message_dict) == {"evidence_upload", "evidence_link"}
    assert FollowUpPlan.objects.get(pk=found.pk).status == "planned"


def test_a_link_that_is_not_a_web_address_is_refused(world, today):
    found = plan(world.unit, "U3", Q2, due=date(2026, 9, 30), planned=date(2026, 7, 1))

    response = client_for(world.operator).post(edit_url(world, found), form_of(
        found, status="done", evidence_note="Sudah", evidence_link="javascript:alert(1)"))

    assert response.status_code == 200
    assert "evidence_link" in response.context["form"].errors
    assert FollowUpPlan.objects.get(pk=found.pk).evidence_link == ""


def stored(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_an_evidence_file_that_is_not_a_pdf_or_photo_is_refused_and_nothing_is_stored(world, today, settings):
    found = plan(world.unit, "U3", Q2, due=date(2026, 9, 30), planned=date(2026, 7, 1))

    response = client_for(world.operator).post(edit_url(world, found), {
        **form_of(found, status="done", evidence_note="Sudah"),
        "evidence_upload": SimpleUploadedFile("laporan.pdf", b"MZ\x90\x00 not a pdf")})

    assert response.status_code == 200
    errors = response.context["form"].errors["evidence_upload"]
    assert errors[0].startswith("Isi berkas “laporan.pdf” bukan PDF, JPEG, PNG, WebP")
    assert FollowUpPlan.objects.get(pk=found.pk).status == "planned"
    assert stored(settings) == []


def test_an_evidence_file_larger_than_the_limit_is_refused(world, today, settings):
    settings.MONEV_EVIDENCE_MAX_BYTES = 100
    found = plan(world.unit, "U3", Q2, due=date(2026, 9, 30), planned=date(2026, 7, 1))

    response = client_for(world.operator).post(edit_url(world, found), {
        **form_of(found, evidence_note="Foto"), "evidence_upload": SimpleUploadedFile("foto.png", PNG)})

    assert response.status_code == 200
    assert "paling besar" in response.context["form"].errors["evidence_upload"][0]
    assert stored(settings) == []


def test_a_photo_completes_the_plan_and_is_served_only_within_scope(world, today, settings):
    found = plan(world.unit, "U3", Q2, due=date(2026, 9, 30), planned=date(2026, 7, 1))
    client = client_for(world.operator)

    response = client.post(edit_url(world, found), {
        **form_of(found, status="done", status_date="2026-09-02", evidence_note="Loket tambahan dibuka"),
        "evidence_upload": SimpleUploadedFile("loket.png", PNG)})

    assert response.status_code == 302
    found = FollowUpPlan.objects.get(pk=found.pk)
    assert (found.status, found.completed_on, found.evidence_name, found.evidence_type) == (
        "done", date(2026, 9, 2), "loket.png", "image/png")
    assert len(stored(settings)) == 1
    url = reverse("reports:follow_up_evidence", args=[world.unit.code, found.id])
    served = client.get(url)
    assert served.status_code == 200 and b"".join(served.streaming_content) == PNG
    for outsider in (world.other_agency_admin, world.stranger):
        assert client_for(outsider).get(url).status_code == 404
    plans = client.get(f"{reverse('reports:follow_up', args=[world.unit.code])}?period=2026-Q2").content.decode()
    assert url in plans and "selesai 2 Sep 2026" in by_testid(plans, "plans")


# Overdue and scoping -------------------------------------------------------------------------------------------

def test_overdue_plans_are_marked_on_the_follow_up_page_and_the_dashboard(world, today):
    plan(world.unit, "U3", Q3, due=date(2026, 11, 15), planned=date(2026, 10, 1))  # due yesterday
    plan(world.unit, "U4", Q3, due=TODAY, planned=date(2026, 10, 1))  # due today: not yet overdue
    complete(plan(world.unit, "U5", Q3, due=date(2026, 10, 31), planned=date(2026, 10, 1)), date(2026, 11, 2))
    client = client_for(world.operator)

    plans = client.get(reverse("reports:follow_up", args=[world.unit.code]), {"period": "2026-Q3"})
    dashboard = client.get(reverse("reports:unit_dashboard", args=[world.unit.code]), {"period": "2026-Q4"})

    marked = by_testid(plans.content.decode(), "overdue-plan", all=True)
    assert marked == ["Terlambat"]
    assert "U3" in by_testid(plans.content.decode(), "plans").split("Terlambat")[0].rsplit("U4", 1)[0]
    assert by_testid(dashboard.content.decode(), "overdue-plan", all=True) == ["Terlambat"]
    assert by_testid(dashboard.content.decode(), "overdue") == "1"


def test_other_agencies_and_regions_get_404_for_plans(world, today):
    found = plan(world.unit, "U3", Q2, due=date(2026, 9, 30), planned=date(2026, 7, 1))
    urls = [reverse("reports:follow_up", args=[world.unit.code]), edit_url(world, found),
            reverse("reports:follow_up_evidence", args=[world.unit.code, found.id])]

    for outsider in (world.other_agency_admin, world.stranger):
        client = client_for(outsider)
        for url in urls:
            assert client.get(url).status_code == 404
        assert client.post(edit_url(world, found), form_of(found, status="in_progress")).status_code == 404
    # A plan id under another unit's code does not exist there.
    other_url = reverse("reports:follow_up_edit", args=[world.other_unit.code, found.id])
    assert client_for(world.region_admin).get(other_url).status_code == 404
    assert FollowUpStatusChange.objects.filter(plan=found).count() == 1
