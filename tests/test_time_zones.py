"""A region's time zone (WIB, WITA, WIT) decides the day of a response and so every tally, the current period
and "hari ini", pulse days and every date printed on a document or the public page."""

import re
import uuid
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from agencies.models import Population
from pulse.models import PulseAnswer
from pulse.selectors import pulse_today
from pulse.services import NewPulse, pulse_answer_record
from reports.documents.publication import publication_versions
from reports.models import Publication
from reports.periods import Period
from reports.selectors import scores_by_unit
from surveys.models import ResponseMonthTally, ResponseTally
from surveys.tallies import tallies_differences, tallies_rebuild
from tests.documents_helpers import pdf_text
from tests.factories import make_agency, make_region, make_service, make_unit, make_user, submit

pytestmark = pytest.mark.django_db

# 16:30 UTC on 31 March: 23:30 WIB on 31 March, 00:30 WITA and 01:30 WIT on 1 April.
EDGE = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)
ZONES = {"Asia/Jakarta": date(2026, 3, 31), "Asia/Makassar": date(2026, 4, 1), "Asia/Jayapura": date(2026, 4, 1)}


def region_in(zone: str, code: str):
    region = make_region(code, name=f"Kota {code.title()}", time_zone=zone)
    agency = make_agency(region, f"dinas-{code}", name=f"Dinas {code.title()}")
    unit = make_unit(agency, f"loket-{code}", name=f"Loket {code.title()}")
    return region, unit, make_service(unit), make_user(f"bagor-{code}", region)


@pytest.mark.parametrize("zone, day", ZONES.items())
def test_the_day_of_a_response_is_the_regions_local_day(zone, day):
    _region, unit, service, _admin = region_in(zone, "zona")
    submit(unit, service, [3] * 9, answered_at=EDGE)
    assert list(ResponseTally.objects.values_list("day", flat=True)) == [day]
    assert list(ResponseMonthTally.objects.values_list("month", flat=True)) == [day.replace(day=1)]
    quarter = Period.containing(day)
    assert scores_by_unit(unit_ids=[unit.id], period=quarter)[unit.id].respondents == 1
    other = Period.quarter(2026, 1 if day.month == 4 else 2)
    assert scores_by_unit(unit_ids=[unit.id], period=other) == {}
    # a recount from the raw responses agrees, and a rebuild keeps each region's local day
    assert tallies_differences() == []
    tallies_rebuild()
    assert list(ResponseTally.objects.values_list("day", flat=True)) == [day]


def test_regions_in_different_zones_count_the_same_instant_on_their_own_days(client, frozen):
    frozen(EDGE)
    dashboards = {}
    for zone, code in (("Asia/Jakarta", "barat"), ("Asia/Makassar", "tengah"), ("Asia/Jayapura", "timur")):
        region, unit, service, admin = region_in(zone, code)
        submit(unit, service, [4] * 9, answered_at=EDGE)
        client.force_login(admin)
        page = client.get(reverse("reports:region_dashboard", args=[region.code]))
        dashboards[zone] = (page.context["period"], page.context["respondents"], page.context["today_count"])
        q2 = client.get(reverse("reports:region_dashboard", args=[region.code]), {"period": "2026-Q2"})
        dashboards[zone] += (q2.context["period"].short_label, q2.context["respondents"])
    # WIB: still Q1 (the response is in it, Q2 is the future and not shown); WITA and WIT: "hari ini" is
    # 1 April, and Q2 holds the response
    assert dashboards == {
        "Asia/Jakarta": (Period.quarter(2026, 1), 1, 1, "TW I 2026", 1),
        "Asia/Makassar": (Period.quarter(2026, 2), 1, 1, "TW II 2026", 1),
        "Asia/Jayapura": (Period.quarter(2026, 2), 1, 1, "TW II 2026", 1),
    }


def test_a_future_period_is_neither_shown_nor_downloadable(client, frozen):
    frozen(EDGE)
    region, unit, service, admin = region_in("Asia/Makassar", "tengah")
    client.force_login(admin)
    page = client.get(reverse("reports:region_dashboard", args=[region.code]), {"period": "2026-Q3"})
    assert page.context["period"] == Period.quarter(2026, 2)
    assert "Triwulan III 2026 belum dimulai" in page.content.decode()
    assert "2026-Q3" not in str(page.context["period_options"])
    document = client.get(reverse("documents:unit-laporan", args=[unit.code]), {"period": "2026-Q3"})
    assert document.status_code == 404 and document["Content-Type"].startswith("text/html")
    assert "Triwulan III 2026 belum dimulai" in document.content.decode()
    # the WIB region is still in Q1 at that instant: Q2 is its future
    wib, wib_unit, _service, wib_admin = region_in("Asia/Jakarta", "barat")
    client.force_login(wib_admin)
    assert client.get(reverse("documents:unit-laporan", args=[wib_unit.code]),
                      {"period": "2026-Q2"}).status_code == 404


@pytest.mark.parametrize("zone, printed", [("Asia/Jakarta", "4 Desember 2026"), ("Asia/Makassar", "5 Desember 2026"),
                                           ("Asia/Jayapura", "5 Desember 2026")])
def test_documents_and_the_public_page_print_the_regions_date(client, frozen, zone, printed):
    moment = datetime(2026, 12, 4, 16, 30, tzinfo=UTC)  # 23:30 WIB, 00:30 WITA, 01:30 WIT
    frozen(moment)
    region, unit, service, admin = region_in(zone, "zona")
    Population.objects.create(unit=unit, year=2026, quarter=3, service_users=10)
    for _ in range(10):
        submit(unit, service, [3] * 9, answered_at=datetime(2026, 8, 3, 3, tzinfo=UTC))
    client.force_login(admin)
    laporan = client.get(reverse("documents:unit-laporan", args=[unit.code]), {"period": "2026-Q3"})
    text = re.sub(r"\s+", " ", pdf_text(laporan.content)[0])
    assert f"{region.name}, {printed}" in text and "belum dipublikasikan" in text
    client.post(reverse("documents:region-publication", args=[region.code]),
                {"period": "2026-Q3", "action": "publish", "confirmed": "yes"})
    assert publication_versions(region=region, period=Period.quarter(2026, 3))[0].published_at == moment
    laporan = client.get(reverse("documents:unit-laporan", args=[unit.code]), {"period": "2026-Q3"})
    assert f"dipublikasikan pada {printed}" in re.sub(r"\s+", " ", pdf_text(laporan.content)[0])
    client.logout()
    page = client.get(reverse("public:region", args=[region.code])).content.decode()
    assert f"Dipublikasikan {printed}" in page
    notice = client.get(reverse("public:notice-pdf", args=[region.code, "2026-Q3", unit.code]))
    assert f"Dipublikasikan {printed}" in re.sub(r"\s+", " ", pdf_text(notice.content)[0])


def test_a_publication_at_0450_wib_on_5_december_is_dated_5_december(client, frozen):
    frozen(datetime(2026, 12, 4, 21, 50, tzinfo=UTC))
    region, unit, service, admin = region_in("Asia/Jakarta", "barat")
    submit(unit, service, [3] * 9, answered_at=datetime(2026, 8, 3, 3, tzinfo=UTC))
    client.force_login(admin)
    client.post(reverse("documents:region-publication", args=[region.code]),
                {"period": "2026-Q3", "action": "publish", "confirmed": "yes"})
    assert Publication.objects.count() == 1
    staff = client.get(reverse("documents:region-publication", args=[region.code])).content.decode()
    assert "5 Desember 2026" in staff
    page = client.get(reverse("public:notice", args=[region.code, "2026-Q3", unit.code])).content.decode()
    assert "Dipublikasikan 5 Desember 2026" in page and "4 Desember" not in page


@pytest.mark.parametrize("zone, day", ZONES.items())
def test_pulse_days_and_today_are_the_regions(frozen, zone, day):
    frozen(EDGE)
    _region, unit, _service, _admin = region_in(zone, "zona")
    pulse_answer_record(NewPulse(key=uuid.uuid4(), value=4, answered_at=EDGE), unit_id=unit.id, kiosk_id=None)
    assert PulseAnswer.objects.get().day == day
    today = pulse_today(unit_id=unit.id)
    assert (today.day, today.total) == (day, 1)


def test_purging_before_a_day_uses_each_regions_local_day(frozen):
    from surveys.models import Response
    from surveys.services import responses_purge

    frozen(datetime(2026, 6, 1, 3, tzinfo=UTC))
    kept = {}
    for zone_name, code in (("Asia/Jakarta", "barat"), ("Asia/Makassar", "tengah")):
        _region, unit, service, _admin = region_in(zone_name, code)
        kept[zone_name] = submit(unit, service, [3] * 9, answered_at=EDGE)
    assert responses_purge(before=date(2026, 4, 1)) == 1  # 23:30 WIB on 31 March is before 1 April; 00:30 WITA not
    assert list(Response.objects.values_list("id", flat=True)) == [kept["Asia/Makassar"]]
    assert tallies_differences() == []
