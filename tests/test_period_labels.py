"""One period label style ("Triwulan III 2026" long, "TW III 2026" short), the latest population first, and
no future quarter offered."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from agencies.models import Population

pytestmark = pytest.mark.django_db


def test_populasi_terakhir_is_the_latest_population_in_the_short_label(client, world):
    for year, quarter, users in ((2026, 1, 100), (2026, 3, 300), (2025, None, 900), (2026, 2, 200)):
        Population.objects.create(unit=world.unit, year=year, quarter=quarter, service_users=users)
    client.force_login(world.region_admin)
    page = re.sub(r"\s+", " ", client.get(reverse("agencies:region_manage", args=["kota-uji"])).content.decode())
    assert "300 (TW III 2026)" in page and "TW 1" not in page and "TW 3" not in page
    history = client.get(reverse("agencies:unit_population", args=[world.unit.code])).content.decode()
    assert re.findall(r"<td>(TW [IV]+ \d{4}|Tahun \d{4})</td>", history) == [
        "TW III 2026", "TW II 2026", "TW I 2026", "Tahun 2025"]
    assert str(Population.objects.get(quarter=3)) == "Loket Kecamatan TW III 2026: 300"


def test_the_follow_up_page_offers_no_quarter_that_has_not_started(client, world, frozen):
    frozen(datetime(2026, 8, 15, 3, tzinfo=UTC))
    client.force_login(world.region_admin)
    running = client.get(reverse("reports:follow_up", args=[world.unit.code]), {"period": "2026-Q3"})
    text = running.content.decode()  # (a plan's target may lie ahead: only the navigation is checked)
    assert "TW IV 2026 →" not in text and "Lihat dampaknya di TW IV 2026" not in text
    past = client.get(reverse("reports:follow_up", args=[world.unit.code]), {"period": "2026-Q2"})
    assert "TW III 2026 →" in past.content.decode()
