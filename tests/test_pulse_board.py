"""The daily pulse board: today's counts from zero at local midnight (Asia/Jakarta), the days before it,
scoped like the unit dashboard; switching kiosks to pulse mode; the wall display page; the demo kiosk."""

import io
import json
import re
import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from agencies.models import AuditEvent
from pulse.demo import PULSE_TOKEN, pulse_demo_seed
from pulse.models import PulseAnswer
from pulse.selectors import pulse_board
from pulse.services import NewPulse, pulse_answer_record, pulse_day
from surveys.kiosk import kiosk_create
from surveys.models import Kiosk, KioskMode
from tests.dashboard_helpers import client_for, text
from tests.factories import make_agency, make_region, make_unit

pytestmark = pytest.mark.django_db


def post_tap(token, value, answered_at: datetime):
    return Client().post("/api/v1/pulse", json.dumps({
        "key": str(uuid.uuid4()), "value": value, "answered_at": answered_at.isoformat()}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Kiosk {token}")


def record(unit, value, answered_at):
    return pulse_answer_record(NewPulse(key=uuid.uuid4(), value=value, answered_at=answered_at),
                               unit_id=unit.id, kiosk_id=None)


def local_at(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def board_page(user, unit) -> str:
    response = client_for(user).get(f"/denyut/unit/{unit.code}/")
    assert response.status_code == 200
    return response.content.decode()


def today_counts(page: str) -> list[int]:
    return [int(re.search(rf'data-testid="count-{value}">(\d+)<', page).group(1)) for value in range(1, 5)]


def previous_row(page: str, day: date) -> list[str]:
    row = re.search(rf'<tr data-day="{day.isoformat()}"[^>]*>(.*?)</tr>', page, flags=re.S).group(1)
    return re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)[1:]


def test_the_day_is_the_local_date_in_jakarta_of_the_tablets_time(settings):
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert pulse_day(datetime(2026, 11, 23, 16, 59, tzinfo=UTC)) == date(2026, 11, 23)  # 23:59 WIB
    assert pulse_day(datetime(2026, 11, 23, 17, 1, tzinfo=UTC)) == date(2026, 11, 24)  # 00:01 WIB


def test_the_board_starts_from_zero_at_local_midnight(world, pulse_kiosk):
    """23:59 and 00:01 local land on different days, even when both arrive after midnight (a queued tap
    keeps the day it was given: the tablet's answered_at defines the day, not the server's received time)."""
    _kiosk, token = pulse_kiosk
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    # Sent in UTC, as any client may: the server converts to Jakarta time.
    assert post_tap(token, 1, local_at(yesterday, 23, 59).astimezone(UTC)).status_code == 201
    assert post_tap(token, 4, local_at(today, 0, 1).astimezone(UTC)).status_code == 201
    assert sorted(PulseAnswer.objects.values_list("day", "value")) == [(yesterday, 1), (today, 4)]
    received = PulseAnswer.objects.get(value=1).received_at
    assert timezone.localtime(received).date() == today  # received today, counted yesterday

    page = board_page(world.operator, world.unit)
    assert today_counts(page) == [0, 0, 0, 1]
    assert re.search(r'data-testid="total">1<', page)
    assert previous_row(page, yesterday) == ["1", "0", "0", "0", "1", "0,0%"]

    # The wall display's counts follow the same day.
    board = Client().get("/api/v1/pulse/board", HTTP_AUTHORIZATION=f"Kiosk {token}").json()
    assert (board["day"], board["total"], board["satisfied_percent"]) == (today.isoformat(), 1, 100.0)


def test_a_board_for_a_given_day_counts_that_day_only(world):
    day = date(2026, 11, 24)
    for value, moment in ((3, local_at(day - timedelta(days=1), 23, 59)), (4, local_at(day, 0, 1)),
                          (2, local_at(day, 12, 0)), (4, local_at(day, 23, 59)), (1, local_at(day, 0, 0)),
                          (1, local_at(day + timedelta(days=1), 0, 0))):
        record(world.unit, value, moment)
    record(world.other_unit, 4, local_at(day, 10, 0))
    days = pulse_board(unit_id=world.unit.id, today=day, days=3)
    assert [d.day for d in days] == [day, day - timedelta(days=1), day - timedelta(days=2)]
    assert [d.counts for d in days] == [(1, 1, 0, 2), (0, 0, 1, 0), (0, 0, 0, 0)]
    assert (days[0].total, days[0].satisfied, str(days[0].satisfied_percent)) == (4, 2, "50.0")
    assert days[2].satisfied_percent is None


def test_the_board_shows_thirty_days_with_shares_and_a_chart(world):
    today = timezone.localdate()
    for value in (4, 4, 3, 2, 1, 3):
        record(world.unit, value, local_at(today - timedelta(days=3), 10, 0))
    page = board_page(world.operator, world.unit)
    assert today_counts(page) == [0, 0, 0, 0]
    assert previous_row(page, today - timedelta(days=3)) == ["1", "1", "2", "2", "6", "66,7%"]
    assert len(re.findall(r'<tr data-day="', page)) == 29
    assert "<svg" in page and "Jawaban denyut per hari" in page
    assert f'href="/denyut/unit/{world.unit.code}/layar/"' in page
    assert "tidak pernah masuk ke IKM" in text(page)


@pytest.mark.parametrize("user, unit, status", [
    ("operator", "unit", 200), ("agency_admin", "sub_unit", 200), ("region_admin", "other_unit", 200),
    ("operator", "other_unit", 404), ("other_agency_admin", "unit", 404), ("stranger", "unit", 404),
    ("nobody", "unit", 404),
])
def test_the_board_is_scoped_like_the_unit_dashboard(world, user, unit, status):
    record(getattr(world, unit), 4, timezone.now())
    response = client_for(getattr(world, user)).get(f"/denyut/unit/{getattr(world, unit).code}/")
    assert response.status_code == status
    anonymous = Client().get(f"/denyut/unit/{world.unit.code}/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_the_board_is_linked_from_the_unit_dashboard_and_the_kiosk_list(world):
    client = client_for(world.operator)
    link = f'href="/denyut/unit/{world.unit.code}/"'
    assert link in client.get(f"/dasbor/unit/{world.unit.code}/").content.decode()
    assert link in client.get(f"/staf/unit/{world.unit.code}/kios/").content.decode()


def test_the_wall_display_is_a_public_page_without_inline_script(world):
    response = Client().get("/denyut/layar/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<script src="/static/pulse/wall.js" defer></script>' in page
    assert re.search(r'<script id="wall-config" type="application/json">', page)
    config = json.loads(re.search(r'<script id="wall-config" type="application/json">(.*?)</script>',
                                  page).group(1))
    assert config["board"] == "/api/v1/pulse/board" and 15 <= config["poll_seconds"] <= 30
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_staff_open_the_wall_display_with_their_session_within_their_scope(world):
    record(world.unit, 4, timezone.now())
    record(world.unit, 2, timezone.now())
    page = client_for(world.operator).get(f"/denyut/unit/{world.unit.code}/layar/")
    assert page.status_code == 200
    config = json.loads(re.search(r'<script id="wall-config" type="application/json">(.*?)</script>',
                                  page.content.decode()).group(1))
    assert config == {"board": f"/denyut/unit/{world.unit.code}/layar/hitungan.json", "signed_in": True,
                      "poll_seconds": config["poll_seconds"]}
    counts = client_for(world.operator).get(config["board"])
    assert counts["Cache-Control"].startswith("max-age=0")
    data = counts.json()
    assert (data["unit"]["name"], data["total"], data["satisfied"], data["satisfied_percent"]) == (
        "Loket Kecamatan", 2, 1, 50.0)
    assert client_for(world.other_agency_admin).get(config["board"]).status_code == 404
    assert Client().get(config["board"]).status_code == 302


def test_a_manager_registers_a_pulse_kiosk_and_gets_its_wall_link(world):
    client = client_for(world.operator)
    response = client.post(f"/staf/unit/{world.unit.code}/kios/", {"name": "Tablet denyut", "mode": "pulse"})
    assert response.status_code == 200
    page = response.content.decode()
    token = re.search(r'id="kiosk-link" value="http://testserver/kiosk/#([^"]+)"', page).group(1)
    assert f'id="wall-link" value="http://testserver/denyut/layar/#{token}"' in page
    kiosk = Kiosk.objects.get(name="Tablet denyut")
    assert kiosk.mode == KioskMode.PULSE
    assert Client().get("/api/v1/kiosk", HTTP_AUTHORIZATION=f"Kiosk {token}").json()["mode"] == "pulse"


def test_a_manager_switches_an_existing_kiosk_and_it_is_audited(world):
    kiosk, token = kiosk_create(unit=world.unit, name="Tablet loket 1")
    url = f"/staf/unit/{world.unit.code}/kios/{kiosk.id}/mode/"
    assert Client().get("/api/v1/kiosk", HTTP_AUTHORIZATION=f"Kiosk {token}").json()["mode"] == "survey"

    response = client_for(world.operator).post(url, {"mode": "pulse"}, follow=True)
    assert "kini dalam mode Denyut harian" in text(response.content.decode())
    kiosk.refresh_from_db()
    assert kiosk.mode == KioskMode.PULSE
    # The cached kiosk row is dropped: the API sees the new mode at once.
    assert Client().get("/api/v1/kiosk", HTTP_AUTHORIZATION=f"Kiosk {token}").json()["mode"] == "pulse"
    event = AuditEvent.objects.get(action=AuditEvent.Action.KIOSK_MODE_CHANGED)
    assert (event.actor, event.region, event.detail["before"], event.detail["after"]) == (
        world.operator, world.region, "survey", "pulse")
    assert event.get_action_display() == "Mode kios diubah"

    # Nonsense changes nothing; another unit's manager does not see the kiosk.
    client_for(world.operator).post(url, {"mode": "lainnya"})
    assert client_for(world.other_agency_admin).post(url, {"mode": "survey"}).status_code == 404
    assert client_for(world.operator).get(url).status_code == 405
    kiosk.refresh_from_db()
    assert kiosk.mode == KioskMode.PULSE
    assert AuditEvent.objects.filter(action=AuditEvent.Action.KIOSK_MODE_CHANGED).count() == 1


def test_the_command_registers_a_pulse_kiosk(world):
    out = io.StringIO()
    call_command("kiosk_create", world.unit.code, "Tablet denyut", "--mode", "pulse",
                 "--base-url", "https://skm.example.go.id", stdout=out)
    lines = dict(line.split(": ", 1) for line in out.getvalue().splitlines())
    token = lines["token"]
    assert lines["wall display"] == f"https://skm.example.go.id/denyut/layar/#{token}"
    assert Kiosk.for_token(token).mode == KioskMode.PULSE


def test_the_demo_pulse_kiosk_is_reproducible_and_fills_the_board():
    region = make_region("sukamaju", name="Kota Sukamaju")
    unit = make_unit(make_agency(region, "disdukcapil"), "disdukcapil-loket")
    today = date(2026, 11, 23)

    def run(seed):
        with transaction.atomic():
            count = pulse_demo_seed(seed=seed, today=today)
            rows = list(PulseAnswer.objects.order_by("key").values_list("key", "value", "answered_at", "day"))
            transaction.set_rollback(True)
        return count, rows

    assert run(7) == run(7) and run(7) != run(8)
    count = pulse_demo_seed(seed=7, today=today)
    kiosk = Kiosk.for_token(PULSE_TOKEN)
    assert (kiosk.unit, kiosk.mode, kiosk.is_revoked) == (unit, KioskMode.PULSE, False)
    days = pulse_board(unit_id=unit.id, today=today, days=15)
    assert days[0].total == 0  # nothing today: the board starts from zero
    assert sum(day.total for day in days) == count > 0
    assert all(day.total == 0 for day in days if day.day.weekday() >= 5)


def test_demo_welcome_prints_the_pulse_links():
    out = io.StringIO()
    call_command("demo_welcome", "--base-url", "https://demo.example", stdout=out)
    assert "https://demo.example/kiosk/#demo-pulse-sukamaju" in out.getvalue()
    assert "https://demo.example/denyut/layar/#demo-pulse-sukamaju" in out.getvalue()
