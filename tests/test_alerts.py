"""Daily e-mail alerts to unit heads who opt in (issue 17, item 10); mail goes to Django's locmem outbox."""

import re
import uuid
from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from agencies.models import TimeZone
from pulse.services import NewPulse, pulse_answer_record
from reports.alerts import alerts_send
from reports.models import AlertSubscription
from tests.dashboard_helpers import client_for, text
from tests.suggestion_helpers import add_responses

pytestmark = pytest.mark.django_db
BASE = "https://skm.example.go.id"


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def head(world):
    world.operator.email = "kepala.loket@example.go.id"
    world.operator.save()
    AlertSubscription.objects.create(user=world.operator, is_active=True, hour=0, unhappy_share=30)
    return world


def taps(unit, values, moment):
    for value in values:
        pulse_answer_record(NewPulse(key=uuid.uuid4(), value=value, answered_at=moment), unit_id=unit.id, kiosk_id=None)


def send(now=None):
    alerts_send(now=now or timezone.now(), base_url=BASE)
    return mail.outbox


def links(message):
    return [link[len(BASE):] for link in re.findall(rf"{re.escape(BASE)}\S+", message.body)]


def test_an_element_below_c_over_the_last_50_answers_is_sent_with_a_link_to_the_dashboard(head):
    today = timezone.localdate()
    # 50 older answers were bad; only the newest 50 count, and there U3 is 1 (NRR × 25 = 25.00, D).
    add_responses(head.unit, [(today - timedelta(days=30), "", {"U5": 1})] * 50)
    add_responses(head.unit, [(today - timedelta(days=1), "", {"U3": 1})] * 50)
    [message] = send()
    assert message.to == ["kepala.loket@example.go.id"]
    assert "U3 Waktu Penyelesaian: NRR × 25 dari 50 jawaban terakhir 25.00 (mutu D, di bawah C)" in message.body
    assert "U5" not in message.body
    dashboard = reverse("reports:unit_dashboard", args=[head.unit.code])
    assert dashboard in links(message)
    assert client_for(head.operator).get(dashboard).status_code == 200


def test_fewer_than_50_answers_or_a_c_grade_send_nothing(head):
    today = timezone.localdate()
    add_responses(head.unit, [(today - timedelta(days=1), "", {"U3": 1})] * 49)
    assert send() == []
    AlertSubscription.objects.update(last_sent_on=None)
    # NRR 2.60 (65.00) is the lowest C: no alert.
    add_responses(head.unit, [(today, "", {"U3": 3})] * 30 + [(today, "", {"U3": 2})] * 20)
    assert send() == []


def test_the_days_unhappy_pulse_share_over_the_threshold_is_sent(head):
    now = timezone.now()
    taps(head.unit, [1, 2, 2, 2] + [4] * 8, now)  # 4 of 12 unhappy: 33% >= 30%
    [message] = send(now)
    assert re.search(r"Denyut harian \S+: 33% ketukan tidak puas \(4 dari 12\), ambang 30%", message.body)
    board = reverse("pulse:board", args=[head.unit.code])
    assert board in links(message) and client_for(head.operator).get(board).status_code == 200

    mail.outbox.clear()
    AlertSubscription.objects.update(last_sent_on=None, unhappy_share=40)
    assert send(now) == []


def test_a_complaint_theme_doubling_its_four_week_average_is_sent_with_a_link_to_those_complaints(head):
    today = timezone.localdate()
    add_responses(head.unit, [
        *[(today - timedelta(days=d), "Toilet kotor dan bau", 2) for d in (0, 1, 3, 5)],  # U8: 4 this week
        *[(today - timedelta(days=d), "Toiletnya kotor", 2) for d in (8, 15, 22, 29)],  # 1 a week before
        *[(today - timedelta(days=d), "Antre lama sekali", 2) for d in (0, 1, 2)],  # U3: 3 this week
        *[(today - timedelta(days=d), "Antrean lama", 2) for d in (8, 9, 15, 16, 22, 23, 29, 30)],  # 2 a week
    ])
    [message] = send()
    assert ("Keluhan tentang U8 Sarana dan Prasarana: 4 dalam 7 hari terakhir, rata-rata 4 minggu sebelumnya "
            "1,0 per minggu") in message.body
    assert "U3 Waktu" not in message.body
    [link] = [link for link in links(message) if "tema=U8" in link]
    page = client_for(head.operator).get(link.replace("&amp;", "&")).content.decode()
    assert text(page).count("Toilet kotor dan bau") == 4 and "Toiletnya kotor" not in page


def test_a_digest_goes_once_a_day_at_the_chosen_hour_in_the_regions_time(head):
    head.region.time_zone = TimeZone.WIT
    head.region.save()
    AlertSubscription.objects.update(hour=16)
    taps(head.unit, [1] * 10, timezone.now())
    day = timezone.localdate()
    at = datetime(day.year, day.month, day.day, tzinfo=dt_timezone.utc)
    assert send(at + timedelta(hours=6, minutes=55)) == []  # 15:55 WIT
    assert len(send(at + timedelta(hours=7, minutes=5))) == 1  # 16:05 WIT
    assert len(send(at + timedelta(hours=9))) == 1  # sent already today
    assert AlertSubscription.objects.get().last_sent_on == day


def test_nobody_who_did_not_opt_in_gets_mail(head):
    taps(head.unit, [1] * 10, timezone.now())
    AlertSubscription.objects.update(is_active=False)
    assert send() == []


def test_the_command_sends_the_due_digests(head, capsys):
    taps(head.unit, [1] * 10, timezone.now())
    call_command("send_alerts", "--base-url", BASE)
    assert "1 alert digest(s) sent" in capsys.readouterr().out
    assert len(mail.outbox) == 1 and mail.outbox[0].subject.startswith("SKM: 1 peringatan")


def test_a_unit_head_opts_in_on_the_settings_page(world):
    client = client_for(world.agency_admin)
    url = reverse("reports:alert_settings")
    page = client.get(url).content.decode()
    assert "Loket Kecamatan" in page and "Loket Kelurahan" in page and "Loket Dinas" not in page
    response = client.post(url, {"is_active": "on", "hour": "7", "unhappy_share": "25"})
    assert response.status_code == 302
    saved = AlertSubscription.objects.get(user=world.agency_admin)
    assert (saved.is_active, saved.hour, saved.unhappy_share) == (True, 7, 25)
    page = client.post(url, {"is_active": "on", "hour": "24", "unhappy_share": "0"}).content.decode()
    assert "24" in page and AlertSubscription.objects.get(user=world.agency_admin).hour == 7
    page = client_for(world.region_admin).get(url).content.decode()
    assert "Akun Anda tidak memegang peran tersebut" in page and "unhappy_share" not in page
    response = client_for(world.region_admin).post(url, {"is_active": "on", "hour": "7", "unhappy_share": "25"})
    assert response.status_code == 200
    assert not AlertSubscription.objects.filter(user=world.region_admin).exists()
