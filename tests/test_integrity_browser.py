"""The real kiosk page after a working day offline: 150 queued surveys with natural spacing are flushed when the
network returns; flood control answers 429 on the way, the page waits Retry-After and loses nothing; every
survey is stored once, counted, none flagged."""

import io
import json
import random
import time
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from reports.periods import Period
from surveys.models import Response
from tests.test_kiosk_browser import (  # noqa: F401 (fixtures)
    PHONE, TABLET_LANDSCAPE, counter, open_context, open_kiosk, outbox, tap_survey, wait_until,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

QUEUE_MORE = """(items) => new Promise((resolve, reject) => {
    const open = indexedDB.open("skm-survey", 1);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
        const tx = open.result.transaction("outbox", "readwrite");
        items.forEach((item) => tx.objectStore("outbox").put(item));
        tx.oncomplete = () => resolve(items.length);
        tx.onerror = () => reject(tx.error);
    };
})"""


def test_a_day_offline_is_flushed_whole_through_429s(live_server, counter, open_context, settings):
    settings.SKM_KIOSK_FLOOD_ARRIVALS = 40  # low, so that the flush meets flood control on the way
    settings.SKM_KIOSK_FLOOD_WINDOW = 6
    unit, services, _kiosk, token = counter
    context = open_context(TABLET_LANDSCAPE)
    page, errors = open_kiosk(context, live_server.url, token)
    statuses = []
    page.on("response", lambda response: statuses.append((response.status, response.headers.get("retry-after")))
            if response.url.endswith("/api/v1/responses") else None)
    context.set_offline(True)
    tap_survey(page, age="41")
    expect(page.locator("#thanks-detail")).to_contain_text("tersimpan di perangkat ini")
    (tapped,) = outbox(page)

    # The rest of the day's queue, as the page stores it: yesterday from 07:40, 30 s to 5 min apart.
    rng = random.Random(150)
    day = timezone.localdate() - timedelta(days=1)
    moment = timezone.make_aware(datetime(day.year, day.month, day.day, 7, 40))
    items = []
    for number in range(149):
        key = f"00000000-0000-4000-8000-{number:012d}"
        body = {**tapped["body"], "key": key, "answered_at": timezone.localtime(moment).isoformat(),
                "service": services[number % 3].id,
                "answers": {f"U{i}": rng.choice([2, 3, 3, 4]) for i in range(1, 10)}}
        items.append({**tapped, "key": key, "created": tapped["created"] + number + 1, "body": body})
        moment += timedelta(seconds=rng.randint(30, 300))
    assert page.evaluate(QUEUE_MORE, items) == 149
    assert len(outbox(page)) == 150 and Response.objects.count() == 0

    started = time.monotonic()
    context.set_offline(False)
    # Watch the tablet's queue, not the database (SQLite's shared test database locks under the writes).
    wait_until(lambda: outbox(page) == [], timeout=180)
    assert Response.objects.count() == 150
    seconds = time.monotonic() - started
    refused = [after for status, after in statuses if status == 429]
    print(f"\n150 queued surveys flushed in {seconds:.1f} s; {len(refused)} answers 429 on the way")
    # Few refusals: after each the page waited Retry-After instead of trying again at once.
    assert refused and len(refused) <= 150 // 40 + 1 and all(after == "6" for after in refused)
    assert {status for status, _after in statuses} <= {201, 429}
    assert not Response.objects.exclude(flag="").exists()
    assert Response.objects.filter(excluded_at__isnull=True).count() == 150
    assert len(set(Response.objects.values_list("key", flat=True))) == 150
    out = io.StringIO()
    call_command("integrity_report", unit.code, "--period", Period.containing(day).slug, stdout=out)
    figure = json.loads(out.getvalue())
    today_part = 1 if Period.containing(timezone.localdate()) == Period.containing(day) else 0
    assert figure["counted"] == 149 + today_part and figure["excluded"] == {} and figure["awaiting_review"] == 0
    assert errors == []


def test_a_second_survey_on_a_phone_gets_a_fresh_form_token(live_server, counter, open_context, settings):
    settings.SKM_QR_MIN_FILL_SECONDS = 1
    unit, services, _kiosk, _token = counter
    page = open_context(PHONE, mobile=True).new_page()
    page.goto(f"{live_server.url}/s/{unit.code}/{services[0].id}/")
    first_token = page.evaluate("() => JSON.parse(document.getElementById('survey-config').textContent).form_token")
    time.sleep(1.1)
    tap_survey(page, service=None, age="22")
    expect(page.locator("#thanks-detail")).to_have_text("Penilaian Anda sudah kami terima.")
    page.locator("#new-survey").tap()
    expect(page.locator(".step-profile")).to_be_visible()
    second_token = page.evaluate("() => JSON.parse(document.getElementById('survey-config').textContent).form_token")
    assert second_token != first_token
    time.sleep(1.1)
    tap_survey(page, service=None, age="57")
    expect(page.locator("#thanks-detail")).to_have_text("Penilaian Anda sudah kami terima.")
    assert sorted(Response.objects.values_list("age", flat=True)) == [22, 57]
