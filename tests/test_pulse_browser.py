"""The daily pulse in a real chromium: a kiosk in pulse mode takes one tap, the wall display's count rises;
taps made offline wait in the kiosk's queue and are stored exactly once when the connection returns.

With SKM_SCREENSHOTS=1 it also writes docs/screenshots/pulse-kiosk.png, pulse-wall.png and pulse-board.png.
"""

import os
import random
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pulse.models import PulseAnswer
from pulse.services import NewPulse, pulse_answer_record
from surveys.kiosk import kiosk_create, kiosk_mode_set
from surveys.models import KioskMode, Response
from tests.dashboard_helpers import PASSWORD
from tests.factories import make_agency, make_region, make_unit
from tests.test_kiosk_browser import (  # noqa: F401 - open_context is a fixture
    FAST, SCREENSHOTS, TABLET_LANDSCAPE, open_context, outbox, post_json, wait_until, watch_errors)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PULSE_FAST = FAST + " window.SKM_SURVEY_TIMING.pulseThanks = 700; window.SKM_WALL_TIMING = {poll: 0.5};"
TV = {"width": 1920, "height": 1080}


@pytest.fixture
def waiting_room():
    region = make_region("sukamaju", name="Kota Sukamaju")
    agency = make_agency(region, "disdukcapil", name="Dinas Kependudukan dan Pencatatan Sipil")
    unit = make_unit(agency, "disdukcapil-loket", name="Loket Pelayanan Administrasi Kependudukan")
    _kiosk, token = kiosk_create(unit=unit, name="Tablet ruang tunggu", mode=KioskMode.PULSE)
    return unit, token


def open_pulse_kiosk(context, base_url, token):
    page = context.new_page()
    errors = watch_errors(page)
    page.goto(f"{base_url}/kiosk/#{token}")
    expect(page.locator("#screen-pulse")).to_be_visible()
    return page, errors


def tap_face(page, value):
    page.locator(f'[data-pulse="{value}"]').tap()
    expect(page.locator("#screen-pulse-thanks")).to_be_visible()
    expect(page.locator("#screen-pulse")).to_be_visible(timeout=5000)


def test_a_tap_on_the_kiosk_raises_the_count_on_the_wall_display(live_server, waiting_room, open_context):
    unit, token = waiting_room
    kiosk, kiosk_errors = open_pulse_kiosk(open_context(TABLET_LANDSCAPE, timing=PULSE_FAST), live_server.url, token)
    expect(kiosk.locator("#screen-pulse h1")).to_have_text("Bagaimana kepuasan Anda terhadap pelayanan hari ini?")
    expect(kiosk.locator("#screen-pulse [data-pulse]")).to_have_count(4)
    expect(kiosk.locator('[data-pulse="1"]')).to_contain_text("Sangat tidak puas")
    expect(kiosk.locator('[data-pulse="4"]')).to_contain_text("Sangat puas")
    expect(kiosk.locator("#survey")).to_be_hidden()
    # Big enough for any finger.
    box = kiosk.locator('[data-pulse="3"]').bounding_box()
    assert box["width"] >= 150 and box["height"] >= 150
    if os.environ.get("SKM_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        kiosk.screenshot(path=SCREENSHOTS / "pulse-kiosk.png")

    wall_context = open_context(TV, timing=PULSE_FAST)
    wall = wall_context.new_page()
    wall_errors = watch_errors(wall)
    wall.goto(f"{live_server.url}/denyut/layar/#{token}")
    expect(wall.locator("#wall-unit")).to_have_text("Loket Pelayanan Administrasi Kependudukan")
    expect(wall.locator("#wall-count-4")).to_have_text("0")
    assert token not in wall.url  # the secret leaves the address bar

    tap_face(kiosk, 4)
    expect(kiosk.locator("#outbox")).to_be_hidden()
    expect(wall.locator("#wall-count-4")).to_have_text("1", timeout=10000)
    tap_face(kiosk, 2)
    expect(wall.locator("#wall-count-2")).to_have_text("1", timeout=10000)
    expect(wall.locator("#wall-total")).to_have_text("2")
    expect(wall.locator("#wall-satisfied")).to_have_text("50%")
    answers = list(PulseAnswer.objects.order_by("answered_at").values_list("unit_id", "value"))
    assert answers == [(unit.id, 4), (unit.id, 2)]
    assert Response.objects.count() == 0
    if os.environ.get("SKM_SCREENSHOTS"):
        wall.screenshot(path=SCREENSHOTS / "pulse-wall.png")
    assert kiosk_errors == [] and wall_errors == []


def test_taps_made_offline_are_queued_and_stored_exactly_once(live_server, waiting_room, open_context):
    _unit, token = waiting_room
    context = open_context(TABLET_LANDSCAPE, timing=PULSE_FAST)
    page, errors = open_pulse_kiosk(context, live_server.url, token)
    context.set_offline(True)
    tap_face(page, 3)
    tap_face(page, 1)
    expect(page.locator("#outbox")).to_have_text("2 menunggu dikirim")
    expect(page.locator("#net")).to_have_text("Tidak terhubung")
    queued = outbox(page)
    assert len(queued) == 2 and PulseAnswer.objects.count() == 0
    assert all(item["url"] == "/api/v1/pulse" and item["body"]["answered_at"].endswith("+07:00") for item in queued)

    context.set_offline(False)
    expect(page.locator("#outbox")).to_be_hidden(timeout=15000)
    wait_until(lambda: PulseAnswer.objects.count() == 2)
    assert sorted(PulseAnswer.objects.values_list("value", flat=True)) == [1, 3]
    # Sending every queued tap again stores nothing new.
    for item in queued:
        status, body = post_json(f"{live_server.url}/api/v1/pulse", item["body"], token)
        assert status == 200 and body["id"] == PulseAnswer.objects.get(key=item["key"]).id
    assert PulseAnswer.objects.count() == 2
    assert errors == []


def test_the_pulse_kiosk_switches_to_english_and_back_for_the_next_citizen(live_server, waiting_room,
                                                                            open_context):
    _unit, token = waiting_room
    page, errors = open_pulse_kiosk(open_context(TABLET_LANDSCAPE, timing=PULSE_FAST), live_server.url, token)
    page.locator("#lang-toggle").tap()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    tap_face(page, 3)
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("#screen-pulse h1")).to_have_text("Bagaimana kepuasan Anda terhadap pelayanan hari ini?")
    wait_until(lambda: PulseAnswer.objects.count() == 1)
    assert errors == []


def test_a_tap_raises_todays_count_on_the_staff_board(live_server, world, open_context):
    _kiosk, token = kiosk_create(unit=world.unit, name="Tablet ruang tunggu", mode=KioskMode.PULSE)
    draw = random.Random(8)
    for days_ago in range(1, 21):
        for _ in range(draw.randint(15, 40)):
            answered_at = timezone.now() - timedelta(days=days_ago, minutes=draw.randrange(300))
            pulse_answer_record(NewPulse(key=uuid.uuid4(), value=draw.choices((1, 2, 3, 4), (4, 11, 52, 33))[0],
                                         answered_at=answered_at), unit_id=world.unit.id, kiosk_id=None)
    kiosk, kiosk_errors = open_pulse_kiosk(open_context(TABLET_LANDSCAPE, timing=PULSE_FAST), live_server.url, token)
    staff = open_context({"width": 1280, "height": 900}).new_page()
    staff_errors = watch_errors(staff)
    staff.goto(f"{live_server.url}/accounts/login/?next=/denyut/unit/{world.unit.code}/")
    staff.locator("input[name=username]").fill(world.operator.username)
    staff.locator("input[name=password]").fill(PASSWORD)
    staff.locator("form button[type=submit], form input[type=submit]").first.click()
    expect(staff.locator("h1")).to_contain_text("Denyut harian")
    expect(staff.locator('[data-testid="count-3"]')).to_have_text("0")

    before = PulseAnswer.objects.count()
    tap_face(kiosk, 3)
    wait_until(lambda: PulseAnswer.objects.count() == before + 1)
    staff.reload()
    expect(staff.locator('[data-testid="count-3"]')).to_have_text("1")
    expect(staff.locator('[data-testid="total"]')).to_have_text("1")
    expect(staff.locator('[data-testid="satisfied"]')).to_have_text("100,0%")
    if os.environ.get("SKM_SCREENSHOTS"):
        staff.screenshot(path=SCREENSHOTS / "pulse-board.png", full_page=True)
    # The board's wall display link works with the staff member's session, no kiosk token needed.
    staff.get_by_role("link", name="Layar ruang tunggu").click()
    expect(staff.locator("#wall-count-3")).to_have_text("1")
    expect(staff.locator("#wall-unit")).to_have_text("Loket Kecamatan")
    assert kiosk_errors == [] and staff_errors == []


def test_an_idle_kiosk_follows_a_switch_of_its_mode(live_server, waiting_room, open_context):
    unit, _token = waiting_room
    kiosk, token = kiosk_create(unit=unit, name="Tablet loket 1")
    context = open_context(TABLET_LANDSCAPE, timing=PULSE_FAST + " window.SKM_SURVEY_TIMING.modeEvery = 500;")
    page = context.new_page()
    errors = watch_errors(page)
    page.goto(f"{live_server.url}/kiosk/#{token}")
    expect(page.locator(".step-profile")).to_be_visible()

    kiosk_mode_set(kiosk=kiosk, mode=KioskMode.PULSE)
    expect(page.locator("#screen-pulse")).to_be_visible(timeout=10000)
    expect(page.locator("#survey")).to_be_hidden()
    tap_face(page, 4)
    wait_until(lambda: PulseAnswer.objects.filter(kiosk=kiosk).count() == 1)

    kiosk_mode_set(kiosk=kiosk, mode=KioskMode.SURVEY)
    expect(page.locator(".step-profile")).to_be_visible(timeout=10000)
    assert errors == []
