"""The kiosks overview shows when each kiosk was last heard from and warns about one silent for a whole
working day."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.selectors import kiosk_is_silent
from surveys.models import Kiosk
from tests.dashboard_helpers import by_testid, client_for

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(datetime(*args))


@pytest.mark.parametrize("last, now, silent", [
    (at(2026, 11, 19, 15), at(2026, 11, 20, 16), False),  # Thursday -> Friday: no whole day between
    (at(2026, 11, 20, 15), at(2026, 11, 23, 9), False),  # Friday -> Monday: only the weekend between
    (at(2026, 11, 19, 15), at(2026, 11, 23, 9), True),  # Thursday -> Monday: Friday passed in silence
    (at(2026, 11, 17, 8), at(2026, 11, 19, 8), True),  # Tuesday -> Thursday: Wednesday passed
    (at(2026, 11, 23, 23, 30), at(2026, 11, 24, 8), False),  # late Monday -> Tuesday morning
])
def test_it_counts_whole_working_days_of_silence(last, now, silent):
    assert kiosk_is_silent(last_contact=last, now=now) is silent


def make_kiosk(unit, name, *, last_seen=None, revoked=False):
    kiosk = Kiosk(unit=unit, name=name, last_seen_at=last_seen, revoked_at=timezone.now() if revoked else None)
    kiosk.issue_token()
    kiosk.save()
    return kiosk


def test_it_warns_about_silent_kiosks_in_the_scope_only(world):
    long_ago = timezone.now() - timezone.timedelta(days=10)
    make_kiosk(world.unit, "Tablet sehat", last_seen=timezone.now())
    make_kiosk(world.sub_unit, "Tablet diam", last_seen=long_ago)
    make_kiosk(world.unit, "Tablet dicabut", last_seen=long_ago, revoked=True)
    make_kiosk(world.other_unit, "Tablet dinas lain", last_seen=long_ago)

    page = client_for(world.agency_admin).get(reverse("agencies:agency_kiosks", args=[world.agency.code]))
    html = page.content.decode()
    rows = by_testid(html, "kiosks")

    assert "Tablet sehat" in rows and "Tablet diam" in rows and "Tablet dicabut" in rows
    assert "Tablet dinas lain" not in rows
    assert "1 kios tidak mengirim kabar selama lebih dari satu hari kerja" in html
    assert rows.count("diam lebih dari satu hari kerja") == 1
