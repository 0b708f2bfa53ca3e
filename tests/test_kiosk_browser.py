"""The kiosk and the QR survey in a real chromium: tapping through, offline queueing, resets, screenshots.

With SKM_SCREENSHOTS=1 the tablet tests also write docs/screenshots/kiosk-tablet-*.png and
docs/screenshots/qr-poster.png (the poster PDF through pdftoppm).
"""

import json
import os
import shutil
import subprocess
import time
from datetime import datetime
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from agencies.models import Service
from surveys.kiosk import kiosk_create, kiosk_revoke
from surveys.models import Response
from tests.factories import make_agency, make_region, make_service, make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
TABLET_PORTRAIT = {"width": 800, "height": 1280}
TABLET_LANDSCAPE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
FAST = "window.SKM_SURVEY_TIMING = {thanks: 2, idle: 4, flushEvery: 1000};"


@pytest.fixture
def counter():
    """A Kota Sukamaju counter with a paired kiosk."""
    region = make_region("sukamaju", name="Kota Sukamaju")
    agency = make_agency(region, "disdukcapil", name="Dinas Kependudukan dan Pencatatan Sipil")
    unit = make_unit(agency, "disdukcapil-loket", name="Loket Pelayanan Administrasi Kependudukan")
    services = [make_service(unit, name) for name in ("Perekaman KTP-el", "Kartu Keluarga", "Akta Kelahiran")]
    kiosk, token = kiosk_create(unit=unit, name="Tablet loket 1")
    return unit, services, kiosk, token


@pytest.fixture
def open_context(browser):
    contexts = []

    def make(viewport, *, mobile=False, timing=FAST):
        context = browser.new_context(viewport=viewport, has_touch=True, is_mobile=mobile, locale="id-ID",
                                      timezone_id="Asia/Jakarta")
        context.add_init_script(timing)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def watch_errors(page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def wait_until(check, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def open_kiosk(context, base_url, token):
    page = context.new_page()
    errors = watch_errors(page)
    page.goto(f"{base_url}/kiosk/#{token}")
    expect(page.locator(".step-profile")).to_be_visible()
    return page, errors


def tap_survey(page, *, service="Kartu Keluarga", values=(4, 3, 3, 4, 3, 4, 4, 3, 2), gender="Perempuan",
               age="34", education="SMA", occupation="Swasta", suggestion="", submit=True):
    if service:
        page.locator(".choices-service label", has_text=service).tap()
    page.locator(".choices-gender label", has_text=gender).tap()
    page.locator("input[name=age]").fill(age)
    page.locator(".choices-education label", has_text=education).tap()
    page.locator(".choices-occupation label", has_text=occupation).tap()
    page.locator(".step-profile [data-go=next]").tap()
    for number, value in enumerate(values, start=1):
        step = page.locator(f'.step-element[data-element="U{number}"]')
        expect(step).to_be_visible()
        step.locator(f"label.answer-{value}").tap()
    expect(page.locator(".step-final")).to_be_visible()
    if suggestion:
        page.locator("#suggestion").fill(suggestion)
    if submit:
        page.locator("#submit").tap()


def expect_blank_form(page):
    expect(page.locator(".step-profile")).to_be_visible()
    assert page.locator("#survey input[type=radio]:checked").count() == 0
    assert page.locator("input[name=age]").input_value() == ""
    assert page.locator("#suggestion").input_value() == ""


def outbox(page):
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open("skm-survey", 1);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
            const read = open.result.transaction("outbox").objectStore("outbox").getAll();
            read.onsuccess = () => resolve(read.result);
        };
    })""")


def post_json(url, body, token):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Kiosk {token}"})
    with urllib.request.urlopen(request) as response:
        return response.status, json.loads(response.read())


@pytest.mark.parametrize("viewport, name", [(TABLET_PORTRAIT, "portrait"), (TABLET_LANDSCAPE, "landscape")])
def test_it_completes_a_survey_by_tapping_on_a_tablet(live_server, counter, open_context, viewport, name):
    unit, services, kiosk, token = counter
    page, errors = open_kiosk(open_context(viewport), live_server.url, token)
    expect(page.locator("#unit-name")).to_have_text("Loket Pelayanan Administrasi Kependudukan")
    started = time.monotonic()
    tap_survey(page, values=(4, 3, 3, 4, 3, 4, 4, 3, 2), suggestion="Ruang tunggu lebih sejuk.", submit=False)
    if os.environ.get("SKM_SCREENSHOTS"):
        page.locator(".step-final [data-go=back]").tap()
        expect(page.locator('.step-element[data-element="U9"]')).to_be_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"kiosk-tablet-{name}.png")
        page.locator('.step-element[data-element="U9"] [data-go=next]').tap()
    page.locator("#submit").tap()
    expect(page.locator("#screen-thanks")).to_be_visible()
    elapsed = time.monotonic() - started
    print(f"\nkiosk survey completed by tapping on a {viewport['width']}x{viewport['height']} tablet in {elapsed:.1f} s")
    assert elapsed < 60
    expect(page.locator("#thanks-detail")).to_have_text("Penilaian Anda sudah kami terima.")

    response = Response.objects.get()
    assert (response.channel, response.kiosk_id, response.service_id) == ("kiosk", kiosk.id, services[1].id)
    assert (response.gender, response.age, response.education, response.occupation) == ("P", 34, "SMA", "Swasta")
    assert response.suggestion == "Ruang tunggu lebih sejuk."
    assert dict(response.answers.values_list("element__code", "value")) == {
        "U1": 4, "U2": 3, "U3": 3, "U4": 4, "U5": 3, "U6": 4, "U7": 4, "U8": 3, "U9": 2}
    assert abs((response.received_at - response.answered_at).total_seconds()) < 30
    # The thank-you screen goes back to a blank form by itself.
    expect(page.locator("#screen-thanks")).to_be_hidden(timeout=5000)
    expect_blank_form(page)
    assert errors == []


def test_it_queues_three_surveys_offline_and_stores_each_exactly_once(live_server, counter, open_context):
    unit, _services, _kiosk, token = counter
    context = open_context(TABLET_LANDSCAPE)
    page, errors = open_kiosk(context, live_server.url, token)
    context.set_offline(True)
    for age in ("25", "38", "61"):
        tap_survey(page, age=age)
        expect(page.locator("#thanks-detail")).to_contain_text("tersimpan di perangkat ini")
        page.locator("#new-survey").tap()
        expect_blank_form(page)
    expect(page.locator("#outbox")).to_have_text("3 menunggu dikirim")
    expect(page.locator("#net")).to_have_text("Tidak terhubung")
    queued = outbox(page)
    assert len(queued) == 3 and Response.objects.count() == 0
    assert all(item["body"]["answered_at"].endswith("+07:00") for item in queued)

    context.set_offline(False)
    expect(page.locator("#outbox")).to_be_hidden(timeout=15000)
    wait_until(lambda: Response.objects.count() == 3)
    assert sorted(Response.objects.values_list("age", flat=True)) == [25, 38, 61]
    # The citizen's time is kept, not the time it reached the server.
    for item in queued:
        stored = Response.objects.get(key=item["key"])
        assert stored.answered_at == datetime.fromisoformat(item["body"]["answered_at"])
    # Forcing every queued body through again stores nothing new.
    for item in queued:
        status, body = post_json(f"{live_server.url}/api/v1/responses", item["body"], token)
        assert status == 200 and body["id"] == Response.objects.get(key=item["key"]).id
    assert Response.objects.count() == 3
    assert errors == []


def test_it_keeps_surveys_through_a_failing_connection_and_sends_them_later(live_server, counter, open_context):
    _unit, _services, _kiosk, token = counter
    context = open_context(TABLET_PORTRAIT)
    page, errors = open_kiosk(context, live_server.url, token)
    # As on a kiosk in service, the service worker controls the page before the connection fails, so its claim
    # of the page cannot fall in the middle of the test (a CI run once saw an answer get past the route).
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    context.route("**/api/v1/responses", lambda route: route.abort("internetdisconnected"))
    for _ in range(2):
        tap_survey(page)
        expect(page.locator("#thanks-detail")).to_contain_text("tersimpan di perangkat ini")
        page.locator("#new-survey").tap()
    expect(page.locator("#outbox")).to_have_text("2 menunggu dikirim")
    assert Response.objects.count() == 0
    context.unroute("**/api/v1/responses")
    expect(page.locator("#outbox")).to_be_hidden(timeout=20000)
    wait_until(lambda: Response.objects.count() == 2)
    assert errors == []


def test_a_queued_survey_the_server_refuses_is_kept_aside_without_blocking_the_rest(live_server, counter,
                                                                                     open_context):
    _unit, services, _kiosk, token = counter
    context = open_context(TABLET_PORTRAIT)
    page, errors = open_kiosk(context, live_server.url, token)
    context.set_offline(True)
    tap_survey(page, service="Akta Kelahiran")
    page.locator("#new-survey").tap()
    tap_survey(page, service="Kartu Keluarga")
    expect(page.locator("#outbox")).to_have_text("2 menunggu dikirim")
    Service.objects.filter(pk=services[2].pk).update(is_active=False)  # the oldest one is now refused
    cache.clear()
    context.set_offline(False)
    expect(page.locator("#outbox")).to_be_hidden(timeout=15000)
    expect(page.locator("#rejected")).to_have_text("1 ditolak server")
    wait_until(lambda: Response.objects.count() == 1)
    assert Response.objects.get().service_id == services[1].id
    assert errors == []


def test_a_refusal_while_the_citizen_is_there_is_shown_on_the_field(live_server, counter, open_context):
    _unit, services, _kiosk, token = counter
    page, errors = open_kiosk(open_context(TABLET_LANDSCAPE), live_server.url, token)
    Service.objects.filter(pk=services[0].pk).update(is_active=False)
    cache.clear()
    tap_survey(page, service="Perekaman KTP-el")
    expect(page.locator(".step-profile")).to_be_visible()
    expect(page.locator('[data-field="service"] .error')).to_have_text("pilih jenis layanan dari unit ini")
    expect(page.locator("#outbox")).to_be_hidden()
    expect(page.locator("#rejected")).to_be_hidden()
    assert Response.objects.count() == 0
    # Corrected, it goes through.
    page.locator(".choices-service label", has_text="Kartu Keluarga").tap()
    page.locator(".step-profile [data-go=next]").tap()
    for number in range(1, 10):
        page.locator(f'.step-element[data-element="U{number}"] [data-go=next]').tap()
    page.locator("#submit").tap()
    expect(page.locator("#thanks-detail")).to_have_text("Penilaian Anda sudah kami terima.")
    assert Response.objects.get().service_id == services[1].id
    assert errors == []


def test_it_shows_a_working_form_after_a_reload_while_offline(live_server, counter, open_context):
    _unit, _services, _kiosk, token = counter
    context = open_context(TABLET_PORTRAIT)
    page, errors = open_kiosk(context, live_server.url, token)
    page.evaluate("() => navigator.serviceWorker.ready")
    page.reload()
    expect(page.locator(".step-profile")).to_be_visible()
    assert page.evaluate("() => !!navigator.serviceWorker.controller")
    # Offline, and every request refused as if the server were gone (this also cuts the service worker's
    # own requests, which set_offline does not).
    reached = []
    context.set_offline(True)
    context.route("**/*", lambda route: (reached.append(route.request.url), route.abort("connectionrefused")))
    page.reload()
    expect(page.locator(".step-profile")).to_be_visible()
    expect(page.locator("#unit-name")).to_have_text("Loket Pelayanan Administrasi Kependudukan")
    assert any(url.endswith("/kiosk/") for url in reached)
    tap_survey(page)
    expect(page.locator("#thanks-detail")).to_contain_text("tersimpan di perangkat ini")
    expect(page.locator("#outbox")).to_have_text("1 menunggu dikirim")
    assert Response.objects.count() == 0
    context.unroute("**/*")
    context.set_offline(False)
    expect(page.locator("#outbox")).to_be_hidden(timeout=15000)
    wait_until(lambda: Response.objects.count() == 1)
    assert errors == []


def test_it_never_shows_previous_answers_after_a_reload_or_the_back_button(live_server, counter, open_context):
    _unit, _services, _kiosk, token = counter
    page, errors = open_kiosk(open_context(TABLET_PORTRAIT), live_server.url, token)
    tap_survey(page, suggestion="Rahasia warga sebelumnya", submit=False)
    page.reload()
    expect_blank_form(page)
    tap_survey(page, suggestion="Rahasia warga sebelumnya", submit=False)
    page.goto(f"{live_server.url}/s/disdukcapil-loket/")
    page.go_back()
    expect_blank_form(page)
    assert "Rahasia" not in page.content()
    assert errors == []


def test_it_resets_a_survey_left_idle(live_server, counter, open_context):
    _unit, _services, _kiosk, token = counter
    page, errors = open_kiosk(open_context(TABLET_LANDSCAPE), live_server.url, token)
    page.locator(".choices-gender label", has_text="Laki-laki").tap()
    page.locator("#lang-toggle").tap()
    expect(page.locator("#idle")).to_be_visible(timeout=5000)
    expect(page.locator("#idle")).to_be_hidden(timeout=5000)
    expect_blank_form(page)
    expect(page.locator("#lang-toggle")).to_have_text("English")
    assert errors == []


def test_it_switches_to_english_in_one_tap(live_server, counter, open_context):
    _unit, _services, _kiosk, token = counter
    page, errors = open_kiosk(open_context(TABLET_PORTRAIT), live_server.url, token)
    page.locator("#lang-toggle").tap()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#lang-toggle")).to_have_text("Bahasa Indonesia")
    page.locator(".choices-service label", has_text="Kartu Keluarga").tap()
    page.locator(".choices-gender label").first.tap()
    page.locator("input[name=age]").fill("50")
    page.locator(".choices-education label", has_text="S2").tap()
    page.locator(".choices-occupation label", has_text="PNS").tap()
    page.locator(".step-profile [data-go=next]").tap()
    step = page.locator('.step-element[data-element="U1"]')
    expect(step.locator(".question")).to_have_text("How well do the service requirements fit the kind of service?")
    expect(step.locator("label.answer-4")).to_contain_text("Very suitable")
    page.locator("#lang-toggle").tap()
    expect(step.locator(".question")).to_contain_text("Bagaimana pendapat Saudara")
    expect(step.locator("label.answer-4")).to_contain_text("Sangat sesuai")
    assert errors == []


def test_a_revoked_kiosk_says_so(live_server, counter, open_context):
    _unit, _services, kiosk, token = counter
    page, errors = open_kiosk(open_context(TABLET_PORTRAIT), live_server.url, token)
    kiosk_revoke(kiosk=kiosk)
    tap_survey(page)
    # The citizen's answers stay on the tablet; the kiosk says why it takes no more.
    expect(page.locator("#message-text")).to_contain_text("dicabut")
    expect(page.locator("#survey")).to_be_hidden()
    expect(page.locator("#outbox")).to_have_text("1 menunggu dikirim")
    page.reload()
    expect(page.locator("#message-text")).to_contain_text("dicabut")
    expect(page.locator("#survey")).to_be_hidden()
    assert Response.objects.count() == 0
    assert errors == []


def test_it_completes_the_qr_survey_on_a_phone(live_server, counter, open_context, settings):
    settings.SKM_QR_MIN_FILL_SECONDS = 1
    unit, services, _kiosk, _token = counter
    page = open_context(PHONE, mobile=True).new_page()
    errors = watch_errors(page)
    page.goto(f"{live_server.url}/s/{unit.code}/{services[0].id}/")
    expect(page.locator(".step-profile")).to_be_visible()
    # The service of the poster is already chosen.
    expect(page.locator(".choices-service input:checked")).to_have_count(1)
    started = time.monotonic()
    tap_survey(page, service=None, gender="Laki-laki", age="22", education="D4/S1", occupation="Lainnya")
    expect(page.locator("#thanks-detail")).to_have_text("Penilaian Anda sudah kami terima.")
    print(f"\nQR survey completed on a phone in {time.monotonic() - started:.1f} s")
    response = Response.objects.get()
    assert (response.channel, response.service_id, response.kiosk_id) == ("qr", services[0].id, None)
    assert not response.suspected_repeat
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert errors == []


def test_a_qr_survey_sent_too_fast_says_so(live_server, counter, open_context, settings):
    settings.SKM_QR_MIN_FILL_SECONDS = 600
    unit, _services, _kiosk, _token = counter
    page = open_context(PHONE, mobile=True).new_page()
    page.goto(f"{live_server.url}/s/{unit.code}/")
    tap_survey(page)
    expect(page.locator("#form-error")).to_contain_text("dikirim terlalu cepat")
    assert Response.objects.count() == 0


def test_the_poster_screenshot(counter, tmp_path):
    """Writes docs/screenshots/qr-poster.png from the real poster PDF (with SKM_SCREENSHOTS=1)."""
    if not os.environ.get("SKM_SCREENSHOTS") or not shutil.which("pdftoppm"):
        pytest.skip("screenshots are made with SKM_SCREENSHOTS=1 and pdftoppm")
    from surveys.poster import poster_pdf

    unit, _services, _kiosk, _token = counter
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(poster_pdf(unit=unit, url=f"https://skm.sukamajukota.go.id/s/{unit.code}/"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf), str(SCREENSHOTS / "qr-poster")],
                   check=True)
    assert (SCREENSHOTS / "qr-poster.png").stat().st_size > 10_000
