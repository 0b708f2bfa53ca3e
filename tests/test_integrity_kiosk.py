"""Plausibility at the door for kiosk answers: judged by the device's answered_at and the kiosk's stored
history, floods refused with 429, a genuine offline queue never lost nor flagged."""

import io
import json
import math
import random
import uuid
from datetime import datetime, time, timedelta

import pytest
import requests
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from reports.periods import Period
from surveys.integrity import door_flag
from surveys.kiosk import kiosk_create
from surveys.models import Flag, Response
from surveys.tallies import tallies_differences

SERVICE_ANSWERS = {"profile": {"gender": "P", "age": 30, "education": "SMA", "occupation": "Swasta"}}


def body(service_id, answered_at, **changes):
    return {"key": str(uuid.uuid4()), "service": service_id, "answered_at": answered_at.isoformat(),
            **SERVICE_ANSWERS, "answers": {f"U{i}": 3 for i in range(1, 10)}, **changes}


def report(unit, period) -> dict:
    out = io.StringIO()
    call_command("integrity_report", unit.code, "--period", period.slug, stdout=out)
    return json.loads(out.getvalue())


def working_day_at(hour, minute=0):
    """A moment of the last working day before today (the unit serves Monday to Friday): a test run on a Sunday
    must not see its answers flagged as given outside service days."""
    day = timezone.localdate() - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def paired(world):
    _kiosk, token = kiosk_create(unit=world.unit, name="Tablet loket 1")
    return Client(HTTP_AUTHORIZATION=f"Kiosk {token}"), token


def post(client, data):
    return client.post("/api/v1/responses", json.dumps(data), content_type="application/json")


def test_the_rule_reads_only_counts_of_stored_answers():
    assert door_flag(near=0, in_hour=0, ceiling=90) == ""
    assert door_flag(near=1, in_hour=3, ceiling=90) == Flag.TOO_FAST
    assert door_flag(near=0, in_hour=90, ceiling=90) == Flag.OVER_RATE
    assert door_flag(near=0, in_hour=89, ceiling=90) == ""


@pytest.mark.django_db
def test_an_answer_too_soon_after_the_previous_is_stored_flagged_and_not_counted(world, paired):
    client, _token = paired
    start = working_day_at(9)
    offsets = [0, 5, 19, 25, 60, 61]  # seconds after the first answer
    sent = [post(client, body(world.service.id, start + timedelta(seconds=s))) for s in offsets]
    assert [r.status_code for r in sent] == [201] * 6
    flags = [Response.objects.get(pk=r.json()["id"]).flag for r in sent]
    # 5 and 19 s after a counted answer are too fast; 25 s after the first counted one is fine again.
    assert flags == ["", "too_fast", "too_fast", "", "", "too_fast"]
    assert Response.objects.filter(flag="too_fast", excluded_at__isnull=False).count() == 3
    figure = report(world.unit, Period.containing(start.date()))
    assert figure["received"] == 6 and figure["counted"] == 3 and figure["excluded"] == {"too_fast": 3}
    assert tallies_differences() == []


@pytest.mark.django_db
def test_answers_over_the_hourly_ceiling_are_flagged_over_rate(world, paired):
    client, _token = paired
    world.unit.kiosk_hourly_ceiling = 5
    world.unit.save()
    start = working_day_at(10)
    for index in range(8):
        assert post(client, body(world.service.id, start + timedelta(seconds=30 * index))).status_code == 201
    assert post(client, body(world.service.id, working_day_at(11, 1))).status_code == 201  # the next hour
    assert list(Response.objects.order_by("answered_at").values_list("flag", flat=True)) == (
        [""] * 5 + ["over_rate"] * 3 + [""])
    figure = report(world.unit, Period.containing(start.date()))
    assert (figure["counted"], figure["excluded"]) == (6, {"over_rate": 3})


@pytest.mark.django_db
def test_the_same_input_gives_the_same_flags(world, paired):
    client, _token = paired
    rng = random.Random(13)
    moment, sequence = working_day_at(8), []
    for _ in range(60):
        moment += timedelta(seconds=rng.choice([3, 10, 15, 25, 40, 90]))
        sequence.append(moment)

    def run():
        for answered_at in sequence:
            assert post(client, body(world.service.id, answered_at)).status_code == 201
        return list(Response.objects.order_by("answered_at", "id").values_list("flag", flat=True))

    first = run()
    Response.objects.all().delete()
    call_command("rebuild_tallies", stdout=io.StringIO())
    assert run() == first and "too_fast" in first and "" in first


@pytest.mark.django_db
def test_a_kiosk_history_check_is_one_query(world, paired, django_assert_num_queries):
    from surveys.integrity import kiosk_door_flag

    with django_assert_num_queries(1):
        kiosk_door_flag(kiosk_id=1, answered_at=timezone.now(), min_interval=20, ceiling=90)


@pytest.mark.django_db
def test_a_flood_of_arrivals_gets_429_with_retry_after(world, paired, settings):
    settings.SKM_KIOSK_FLOOD_ARRIVALS = 10
    client, _token = paired
    codes = [post(client, body(world.service.id, working_day_at(9) + timedelta(minutes=i))).status_code
             for i in range(15)]
    assert codes.count(201) == 10 and codes[10:] == [429] * 5
    refused = post(client, body(world.service.id, working_day_at(12)))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "detail" in refused.json() and Response.objects.count() == 10


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_thousand_submissions_from_one_token_as_fast_as_possible(world, paired, live_server, capsys):
    _client, token = paired
    period = Period.containing(timezone.localdate())
    before = report(world.unit, period)["counted"]
    session = requests.Session()
    session.headers.update({"Authorization": f"Kiosk {token}", "Content-Type": "application/json"})
    keys, codes, started = [], [], timezone.now()
    for _ in range(2000):
        data = body(world.service.id, timezone.now())
        keys.append(data["key"])
        codes.append(session.post(f"{live_server.url}/api/v1/responses", data=json.dumps(data), timeout=30)
                     .status_code)
    seconds = (timezone.now() - started).total_seconds()
    counted = report(world.unit, period)["counted"] - before
    allowed = min(math.ceil(seconds / world.unit.kiosk_min_interval) + 1, world.unit.kiosk_hourly_ceiling)
    stored = Response.objects.filter(unit=world.unit)
    with capsys.disabled():
        print(f"\nflood of 2000 in {seconds:.1f} s: {codes.count(201)} stored ({counted} counted, allowed "
              f"{allowed}), {codes.count(429)} refused with 429")
    assert set(codes) <= {201, 429} and codes.count(429) > 0
    assert counted <= allowed and counted <= 5
    assert stored.count() == codes.count(201) == len(set(stored.values_list("key", flat=True)))
    assert stored.filter(excluded_at__isnull=True).count() == counted
    assert set(stored.exclude(excluded_at__isnull=True).values_list("flag", flat=True)) <= {"too_fast", "over_rate"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_offline_day_flushed_in_one_burst_is_all_stored_and_counted(world, paired, live_server):
    _client, token = paired
    rng = random.Random(150)
    moment, queue = working_day_at(7, 40), []
    for _ in range(150):
        queue.append(body(world.service.id, moment, answers={f"U{i}": rng.choice([2, 3, 3, 4]) for i in range(1, 10)}))
        moment += timedelta(seconds=rng.randint(30, 300))
    period = Period.containing(working_day_at(8).date())
    before = report(world.unit, period)
    session = requests.Session()
    session.headers.update({"Authorization": f"Kiosk {token}", "Content-Type": "application/json"})
    codes = [session.post(f"{live_server.url}/api/v1/responses", data=json.dumps(item), timeout=30).status_code
             for item in queue]
    assert codes == [201] * 150
    after = report(world.unit, period)
    assert after["counted"] - before["counted"] == 150 and after["received"] - before["received"] == 150
    assert after["excluded"] == {} and after["awaiting_review"] == 0
    assert not Response.objects.exclude(flag="").exists()
    from surveys.self_filling import self_filling_detect

    assert self_filling_detect(since=working_day_at(8).date(), until=working_day_at(8).date(), store=False) == []
