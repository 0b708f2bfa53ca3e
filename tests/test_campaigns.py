"""Campaign progress counted from the tallies, targets, the "behind" rule, form checks, scoping, and the
campaign's period in the normal reports and the regional recap."""

import io
from datetime import date

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from agencies.models import AuditEvent, Population, Service
from campaigns.models import Campaign
from campaigns.progress import is_behind, share_elapsed
from campaigns.selectors import campaign_progress
from campaigns.services import campaign_save
from campaigns.targets import population_periods, targets_by_unit
from reports.periods import Period
from reports.sampling import krejcie_morgan
from surveys.models import Response
from tests.factories import local, make_service, submit

pytestmark = pytest.mark.django_db
START, END = date(2026, 8, 3), date(2026, 8, 14)
ALL_FOURS = [4] * 9


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_campaign(world, units, *, services=("PKK", "Posyandu"), target=10, **fields) -> Campaign:
    campaign = Campaign(region=world.region, name="Kampanye Agustus", start=START, end=END,
                        target_kind=fields.pop("target_kind", Campaign.TargetKind.FIXED),
                        target_fixed=target, **fields)
    return campaign_save(campaign=campaign, units=list(units), service_names=list(services), by=world.region_admin)


def service(unit, name) -> Service:
    return Service.objects.get(unit=unit, name=name)


@pytest.fixture
def running(world):
    """A campaign over Loket Kecamatan and Loket Dinas for PKK and Posyandu, 3-14 August 2026, with responses on
    several days, before and after it, to another service and at a unit outside it."""
    campaign = make_campaign(world, [world.unit, world.other_unit])
    unit_pkk, unit_posyandu = service(world.unit, "PKK"), service(world.unit, "Posyandu")
    other_pkk = service(world.other_unit, "PKK")
    plan = [  # (unit, service, day, how many)
        (world.unit, unit_pkk, 3, 2), (world.unit, unit_pkk, 5, 3), (world.unit, unit_posyandu, 5, 1),
        (world.unit, unit_posyandu, 14, 4), (world.other_unit, other_pkk, 4, 1),
        (world.unit, unit_pkk, 2, 5), (world.unit, unit_pkk, 15, 5),  # the days around the campaign
        (world.unit, world.service, 6, 7),  # a service the campaign does not cover
        (world.sub_unit, world.sub_unit.services.get(), 6, 6),  # a unit outside the campaign
    ]
    for unit, unit_service, day, count in plan:
        for number in range(count):
            submit(unit, unit_service, ALL_FOURS, answered_at=local(2026, 8, day, 8 + number))
    # late in the evening of the last day, local time: still the campaign's day
    submit(world.other_unit, other_pkk, ALL_FOURS, answered_at=local(2026, 8, 14, 23))
    return campaign


def in_campaign(unit, name) -> int:
    """An independent count, straight from the stored responses."""
    return Response.objects.filter(unit=unit, service__name=name, excluded_at__isnull=True,
                                   answered_at__gte=local(2026, 8, 3, 0), answered_at__lt=local(2026, 8, 15, 0)).count()


def test_progress_counts_the_responses_per_unit_and_service(running, world):
    progress = campaign_progress(campaign=running, units=running.units.order_by("name"), today=date(2026, 8, 20))
    rows = {row.unit.code: row for row in progress.units}
    pkk, posyandu = (service.id for service in progress.services)

    assert rows["loket-kecamatan"].by_service == {pkk: 5, posyandu: 5}
    assert rows["loket-dinas"].by_service == {pkk: 2}
    for row in progress.units:
        for campaign_service in progress.services:
            assert row.by_service.get(campaign_service.id, 0) == in_campaign(row.unit, campaign_service.name)
    assert (rows["loket-kecamatan"].respondents, rows["loket-dinas"].respondents, progress.respondents) == (10, 2, 12)
    assert progress.service_totals == {pkk: 7, posyandu: 5}


def test_progress_adds_up_day_by_day(running):
    progress = campaign_progress(campaign=running, units=running.units.order_by("name"), today=date(2026, 8, 20))
    rows = {row.unit.code: row for row in progress.units}

    assert progress.days[0] == START and progress.days[-1] == END and len(progress.days) == 12
    #                                     3  4  5  6  7  8  9 10 11 12 13 14 August
    assert rows["loket-kecamatan"].cumulative == [2, 2, 6, 6, 6, 6, 6, 6, 6, 6, 6, 10]
    assert rows["loket-dinas"].cumulative == [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]
    assert progress.cumulative == [2, 3, 7, 7, 7, 7, 7, 7, 7, 7, 7, 12]


def test_days_still_to_come_have_no_running_total(running):
    progress = campaign_progress(campaign=running, units=running.units.order_by("name"), today=date(2026, 8, 5))
    rows = {row.unit.code: row for row in progress.units}

    assert rows["loket-kecamatan"].cumulative == [2, 2, 6] + [None] * 9
    assert progress.cumulative == [2, 3, 7] + [None] * 9


def test_the_page_shows_the_same_numbers(running, world):
    page = client_for(world.region_admin).get(f"/kampanye/{running.pk}/").content.decode()

    assert '<td class="text-end fw-semibold" data-respondents>10</td>' in page
    assert '<td class="text-end fw-semibold" data-respondents>2</td>' in page
    assert '<td class="text-end" data-total>12</td>' in page
    kecamatan_row = page.split('data-unit="loket-kecamatan"')[1].split("</tr>")[0]
    assert [cell.split(">")[1] for cell in kecamatan_row.split("<td class=\"text-end\" data-service-count")[1:]] \
        == ["5</td", "5</td"]


def test_a_unit_behind_is_highlighted(running, world):
    """On 9 August half of the days are over (6 of 12): Loket Dinas has 1 of 10, Loket Kecamatan 6 of 10."""
    progress = campaign_progress(campaign=running, units=running.units.all(), today=date(2026, 8, 9))
    behind = {row.unit.code: row.behind for row in progress.units}

    assert behind == {"loket-kecamatan": False, "loket-dinas": True}


def test_the_behind_rule():
    assert share_elapsed(start=START, end=END, today=date(2026, 8, 1)) == 0
    assert share_elapsed(start=START, end=END, today=START) == 0
    assert share_elapsed(start=START, end=END, today=date(2026, 8, 9)) == pytest.approx(0.5)
    assert share_elapsed(start=START, end=END, today=date(2026, 9, 1)) == 1
    assert not is_behind(respondents=0, target=100, start=START, end=END, today=START)
    assert is_behind(respondents=49, target=100, start=START, end=END, today=date(2026, 8, 9))
    assert not is_behind(respondents=50, target=100, start=START, end=END, today=date(2026, 8, 9))
    assert is_behind(respondents=99, target=100, start=START, end=END, today=date(2026, 9, 1))
    assert not is_behind(respondents=0, target=None, start=START, end=END, today=date(2026, 9, 1))


# Targets ------------------------------------------------------------------------------------------------------

def test_krejcie_morgan_targets_come_from_the_population_of_the_period_holding_the_campaign(world):
    Population.objects.create(unit=world.unit, year=2026, quarter=3, service_users=100)
    Population.objects.create(unit=world.other_unit, year=2026, quarter=None, service_users=2000)

    targets = targets_by_unit(unit_ids=[world.unit.id, world.other_unit.id, world.sub_unit.id], start=START,
                              end=END, fixed=None)

    assert targets == {world.unit.id: 80, world.other_unit.id: krejcie_morgan(2000), world.sub_unit.id: None}
    assert krejcie_morgan(2000) == 322
    assert population_periods(START, END) == [Period.quarter(2026, 3), Period.semester(2026, 2),
                                              Period.year_of(2026)]
    assert population_periods(date(2026, 12, 20), date(2027, 1, 10)) == []


def test_a_unit_without_population_is_said_so_instead_of_a_target(world):
    Population.objects.create(unit=world.unit, year=2026, quarter=3, service_users=100)
    campaign = make_campaign(world, [world.unit, world.other_unit], target=None,
                             target_kind=Campaign.TargetKind.KREJCIE_MORGAN)

    page = client_for(world.region_admin).get(f"/kampanye/{campaign.pk}/").content.decode()

    assert '<td class="text-end" data-target>80</td>' in page
    other_row = page.split('data-unit="loket-dinas"')[1].split("</tr>")[0]
    assert "populasi belum diisi" in other_row


def test_a_fixed_target_applies_to_every_unit(world):
    assert targets_by_unit(unit_ids=[world.unit.id, world.sub_unit.id], start=START, end=END, fixed=100) == {
        world.unit.id: 100, world.sub_unit.id: 100}


# The form -----------------------------------------------------------------------------------------------------

def post(world, **changes):
    data = {"name": "Survei Posyandu", "start": "2026-08-03", "end": "2026-08-14", "services": "Posyandu",
            "selection": "direct", "units": [world.unit.pk, world.other_unit.pk], "target_kind": "fixed",
            "target_fixed": "100"}
    data.update(changes)
    return client_for(world.region_admin).post(f"/kampanye/daerah/{world.region.code}/baru/", data)


@pytest.mark.parametrize("changes, field, message", [
    ({"end": "2026-08-01"}, "end", "Tanggal selesai tidak boleh sebelum tanggal mulai."),
    ({"units": []}, "units", "Pilih minimal satu unit peserta"),
    ({"services": "\n  \n"}, "services", "Tulis minimal satu layanan."),
    ({"target_fixed": ""}, "target_fixed", "Isi target responden per unit"),
    ({"target_fixed": "0"}, "target_fixed", "Isi angka 1 sampai"),
    ({"end": "2029-01-01"}, "end", "Kampanye paling lama 731 hari."),
    ({"start": "kemarin"}, "start", "Masukkan tanggal yang valid"),
    ({"start": "1999-12-30", "end": "2000-01-02"}, "start", "Periode harus di antara tahun 2000 dan 2100."),
    ({"selection": "sampled", "sample_agency_kind": "", "sample_per_group": ""}, "sample_agency_kind",
     "Pilih jenis perangkat daerah yang unitnya diundi."),
    ({"selection": "sampled", "sample_agency_kind": "rsud", "sample_per_group": "1"}, "sample_agency_kind",
     "Masukkan pilihan yang valid. rsud bukan salah satu"),
    ({"units": [9_999_999]}, "units", "Masukkan pilihan yang valid. 9999999 bukan salah satu"),
    ({"selection": "sampled", "sample_agency_kind": "kecamatan", "sample_per_group": "1", "seed": "99999999999"},
     "seed", "Seed adalah angka 0 sampai 2147483647."),
    ({"selection": "sampled", "sample_agency_kind": "kecamatan", "sample_per_group": "-3"}, "sample_per_group",
     "Pastikan nilai ini lebih besar dari atau sama dengan 0."),
    ({"selection": "acak"}, "selection", "Masukkan pilihan yang valid. acak bukan salah satu"),
])
def test_bad_input_gets_a_clear_message_and_nothing_is_stored(world, changes, field, message):
    response = post(world, **changes)

    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert message in response.content.decode().replace("&quot;", '"')
    assert not Campaign.objects.exists()
    assert not Service.objects.filter(name="Posyandu").exists()


def test_a_unit_of_another_region_cannot_be_picked(world):
    response = post(world, units=[world.far_unit.pk])

    assert response.status_code == 400 and "units" in response.context["form"].errors


def test_saving_creates_missing_services_once_and_records_it(world):
    make_service(world.unit, "posyandu")  # already there, in other letters: reused, not doubled

    response = post(world)

    campaign = Campaign.objects.get()
    assert response["Location"] == f"/kampanye/{campaign.pk}/"
    assert Service.objects.filter(unit=world.unit, name__iexact="posyandu").count() == 1
    assert Service.objects.filter(unit=world.other_unit, name="Posyandu").count() == 1
    event = AuditEvent.objects.get(action="campaign_created")
    assert event.actor == world.region_admin and event.region == world.region
    assert event.detail["services_added"] == ["loket-dinas: Posyandu"]


def test_editing_changes_the_units_and_keeps_the_links(world):
    campaign = make_campaign(world, [world.unit])
    client = client_for(world.region_admin)
    form_page = client.get(f"/kampanye/daerah/{world.region.code}/{campaign.pk}/ubah/").content.decode()
    assert "PKK\nPosyandu" in form_page

    response = client.post(f"/kampanye/daerah/{world.region.code}/{campaign.pk}/ubah/", {
        "name": "Kampanye Agustus", "start": "2026-08-03", "end": "2026-08-20", "services": "PKK",
        "selection": "direct", "units": [world.unit.pk, world.sub_unit.pk], "target_kind": "fixed",
        "target_fixed": "50"})

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.end, campaign.target_fixed) == (date(2026, 8, 20), 50)
    assert set(campaign.units.values_list("code", flat=True)) == {"loket-kecamatan", "loket-kelurahan"}
    assert list(campaign.campaign_services.values_list("name", flat=True)) == ["PKK"]
    assert set(campaign.campaign_services.get().unit_services.values_list("unit__code", flat=True)) == {
        "loket-kecamatan", "loket-kelurahan"}
    assert AuditEvent.objects.filter(action="campaign_changed").count() == 1


# Scoping ------------------------------------------------------------------------------------------------------

def test_each_role_sees_only_its_own_participating_units(running, world):
    world_units = {"operator": {"loket-kecamatan"}, "agency_admin": {"loket-kecamatan"},
                   "other_agency_admin": {"loket-dinas"}, "region_admin": {"loket-kecamatan", "loket-dinas"}}
    for name, expected in world_units.items():
        page = client_for(getattr(world, name)).get(f"/kampanye/{running.pk}/").content.decode()
        shown = {code for code in ("loket-kecamatan", "loket-dinas") if f'data-unit="{code}"' in page}
        assert shown == expected, name
    operator_page = client_for(world.operator).get(f"/kampanye/{running.pk}/").content.decode()
    assert '<td class="text-end" data-total>10</td>' in operator_page
    assert "/ubah/" not in operator_page and "/rekap/" not in operator_page


def test_others_get_404(running, world):
    make_campaign(world, [world.sub_unit])
    for user in (world.stranger, world.nobody):
        assert client_for(user).get(f"/kampanye/{running.pk}/").status_code == 404
    for user in (world.operator, world.agency_admin, world.stranger):
        client = client_for(user)
        assert client.get(f"/kampanye/daerah/{world.region.code}/{running.pk}/ubah/").status_code == 404
        assert client.get(f"/kampanye/daerah/{world.region.code}/baru/").status_code == 404
    stranger = client_for(world.stranger)
    assert stranger.get(f"/kampanye/daerah/{world.other_region.code}/{running.pk}/ubah/").status_code == 404


def test_the_list_shows_each_user_the_campaigns_of_their_units(running, world):
    elsewhere = make_campaign(world, [world.sub_unit])
    elsewhere.name = "Kampanye Kelurahan"
    elsewhere.save()

    assert {"Kampanye Agustus", "Kampanye Kelurahan"} <= set(
        client_for(world.region_admin).get("/kampanye/").context["campaigns"].values_list("name", flat=True))
    assert list(client_for(world.other_agency_admin).get("/kampanye/").context["campaigns"]) == [running]
    assert client_for(world.stranger).get("/kampanye/").context["campaigns"].count() == 0
    region_page = client_for(world.region_admin).get(f"/kampanye/daerah/{world.region.code}/").content.decode()
    assert "Kampanye Kelurahan" in region_page and f"/kampanye/daerah/{world.region.code}/baru/" in region_page


def test_the_region_dashboard_links_to_the_campaigns(world):
    page = client_for(world.region_admin).get(f"/dasbor/daerah/{world.region.code}/").content.decode()

    assert f'href="/kampanye/daerah/{world.region.code}/"' in page


# The campaign's period in the normal reports ------------------------------------------------------------------

def test_the_campaign_page_links_to_dashboards_and_recap_for_its_period(running, world):
    client = client_for(world.region_admin)
    page = client.get(f"/kampanye/{running.pk}/").content.decode()
    slug = "2026-08-03..2026-08-14"

    for link in (f"/dasbor/unit/loket-kecamatan/?period={slug}", f"/dasbor/daerah/kota-uji/?period={slug}",
                 f"/dokumen/daerah/kota-uji/rekap/?period={slug}"):
        assert f'href="{link}"' in page
        assert client.get(link).status_code == 200, link
    dashboard = client.get(f"/dasbor/unit/loket-kecamatan/?period={slug}")
    # every counted response of the unit in those days: the campaign's ten and the seven to another service
    assert dashboard.context["respondents"] == 17


def test_the_recap_for_the_campaign_period_holds_the_campaign_responses(running, world):
    client = client_for(world.region_admin)
    response = client.post(reverse("documents:region-recap", args=[world.region.code]),
                           {"period": running.period.slug, "format": "xlsx"}, follow=True)
    download = next(line for line in response.content.decode().split('"') if line.endswith("/unduh"))

    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(download).streaming_content)))
    sheet = list(workbook["Rekap"].iter_rows(values_only=True))
    rows = {str(row[1]).strip(): row for row in sheet if len(row) > 1 and row[1]}

    assert ("Periode", ": 03-08-2026 s.d. 14-08-2026") in [row[:2] for row in sheet]
    respondents = 4
    assert rows["Loket Kecamatan"][respondents] == 17
    assert rows["Loket Dinas"][respondents] == 2
    assert rows["Loket Kelurahan"][respondents] == 6
