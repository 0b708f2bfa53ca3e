"""Accessibility checked by axe-core (bundled by axe-playwright-python) in a real chromium: the kiosk at each step
in the ordinary and the large-text high-contrast mode, the QR form, the public results page, the login page and
the unit and region dashboards have no WCAG 2.1 A/AA violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from agencies.models import ServiceUnit
from reports.models import Publication
from reports.periods import Period
from surveys.kiosk import kiosk_create
from tests.dashboard_helpers import PASSWORD
from tests.factories import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Axe()
WCAG21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
             "resultTypes": ["violations"]}


def violations(page) -> list[str]:
    """Each violation as "rule: target (message)", so a failure says what is wrong and where."""
    found = []
    for rule in AXE.run(page, options=WCAG21_AA).response["violations"]:
        for node in rule["nodes"]:
            found.append(f"{rule['id']}: {node['target']} ({node.get('failureSummary', '').strip()[:200]})")
    return found


def check(page, where: str):
    found = violations(page)
    assert found == [], where + ":\n" + "\n".join(found)


@pytest.fixture
def answered(world):
    """The world's unit with faces on, a kiosk, and answers this quarter (for the dashboards and public page)."""
    ServiceUnit.objects.filter(pk=world.unit.pk).update(show_faces=True)
    _kiosk, token = kiosk_create(unit=world.unit, name="Tablet loket 1")
    now = timezone.now()
    for n in range(12):
        submit(world.unit, world.service, [3, 4, 3, 2, 4, 3, 3, 4, 3], answered_at=now - timezone.timedelta(hours=n + 1),
               gender="LP"[n % 2], age=20 + n, suggestion="Antrean lebih tertib." if n == 0 else "")
    quarter = Period.containing(timezone.localdate())
    Publication.objects.create(region=world.region, year=quarter.year, quarter=quarter.number)
    return world, token


@pytest.fixture
def tablet(browser):
    context = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True, locale="id-ID",
                                  timezone_id="Asia/Jakarta")
    context.add_init_script("window.SKM_SURVEY_TIMING = {thanks: 30, idle: 600, flushEvery: 1000};")
    yield context
    context.close()


@pytest.mark.parametrize("modes", [(), ("large-text", "high-contrast")], ids=["ordinary", "large-high-contrast"])
def test_every_kiosk_step_passes(live_server, answered, tablet, modes):
    _world, token = answered
    page = tablet.new_page()
    page.goto(f"{live_server.url}/kiosk/#{token}")
    expect(page.locator(".step-profile")).to_be_visible()
    for mode in modes:
        page.locator(f'[data-display="{mode}"]').tap()
        expect(page.locator("body")).to_have_class(f"survey mode-kiosk {' '.join(modes[:modes.index(mode) + 1])}")
    check(page, "kiosk profile step")
    page.locator(".choices-service label").first.tap()
    page.locator(".choices-gender label", has_text="Laki-laki").tap()
    page.locator("input[name=age]").fill("67")
    page.locator(".choices-education label", has_text="SMA").tap()
    page.locator(".choices-occupation label", has_text="Lainnya").tap()
    page.locator(".step-profile [data-go=next]").tap()
    for number in range(1, 10):
        step = page.locator(f'.step-element[data-element="U{number}"]')
        expect(step).to_be_visible()
        check(page, f"kiosk question U{number}")
        step.locator("label.answer-3").tap()
    expect(page.locator(".step-final")).to_be_visible()
    check(page, "kiosk last step")
    page.locator("#submit").tap()
    expect(page.locator("#screen-thanks")).to_be_visible()
    check(page, "kiosk thank-you screen")


@pytest.mark.parametrize("modes", [(), ("large-text", "high-contrast")], ids=["ordinary", "large-high-contrast"])
def test_the_qr_form_passes(live_server, answered, browser, modes):
    world, _token = answered
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale="id-ID")
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{world.unit.code}/")
    expect(page.locator(".step-profile")).to_be_visible()
    for mode in modes:
        page.locator(f'[data-display="{mode}"]').tap()
    check(page, "QR form")
    context.close()


def test_the_public_and_login_pages_pass(live_server, answered, page):
    world, _token = answered
    page.goto(f"{live_server.url}/hasil/")
    check(page, "public index")
    page.goto(f"{live_server.url}/hasil/{world.region.code}/")
    expect(page.locator("main")).to_contain_text(world.unit.name)
    check(page, "public results page")
    page.goto(f"{live_server.url}/accounts/login/")
    check(page, "login page")


def test_the_unit_and_region_dashboards_pass(live_server, answered, page):
    world, _token = answered
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", world.region_admin.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/dasbor/daerah/{world.region.code}/")
    # The first screen's second request (region-details.js) puts the details in place of their link.
    expect(page.locator('[data-testid="assisted-share"]')).to_be_visible()
    expect(page.locator('[data-testid="follow-up-indicators"]')).to_be_visible()
    expect(page.locator('[data-testid="region-details"]')).to_have_count(0)
    check(page, "region dashboard")
    page.goto(f"{live_server.url}/dasbor/unit/{world.unit.code}/")
    expect(page.locator('[data-testid="assisted-share"]')).to_be_visible()
    check(page, "unit dashboard")
