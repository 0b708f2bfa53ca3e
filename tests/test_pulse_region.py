"""The region's view of the daily pulse for Bagian Organisasi: per unit today's and the last week's answers and
the unhappy share, for the region admin's own region only."""

import uuid
from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from agencies.models import ServiceUnit
from pulse.selectors import pulse_region_units
from pulse.services import NewPulse, pulse_answer_record

pytestmark = pytest.mark.django_db


def tap(unit, value, days_ago=0, hour=10):
    day = timezone.localdate() - timedelta(days=days_ago)
    moment = timezone.make_aware(datetime.combine(day, time(hour)))
    pulse_answer_record(NewPulse(key=uuid.uuid4(), value=value, answered_at=min(moment, timezone.now())),
                        unit_id=unit.id, kiosk_id=None)


@pytest.fixture
def taps(world):
    # unit today: 1, 2, 4, 4 (2 of 4 unhappy); two days ago 3, 3 -> week: 2 of 6 unhappy
    for value in (1, 2, 4, 4):
        tap(world.unit, value)
    for value in (3, 3):
        tap(world.unit, value, days_ago=2)
    # other_unit: nothing today, 1, 1, 3 three days ago -> week: 2 of 3 unhappy
    for value in (1, 1, 3):
        tap(world.other_unit, value, days_ago=3)
    tap(world.sub_unit, 4, days_ago=7)  # eight days ago: outside the week
    tap(world.far_unit, 1)  # another region
    return world


def test_the_figures_per_unit(taps):
    rows = pulse_region_units(units=ServiceUnit.objects.filter(agency__region=taps.region))
    assert [(row.unit.code, row.today, row.today_unhappy, row.recent, row.recent_unhappy) for row in rows] == [
        ("loket-dinas", 0, 0, 3, 2), ("loket-kecamatan", 4, 2, 6, 2)]
    other, unit = rows
    assert other.today_unhappy_percent is None and str(other.recent_unhappy_percent) == "66.7"
    assert str(unit.today_unhappy_percent) == "50.0" and str(unit.recent_unhappy_percent) == "33.3"


def test_the_region_admin_sees_every_unit_of_the_region(taps):
    client = Client()
    client.force_login(taps.region_admin)
    dashboard = client.get(f"/dasbor/daerah/{taps.region.code}/").content.decode()
    assert f'href="/denyut/daerah/{taps.region.code}/"' in dashboard
    response = client.get(f"/denyut/daerah/{taps.region.code}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hari ini 4 jawaban, 2 tidak puas." in " ".join(page.split())
    assert page.index('data-unit="loket-dinas"') < page.index('data-unit="loket-kecamatan"')
    assert "66,7%" in page and "50,0%" in page and "33,3%" in page
    assert "Loket Kelurahan" not in page and "Loket Jauh" not in page
    assert f'href="/denyut/unit/{taps.unit.code}/"' in page


def test_nobody_else_sees_a_regions_pulse(taps):
    url = f"/denyut/daerah/{taps.region.code}/"
    for user in (taps.agency_admin, taps.operator, taps.stranger, taps.nobody):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    assert Client().get(url).status_code == 302  # to the login page
    stranger = Client()
    stranger.force_login(taps.stranger)
    page = stranger.get(f"/denyut/daerah/{taps.other_region.code}/").content.decode()
    assert "Loket Jauh" in page and "Loket Kecamatan" not in page
