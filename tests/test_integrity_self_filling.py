"""Self-filling patterns: each is found on data built for it, held for review (still counted), decided by staff
with an audit record, and not raised on the demo's normal traffic."""

import io
import json
import random
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.utils import timezone

from agencies.models import AuditEvent
from reports.integrity import integrity_by_unit
from reports.periods import Period
from surveys.kiosk import kiosk_create
from surveys.models import Flag, FlagGroup, Response
from surveys.self_filling import self_filling_detect
from tests.factories import sign_in, submit

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 24)  # a Tuesday


SUGGESTIONS = ["Antrean cukup lama di pagi hari.", "Petugas ramah.", "Ruang tunggu panas, tambah kipas.",
               "Informasi persyaratan kurang jelas di papan.", "Parkir sempit sekali.", "Sudah bagus, pertahankan.",
               "Loket buka terlambat hari ini.", "Tolong sediakan kursi roda."]


def at(hour, minute=0, second=0, day=DAY):
    return timezone.make_aware(datetime.combine(day, time(hour, minute, second)))


def varied(rng):
    return [rng.choice([2, 3, 3, 4]) for _ in range(9)]


@pytest.fixture
def tablet(world):
    kiosk, _token = kiosk_create(unit=world.unit, name="Tablet loket 1")
    return kiosk


def natural_day(world, kiosk, rng, *, day=DAY, count=40, start=(8, 0)):
    """A working day of genuine kiosk answers, 4 to 12 minutes apart, received live."""
    moment = at(*start, day=day)
    for _ in range(count):
        submit(world.unit, world.service, varied(rng), answered_at=moment, kiosk_id=kiosk.id,
               suggestion=rng.choice(SUGGESTIONS) if rng.random() < 0.15 else "")
        moment += timedelta(minutes=rng.randint(4, 12))
    Response.objects.update(received_at=F("answered_at") + timedelta(seconds=5))


def detect():
    return self_filling_detect(since=DAY - timedelta(days=6), until=DAY)


def reasons(found):
    return sorted((group.reason, len(group.response_ids)) for group in found)


def test_natural_kiosk_traffic_raises_nothing(world, tablet):
    natural_day(world, tablet, random.Random(1))
    assert detect() == []


def test_answers_outside_service_hours_are_flagged_per_kiosk_and_day(world, tablet):
    natural_day(world, tablet, random.Random(2), count=20)
    for minute in (5, 20, 40):
        submit(world.unit, world.service, [3] * 9, answered_at=at(19, minute), kiosk_id=tablet.id)
    submit(world.unit, world.service, [3] * 9, answered_at=at(10, day=date(2026, 11, 22)), kiosk_id=tablet.id)  # Sunday
    found = detect()
    assert reasons(found) == [(Flag.OUTSIDE_HOURS, 1), (Flag.OUTSIDE_HOURS, 3)]
    world.unit.service_days, world.unit.service_closes = "1234567", time(20, 0)
    world.unit.save()
    FlagGroup.objects.all().delete()
    Response.objects.update(flag="")
    assert detect() == []


def test_a_run_of_identical_answer_vectors_is_flagged(world, tablet):
    natural_day(world, tablet, random.Random(3), count=12)
    for minute in range(0, 12, 2):
        submit(world.unit, world.service, [4, 4, 3, 4, 4, 4, 3, 4, 4], answered_at=at(14, minute), kiosk_id=tablet.id)
    found = detect()
    assert reasons(found) == [(Flag.IDENTICAL_RUN, 6)]
    assert "6× 443444344" in found[0].pattern


def test_a_burst_after_long_silence_on_an_online_kiosk_is_flagged(world, tablet):
    natural_day(world, tablet, random.Random(4), count=10, start=(8, 0))
    rng = random.Random(5)
    for index in range(12):  # 15:00, after hours of silence, one every 40 seconds
        submit(world.unit, world.service, varied(rng), answered_at=at(15, 0, 0) + timedelta(seconds=40 * index),
               kiosk_id=tablet.id)
    Response.objects.update(received_at=F("answered_at") + timedelta(seconds=3))
    found = detect()
    assert reasons(found) == [(Flag.BURST_AFTER_SILENCE, 12)]
    # The same answers delivered by an offline queue much later are a flush, not a burst.
    FlagGroup.objects.all().delete()
    Response.objects.update(flag="", received_at=F("answered_at") + timedelta(hours=6))
    assert detect() == []


def test_a_kiosk_with_far_more_uniform_answers_than_its_unit_is_flagged(world, tablet):
    rng = random.Random(6)
    for index in range(40):  # the unit's QR answers: about one in ten all 4
        values = [4] * 9 if index % 10 == 0 else varied(rng)
        submit(world.unit, world.service, values, answered_at=at(8) + timedelta(minutes=11 * index), channel="qr")
    for index in range(40):  # the kiosk: three in four all 4, spread over the day
        values = [4] * 9 if index % 4 else varied(rng)
        submit(world.unit, world.service, values, answered_at=at(8, 3) + timedelta(minutes=11 * index),
               kiosk_id=tablet.id)
    found = detect()
    assert reasons(found) == [(Flag.UNIFORM_SHARE, 30)]
    assert "75% semua 4" in found[0].pattern and "norma 10%" in found[0].pattern


def test_the_same_suggestion_repeated_within_an_hour_is_flagged(world, tablet):
    natural_day(world, tablet, random.Random(7), count=10)
    for minute in (0, 9, 21, 33):
        submit(world.unit, world.service, varied(random.Random(minute)), answered_at=at(13, minute), channel="qr",
               suggestion="  Pelayanan SANGAT memuaskan, pertahankan!  ")
    submit(world.unit, world.service, [3] * 9, answered_at=at(15, 50), channel="qr",
           suggestion="Pelayanan sangat memuaskan, pertahankan!")  # the same later on: not within the hour
    found = detect()
    assert reasons(found) == [(Flag.REPEATED_SUGGESTION, 4)]


def test_flagged_answers_are_awaiting_review_and_still_counted_until_staff_decide(world, tablet):
    natural_day(world, tablet, random.Random(8), count=10)
    for minute in (5, 20, 40):
        submit(world.unit, world.service, [3] * 9, answered_at=at(19, minute), kiosk_id=tablet.id)
    out = io.StringIO()
    call_command("detect_self_filling", "--until", DAY.isoformat(), stdout=out)
    assert "1 groups, 3 responses flagged for review" in out.getvalue()
    again = io.StringIO()
    call_command("detect_self_filling", "--until", DAY.isoformat(), stdout=again)
    assert "0 groups" in again.getvalue()  # nothing flagged twice
    period = Period.containing(DAY)
    figure = integrity_by_unit(unit_ids=[world.unit.id], period=period)[world.unit.id]
    assert (figure.received, figure.counted, figure.awaiting_review, figure.excluded) == (13, 13, 3, {})

    client = Client()
    sign_in(client, "operator")
    page = client.get(f"/staf/unit/{world.unit.code}/integritas/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "di luar jam layanan" in html and "Tablet loket 1" in html
    group = FlagGroup.objects.get()
    response = client.post(f"/staf/unit/{world.unit.code}/integritas/{group.id}/", {"decision": "exclude"})
    assert response.status_code == 302
    figure = integrity_by_unit(unit_ids=[world.unit.id], period=period)[world.unit.id]
    assert (figure.received, figure.counted, figure.awaiting_review, figure.excluded) == (
        13, 10, 0, {"outside_hours": 3})
    event = AuditEvent.objects.get(action=AuditEvent.Action.INTEGRITY_REVIEWED)
    assert event.actor.username == "operator" and event.detail["decision"] == "exclude"
    group.refresh_from_db()
    assert group.decided_by.username == "operator" and group.decided_at is not None
    assert Response.objects.count() == 13  # excluded answers stay stored

    client.post(f"/staf/unit/{world.unit.code}/integritas/{group.id}/", {"decision": "keep"})
    figure = integrity_by_unit(unit_ids=[world.unit.id], period=period)[world.unit.id]
    assert (figure.counted, figure.awaiting_review, figure.excluded) == (13, 0, {})
    call_command("rebuild_tallies", "--check", stdout=io.StringIO())


def test_the_review_page_is_scoped_like_other_staff_pages(world, tablet):
    for minute in (5, 20, 40):
        submit(world.unit, world.service, [3] * 9, answered_at=at(19, minute), kiosk_id=tablet.id)
    self_filling_detect(since=DAY, until=DAY)
    group = FlagGroup.objects.get()
    for username, status in (("operator", 200), ("camat", 200), ("bagor", 200), ("kadis", 404),
                             ("bagor-lain", 404), ("tamu", 404)):
        client = Client()
        sign_in(client, username)
        assert client.get(f"/staf/unit/{world.unit.code}/integritas/").status_code == status, username
    client = Client()
    sign_in(client, "kadis")
    assert client.post(f"/staf/unit/{world.unit.code}/integritas/{group.id}/",
                       {"decision": "exclude"}).status_code == 404
    sign_in(client, "operator")
    assert client.post(f"/staf/unit/{world.unit.code}/integritas/{group.id}/",
                       {"decision": "maybe"}).status_code == 400
    assert not Response.objects.filter(excluded_at__isnull=False).exists()


def test_the_demo_traffic_raises_no_false_positive(db, capsys):
    call_command("seed_demo", responses=3000, seed=2026, stdout=io.StringIO())
    last = Response.objects.order_by("-answered_at").values_list("answered_at", flat=True).first()
    until = timezone.localdate(last)
    found = self_filling_detect(since=until - timedelta(days=400), until=until, store=False)
    flagged = sum(len(group.response_ids) for group in found)
    total = Response.objects.count()
    with capsys.disabled():  # shown in every run, not only with -s
        print(f"\nself-filling false positives on the demo data: {flagged} of {total} responses in {len(found)} "
              f"groups {json.dumps(reasons(found))}")
    assert flagged == 0
