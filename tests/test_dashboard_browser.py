"""An agency admin signs in, opens a unit's dashboard from the agency's, switches the period and back, and
takes a screenshot of the page; with SKM_SCREENSHOTS=1 it is written to docs/screenshots/dashboard-unit.png."""

import os
import random
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from agencies.models import Population
from reports.models import FollowUpPlan
from reports.periods import Period
from reports.selectors import scores_by_unit
from tests.dashboard_helpers import PASSWORD
from tests.factories import make_service, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "dashboard-unit.png"
SUGGESTIONS = ["Antrean pagi terlalu panjang, mohon tambah loket.", "Petugas ramah dan cepat, terima kasih.",
               "Ruang tunggu panas, kipas angin tidak menyala.", "Informasi persyaratan di papan kurang jelas.",
               "Mohon layanan dibuka juga hari Sabtu.", "Nomor antrean di layar sering tidak berjalan.",
               "Toilet perlu dibersihkan lebih sering.", "Prosesnya sekarang jauh lebih cepat dari tahun lalu."]
# How often each element gets a 4 rather than a 3 (the rest: a few 2s); U3 (waiting time) is the weak one.
FOURS = [0.62, 0.55, 0.30, 0.80, 0.58, 0.66, 0.72, 0.45, 0.50]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "id-ID", "viewport": {"width": 1280, "height": 900}}


def fill_quarter(world, services, quarter: Period, count: int, *, better: float):
    """count respondents over the quarter's days up to today, drawn from a seeded generator."""
    draw = random.Random(quarter.slug)
    now = timezone.now()
    last = min(quarter.end, timezone.localdate())
    days = (last - quarter.start).days
    for number in range(count):
        day = last - timedelta(days=int(draw.triangular(0, days, 0)))
        answered = timezone.make_aware(datetime.combine(day, time(8 + draw.randrange(8), draw.randrange(60))))
        answered = min(answered, now - timedelta(minutes=number + 1))
        values = []
        for share in FOURS:
            roll = draw.random()
            values.append(4 if roll < share + better else 2 if roll > 0.94 else 3)
        submit(world.unit, draw.choice(services), values, answered_at=answered,
               channel=draw.choices(("kiosk", "qr", "paper"), weights=(6, 3, 2))[0],
               gender=draw.choice("LP"), age=draw.randint(18, 70),
               education=draw.choices(("SMP", "SMA", "D1-D3", "D4/S1", "S2"), weights=(2, 6, 2, 4, 1))[0],
               occupation=draw.choices(("PNS", "Swasta", "Wirausaha", "Lainnya"), weights=(2, 5, 4, 3))[0],
               suggestion=draw.choice(SUGGESTIONS) if draw.random() < 0.25 else "")


def shown(world, quarter: Period) -> str:
    result = scores_by_unit(unit_ids=[world.unit.id], period=quarter)[world.unit.id].result
    return f"{result.ikm_converted:.2f}".replace(".", ",")


def test_an_agency_admin_opens_a_unit_dashboard_and_switches_the_period(page, live_server, world, tmp_path):
    current = Period.containing(timezone.localdate())
    previous = current.previous()
    services = [world.service, make_service(world.unit, "Legalisir Dokumen"), make_service(world.unit, "Surat Pindah")]
    for age, quarter in enumerate(reversed(current.previous_ones(4))):
        fill_quarter(world, services, quarter, (70, 38, 42, 35)[age], better=-0.04 * age)
    for quarter in (previous, current):
        Population.objects.create(unit=world.unit, year=quarter.year, quarter=quarter.number, service_users=80)
    FollowUpPlan.objects.create(
        unit=world.unit, element=world.unit.questionnaire.elements.get(code="U3"), year=previous.year,
        quarter=previous.number, action="Menambah satu petugas loket pada jam sibuk", responsible="Kepala Seksi",
        due_date=current.end, status=FollowUpPlan.Status.DONE)

    page.goto(f"{live_server.url}/")
    page.fill("#id_username", world.agency_admin.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/dasbor/opd/{world.agency.code}/")
    page.click(f'[data-testid="unit-table"] a:text-is("{world.unit.name}")')
    page.wait_for_url(f"**/dasbor/unit/{world.unit.code}/**")
    assert page.locator('[data-testid="ikm"]').inner_text() == shown(world, current)

    page.select_option("#f-period", previous.slug)
    page.click("form.skm-filters button[type=submit]")
    page.wait_for_url(f"**period={previous.slug}**")
    assert previous.label in page.locator("header").inner_text()
    assert page.locator('[data-testid="ikm"]').inner_text() == shown(world, previous)
    assert "Sampel belum cukup" in page.locator('[data-testid="sample-warning"]').inner_text()

    page.select_option("#f-period", current.slug)
    page.click("form.skm-filters button[type=submit]")
    page.wait_for_url(f"**period={current.slug}**")
    assert page.locator('[data-testid="ikm"]').inner_text() == shown(world, current)
    assert "Menambah satu petugas loket" in page.locator('[data-testid="reviews"]').inner_text()
    assert page.locator("svg[role=img]").count() >= 9
    assert page.locator("script:not([src])").count() == 0

    target = SCREENSHOT if os.environ.get("SKM_SCREENSHOTS") == "1" else tmp_path / SCREENSHOT.name
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 50_000
