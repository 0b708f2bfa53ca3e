"""The coverage board: who has not surveyed, who is short of the minimum, the xlsx, the reminders and who may see
it (docs/coverage.md)."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from agencies.demo import demo_seed
from agencies.models import AuditEvent, Population, ServiceUnit, StaffRole, TimeZone
from reports.documents.publication import publication_publish
from reports.models import CoverageReminder
from reports.periods import Period
from reports.sampling import krejcie_morgan
from reports.selectors import population_by_unit, respondents_by_unit
from tests.dashboard_helpers import by_testid, client_for, text
from tests.factories import make_agency, make_service, make_unit, make_user, sign_in, submit

pytestmark = pytest.mark.django_db

Q2 = {"period": "2026-Q2"}
WIB = ZoneInfo("Asia/Jakarta")


def answered(day: int, month: int = 5, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=WIB)


@pytest.fixture
def board(world):
    """Q2 2026 in Kota Uji: the Kecamatan's unit below its minimum (3 of 36), the Kelurahan's unit at its
    minimum (3 of 3), Dinas Lain's unit without respondents, and a Dinas Baru without admins or respondents."""
    quiet = make_service(world.unit, "Legalisasi")
    for day in (4, 5, 6):
        submit(world.unit, world.service, [4] * 9, answered_at=answered(day))
    kelurahan_service = world.sub_unit.services.get()
    for day in (7, 8, 9):
        submit(world.sub_unit, kelurahan_service, [3] * 9, answered_at=answered(day))
    Population.objects.create(unit=world.unit, year=2026, quarter=2, service_users=40)
    Population.objects.create(unit=world.sub_unit, year=2026, quarter=2, service_users=3)
    Population.objects.create(unit=world.other_unit, year=2026, quarter=2, service_users=20)
    new_agency = make_agency(world.region, "dinas-baru", name="Dinas Baru")
    new_unit = make_unit(new_agency, "loket-baru", name="Loket Baru")
    world.agency_admin.email = "camat@uji.example"
    world.agency_admin.first_name = "Camat"
    world.agency_admin.save()
    second = make_user("sekdis", world.other_agency)
    second.email = "sekdis@uji.example"
    second.save()
    world.region_admin.first_name, world.region_admin.last_name = "Rina", "Bagor"
    world.region_admin.save()
    return {"quiet": quiet, "new_unit": new_unit, "second": second}


def region_url(world, name="region_coverage"):
    return reverse(f"reports:{name}", args=[world.region.code])


def agency_url(agency, name="agency_coverage"):
    return reverse(f"reports:{name}", args=[agency.code])


def unit_rows(page: str) -> dict[str, str]:
    """Unit code -> the text of its row."""
    rows = {}
    for chunk in page.split('data-testid="coverage-unit" data-unit="')[1:]:
        code = chunk.split('"', 1)[0]
        rows[code] = text("<tr " + chunk.split("</tr>", 1)[0])
    return rows


# The board --------------------------------------------------------------------------------------------------

def test_it_shows_every_unit_with_its_respondents_minimum_and_status(world, board):
    page = client_for(world.region_admin).get(region_url(world), Q2).content.decode()
    rows = unit_rows(page)
    assert set(rows) == {"loket-kecamatan", "loket-kelurahan", "loket-dinas", "loket-baru"}
    assert "Sampel kurang" in rows["loket-kecamatan"] and " 3 36 " in f" {rows['loket-kecamatan']} "
    assert "Sampel cukup" in rows["loket-kelurahan"] and " 3 3 " in f" {rows['loket-kelurahan']} "
    assert "Belum survei" in rows["loket-dinas"] and f" 0 {krejcie_morgan(20)} " in f" {rows['loket-dinas']} "
    assert "Belum survei" in rows["loket-baru"] and "Populasi belum diisi" in page  # no population: no minimum
    assert "6 Mei 2026" in rows["loket-kecamatan"] and "9 Mei 2026" in rows["loket-kelurahan"]
    assert by_testid(page, "coverage-counts") == (
        "2 dari 4 unit sudah survei; 2 belum survei; 1 di bawah sampel minimal.")


def test_it_lists_each_units_service_types_with_their_respondents(world, board):
    page = client_for(world.region_admin).get(region_url(world), Q2).content.decode()
    services = by_testid(page, "coverage-service", all=True)
    assert "Legalisasi 0" in services and "Surat Keterangan 3" in services


def test_it_shows_sub_agencies_under_their_parent(world, board):
    page = client_for(world.region_admin).get(region_url(world), Q2).content.decode()
    order = [chunk.split('"', 1)[0] for chunk in page.split('data-testid="coverage-agency" data-agency="')[1:]]
    assert order.index("kelurahan-uji") == order.index("kecamatan-uji") + 1
    assert set(order) == {"kecamatan-uji", "kelurahan-uji", "dinas-lain", "dinas-baru"}


def test_it_dates_the_last_response_in_the_regions_time_zone(world, board):
    world.region.time_zone = TimeZone.WIT
    world.region.save()
    late = make_unit(world.other_agency, "loket-malam", name="Loket Malam")
    submit(late, make_service(late), [4] * 9, answered_at=answered(20, hour=23))  # 21 May, 01:00 in WIT
    rows = unit_rows(client_for(world.region_admin).get(region_url(world), Q2).content.decode())
    assert "21 Mei 2026" in rows["loket-malam"]


def test_it_marks_the_units_held_by_the_periods_publication(world, board):
    rows = unit_rows(client_for(world.region_admin).get(region_url(world), Q2).content.decode())
    assert all(row.endswith("Belum") for row in rows.values())
    publication_publish(region=world.region, period=Period.quarter(2026, 2), user=world.region_admin)
    later = make_unit(world.other_agency, "loket-susulan", name="Loket Susulan")
    page = client_for(world.region_admin).get(region_url(world), Q2).content.decode()
    rows = unit_rows(page)
    assert rows["loket-kecamatan"].endswith("Ya") and rows["loket-baru"].endswith("Ya")
    assert rows[later.code].endswith("Belum")
    assert "dipublikasikan" in by_testid(page, "coverage-publication")
    year = client_for(world.region_admin).get(region_url(world), {"period": "2026"}).content.decode()
    assert by_testid(year, "coverage-publication") == "Hasil periode ini belum dipublikasikan."


def test_an_older_period_stays_chosen_in_the_menu(world, board):
    page = client_for(world.region_admin).get(region_url(world), {"period": "2021-Q1"}).content.decode()
    assert '<option value="2021-Q1" selected>Triwulan I 2021</option>' in page
    assert 'data-testid="coverage-problem"' not in page


# Filters ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("chosen", "expected"), [
    (["belum-survei"], {"loket-dinas", "loket-baru"}),
    (["sampel-kurang"], {"loket-kecamatan"}),
    (["belum-survei", "sampel-kurang"], {"loket-dinas", "loket-baru", "loket-kecamatan"}),
])
def test_the_filters_keep_the_units_short_of_data(world, board, chosen, expected):
    page = client_for(world.region_admin).get(region_url(world), {**Q2, "saring": chosen}).content.decode()
    assert set(unit_rows(page)) == expected
    for value in chosen:
        assert f'value="{value}" id="c-{value}" checked' in page
    assert "saring=" + chosen[0] in by_testid_href(page, "coverage-xlsx")


def by_testid_href(page: str, name: str) -> str:
    """The href of the link marked data-testid=name."""
    marker = page.index(f'data-testid="{name}"')
    tag = page[page.rindex("<a ", 0, marker):page.index(">", marker)]
    return tag.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


def test_an_unknown_filter_is_named_and_ignored(world, board):
    page = client_for(world.region_admin).get(region_url(world), {**Q2, "saring": "semua<b>"}).content.decode()
    assert "Saringan “semua&lt;b&gt;” tidak dikenali" in page
    assert len(unit_rows(page)) == 4


# Bad input --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "message"), [
    ("kemarin", "Periode “kemarin” tidak dikenali"),
    ("2026-M05", "Papan cakupan disusun per triwulan atau per tahun, bukan Mei 2026."),
    ("1999", "Periode harus di antara tahun 2000 dan 2100."),
    ("2099-Q1", "Triwulan I 2099 belum dimulai."),
])
def test_an_unusable_period_is_explained_and_the_current_quarter_shown(world, board, value, message):
    response = client_for(world.region_admin).get(region_url(world), {"period": value})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in by_testid(page, "coverage-problem")
    assert "Ditampilkan Triwulan" in by_testid(page, "coverage-problem")


def test_an_export_or_reminder_with_an_unusable_period_answers_400_and_sends_nothing(world, board):
    client = client_for(world.region_admin)
    response = client.get(region_url(world, "region_coverage_xlsx"), {"period": "2026-Q9"})
    assert response.status_code == 400 and "Periode “2026-Q9” tidak dikenali" in response.content.decode()
    response = client.post(region_url(world, "region_coverage_remind"), {"period": "nanti"})
    assert response.status_code == 400 and "Periode “nanti” tidak dikenali" in response.content.decode()
    assert mail.outbox == [] and not CoverageReminder.objects.exists()


# The workbook -----------------------------------------------------------------------------------------------

def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook["Cakupan Survei"].iter_rows(values_only=True))


def test_the_workbook_holds_the_screens_rows(world, board):
    client = client_for(world.region_admin)
    rows = sheet_rows(client.get(region_url(world, "region_coverage_xlsx"), Q2))
    header = rows.index(("Perangkat daerah", "Unit layanan", "Kode unit", "Jenis layanan", "Status", "Responden",
                         "Sampel minimal", "Populasi", "Responden terakhir", "Terbit"))
    body = rows[header + 1:]
    units = {row[2]: row for row in body if row[3] is None}
    assert set(units) == set(unit_rows(client.get(region_url(world), Q2).content.decode()))
    assert units["loket-kecamatan"][4:] == ("Sampel kurang", 3, 36, 40, "6 Mei 2026", "Belum")
    assert units["loket-dinas"][4:] == ("Belum survei", 0, krejcie_morgan(20), 20, "-", "Belum")
    assert units["loket-baru"][4:7] == ("Belum survei", 0, None)
    services = {(row[2], row[3]): row[5] for row in body if row[3] is not None}
    assert services[("loket-kecamatan", "Surat Keterangan")] == 3
    assert services[("loket-kecamatan", "Legalisasi")] == 0
    assert ("Periode", "Triwulan II 2026") in [row[:2] for row in rows]


def test_the_workbook_keeps_the_filters(world, board):
    rows = sheet_rows(client_for(world.region_admin).get(region_url(world, "region_coverage_xlsx"),
                                                         {**Q2, "saring": "belum-survei"}))
    assert {row[2] for row in rows if row[2] and row[2].startswith("loket-")} == {"loket-dinas", "loket-baru"}
    assert ("Saringan", "Belum survei") in [row[:2] for row in rows]


def test_hostile_names_stay_text_in_the_workbook(world, board):
    hostile = make_unit(world.other_agency, "loket-jahat", name='=HYPERLINK("http://evil.example","klik")')
    make_service(hostile, "@SUM(1+1)")
    response = client_for(world.region_admin).get(region_url(world, "region_coverage_xlsx"), Q2)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [cell for row in workbook["Cakupan Survei"].iter_rows() for cell in row
             if isinstance(cell.value, str) and cell.value.startswith(("=", "@"))]
    assert {cell.value for cell in cells} == {'=HYPERLINK("http://evil.example","klik")', "@SUM(1+1)"}
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)


# Reminders --------------------------------------------------------------------------------------------------

def test_a_reminder_goes_to_the_admins_of_each_agency_short_of_data(world, board):
    client = client_for(world.region_admin)
    response = client.post(region_url(world, "region_coverage_remind"), Q2, follow=True)
    assert response.status_code == 200
    by_recipient = {tuple(message.to): message for message in mail.outbox}
    assert set(by_recipient) == {("camat@uji.example",), ("sekdis@uji.example",)}
    camat = by_recipient[("camat@uji.example",)]
    assert camat.subject == "Pengingat SKM Triwulan II 2026: 1 unit Kecamatan Uji kurang data"
    assert "Loket Kecamatan (loket-kecamatan): 3 responden dari sampel minimal 36" in camat.body
    assert "Loket Kelurahan" not in camat.body  # met its minimum, and belongs to another agency
    dinas = by_recipient[("sekdis@uji.example",)].body
    assert f"Loket Dinas (loket-dinas): belum ada responden, sampel minimal {krejcie_morgan(20)}" in dinas
    assert reverse("reports:agency_coverage", args=["dinas-lain"]) + "?period=2026-Q2" in dinas
    page = text(response.content.decode())
    assert "Dinas Lain: admin tanpa alamat e-mail tidak dikirimi (kadis)." in page
    assert ("Dinas Baru belum punya admin perangkat daerah, begitu pula perangkat daerah di atasnya; tidak ada "
            "pengingat.") in page
    assert "Pengingat terkirim ke Kecamatan Uji: camat@uji.example." in page


def test_an_agency_without_admins_is_reminded_through_the_admins_of_the_agency_above_it(world, board):
    puskesmas = make_agency(world.region, "puskesmas-uji", name="Puskesmas Uji", parent=world.agency)
    make_unit(puskesmas, "loket-puskesmas", name="Loket Puskesmas")
    response = client_for(world.region_admin).post(region_url(world, "region_coverage_remind"), Q2, follow=True)
    about = {message.subject: message for message in mail.outbox}
    sent = about["Pengingat SKM Triwulan II 2026: 1 unit Puskesmas Uji kurang data"]
    assert sent.to == ["camat@uji.example"]
    assert sent.body.startswith("Yth. Admin Kecamatan Uji,")
    assert ("Puskesmas Uji belum punya admin di aplikasi SKM; pengingat ini dikirim kepada Anda sebagai admin "
            "Kecamatan Uji, perangkat daerah di atasnya.") in sent.body
    assert "Loket Puskesmas (loket-puskesmas): belum ada responden" in sent.body
    assert "Loket Kecamatan" not in sent.body  # the Kecamatan's own units have their own e-mail
    assert ("Pengingat untuk Puskesmas Uji (belum punya admin) terkirim ke admin Kecamatan Uji: camat@uji.example."
            in text(response.content.decode()))
    reminder = CoverageReminder.objects.get(agency=puskesmas)
    assert [recipient["email"] for recipient in reminder.recipients] == ["camat@uji.example"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.COVERAGE_REMINDED, target="Puskesmas Uji")
    assert event.detail["through"] == "kecamatan-uji"


def test_the_board_shows_the_reminders_sent(world, board):
    client = client_for(world.region_admin)
    client.post(region_url(world, "region_coverage_remind"), Q2)
    reminder = CoverageReminder.objects.get(agency=world.agency)
    assert reminder.period == "2026-Q2" and reminder.sent_by == world.region_admin
    assert reminder.units == [{"code": "loket-kecamatan", "name": "Loket Kecamatan", "respondents": 3,
                               "required": 36}]
    page = client.get(region_url(world), Q2).content.decode()
    shown = by_testid(page, "coverage-reminder", all=True)
    assert any(line.startswith("Pengingat terkirim") and "oleh Rina Bagor kepada Camat <camat@uji.example>" in line
               and line.endswith("(loket-kecamatan)") for line in shown)
    assert len(shown) == 2
    other_quarter = client.get(region_url(world), {"period": "2026-Q1"}).content.decode()
    assert 'data-testid="coverage-reminder"' not in other_quarter
    events = AuditEvent.objects.filter(action=AuditEvent.Action.COVERAGE_REMINDED)
    assert sorted(event.target for event in events) == ["Dinas Lain", "Kecamatan Uji"]
    assert {event.actor for event in events} == {world.region_admin}


def test_an_agency_admin_reminds_only_within_their_agency(world, board):
    client_for(world.agency_admin).post(agency_url(world.agency, "agency_coverage_remind"), Q2)
    assert [message.to for message in mail.outbox] == [["camat@uji.example"]]
    assert list(CoverageReminder.objects.values_list("agency__code", flat=True)) == ["kecamatan-uji"]


def test_the_reminder_needs_a_post_with_its_csrf_token(world, board):
    client = Client(enforce_csrf_checks=True)
    client.cookies = client_for(world.region_admin).cookies
    assert client.get(region_url(world, "region_coverage_remind"), Q2).status_code == 405
    assert client.post(region_url(world, "region_coverage_remind"), Q2).status_code == 403
    page = client.get(region_url(world), Q2).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert client.post(region_url(world, "region_coverage_remind"), {**Q2, "csrfmiddlewaretoken": token}
                       ).status_code == 302
    assert len(mail.outbox) == 2


def test_nothing_short_sends_nothing_and_says_so(world, board):
    page = text(client_for(world.region_admin).post(agency_url(world.sub_agency, "agency_coverage_remind"), Q2,
                                                    follow=True).content.decode())
    assert "Tidak ada unit yang kurang data pada Triwulan II 2026; tidak ada pengingat." in page
    assert mail.outbox == []


# Scoping ----------------------------------------------------------------------------------------------------

def test_an_agency_admin_sees_their_agency_and_its_sub_agencies_only(world, board):
    client = client_for(world.agency_admin)
    page = client.get(agency_url(world.agency), Q2).content.decode()
    assert set(unit_rows(page)) == {"loket-kecamatan", "loket-kelurahan"}
    assert client.get(region_url(world), Q2).status_code == 404
    assert client.get(agency_url(world.other_agency), Q2).status_code == 404
    assert client.get(agency_url(world.other_agency, "agency_coverage_xlsx"), Q2).status_code == 404
    assert client.post(agency_url(world.other_agency, "agency_coverage_remind"), Q2).status_code == 404
    assert mail.outbox == []


@pytest.mark.parametrize("who", ["operator", "stranger", "nobody"])
def test_anyone_else_gets_404(world, board, who):
    client = client_for(getattr(world, who))
    for url in (region_url(world), agency_url(world.agency), region_url(world, "region_coverage_xlsx"),
                agency_url(world.agency, "agency_coverage_xlsx")):
        assert client.get(url, Q2).status_code == 404, url
    assert client.post(region_url(world, "region_coverage_remind"), Q2).status_code == 404
    assert client.post(agency_url(world.agency, "agency_coverage_remind"), Q2).status_code == 404
    assert mail.outbox == []


def test_the_dashboards_and_navigation_link_the_board(world, board):
    client = client_for(world.region_admin)
    page = client.get(reverse("reports:region_dashboard", args=[world.region.code]), Q2).content.decode()
    assert by_testid_href(page, "coverage-link") == region_url(world) + "?period=2026-Q2"
    page = client_for(world.agency_admin).get(reverse("reports:agency_dashboard", args=[world.agency.code]),
                                              Q2).content.decode()
    assert by_testid_href(page, "coverage-link") == agency_url(world.agency) + "?period=2026-Q2"
    assert f'href="{agency_url(world.agency)}">Cakupan survei</a>' in page  # the staff navigation


def test_the_board_reads_in_english(world, board):
    client = client_for(world.region_admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(region_url(world), Q2).content.decode()
    assert "Survey coverage" in page and "Not surveyed" in page and "Sample short" in page


# Query count ------------------------------------------------------------------------------------------------

def grow(world, count: int):
    for n in range(count):
        agency = make_agency(world.region)
        child = make_agency(world.region, parent=agency, kind="kelurahan")
        for owner in (agency, child):
            unit = make_unit(owner)
            service = make_service(unit)
            make_service(unit)
            submit(unit, service, [n % 4 + 1] * 9, answered_at=answered(4))
            Population.objects.create(unit=unit, year=2026, quarter=2, service_users=40)
        make_user(f"admin-{agency.code}", agency)


def queries_of(client, url, params) -> int:
    assert client.get(url, params).status_code == 200  # sessions and caches warm
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
        assert response.status_code == 200
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return len(context)


@pytest.mark.parametrize("name", ["region_coverage", "region_coverage_xlsx"])
def test_the_board_costs_the_same_queries_for_four_units_or_forty(world, board, name):
    client = client_for(world.region_admin)
    url = region_url(world, name)
    grow(world, 1)
    few = queries_of(client, url, Q2)
    grow(world, 18)
    many = queries_of(client, url, Q2)
    assert many == few
    assert many <= 25


def test_the_reminder_costs_a_fixed_number_of_queries_per_agency_reminded(world, board):
    client = client_for(world.region_admin)
    url = region_url(world, "region_coverage_remind")
    with CaptureQueriesContext(connection) as context:
        client.post(url, Q2)
    first = len(context)
    grow(world, 5)  # ten more units, all short, in ten agencies with an admin without e-mail
    with CaptureQueriesContext(connection) as context:
        client.post(url, Q2)
    assert len(context) == first  # the ten new agencies are skipped without a query each


# The demo region --------------------------------------------------------------------------------------------

@pytest.fixture
def demo():
    summary = demo_seed(responses=240, seed=11, today=date(2026, 10, 1))
    dinkes = summary.region.agencies.get(code="dinkes")
    empty = make_unit(dinkes, "dinkes-loket-baru", name="Loket Informasi Dinkes")
    Population.objects.create(unit=empty, year=2026, quarter=3, service_users=60)
    return summary.region, empty


def test_the_demo_region_board_finds_the_units_without_responses_and_short_of_their_minimum(demo):
    region, empty = demo
    client = Client()
    sign_in(client, "bagor", "skm-demo-2026")
    page = client.get(reverse("reports:region_coverage", args=[region.code]), {"period": "2026-Q3"}).content.decode()
    rows = unit_rows(page)
    period = Period.quarter(2026, 3)
    unit_ids = dict(ServiceUnit.objects.filter(agency__region=region).values_list("code", "id"))
    respondents = respondents_by_unit(unit_ids=unit_ids.values(), period=period)
    populations = population_by_unit(unit_ids=unit_ids.values(), period=period)
    assert set(rows) == set(unit_ids)
    assert "Belum survei" in rows[empty.code]
    short = {code for code, unit_id in unit_ids.items()
             if respondents.get(unit_id) and respondents[unit_id] < krejcie_morgan(populations[unit_id])}
    assert short, "240 responses over three quarters leave the demo units short of their minimum"
    assert {code for code, row in rows.items() if "Sampel kurang" in row} == short
    filtered = client.get(reverse("reports:region_coverage", args=[region.code]),
                          {"period": "2026-Q3", "saring": "belum-survei"}).content.decode()
    assert empty.code in unit_rows(filtered) and not short & set(unit_rows(filtered))


def test_the_demo_region_reminds_the_demo_agency_admins(demo):
    region, empty = demo
    client = Client()
    sign_in(client, "bagor", "skm-demo-2026")
    client.post(reverse("reports:region_coverage_remind", args=[region.code]), {"period": "2026-Q3"})
    admins = {role.agency.code: role.user.email for role in
              StaffRole.objects.filter(role=StaffRole.Role.AGENCY_ADMIN).select_related("agency", "user")}
    assert {tuple(message.to) for message in mail.outbox} == {(email,) for email in admins.values()}
    dinkes = next(message for message in mail.outbox if message.to == [admins["dinkes"]])
    assert "Loket Informasi Dinkes (dinkes-loket-baru): belum ada responden, sampel minimal" in dinkes.body
    reminders = list(CoverageReminder.objects.filter(region=region).select_related("agency__parent"))
    reminded = {reminder.agency.code for reminder in reminders}
    # The puskesmas and kelurahan have no admin of their own: their reminders go to the Dinkes and Kecamatan's.
    assert set(admins) < reminded and {"puskesmas-sukamaju", "kel-melati"} <= reminded
    for reminder in reminders:
        responsible = reminder.agency if reminder.agency.code in admins else reminder.agency.parent
        assert [recipient["email"] for recipient in reminder.recipients] == [admins[responsible.code]]
    page = client.get(reverse("reports:region_coverage", args=[region.code]), {"period": "2026-Q3"}).content.decode()
    assert len(by_testid(page, "coverage-reminder", all=True)) == len(reminders)
