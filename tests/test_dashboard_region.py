"""The region dashboard's first screen shows what a region admin acts on (lowest and highest units and agencies,
units short of sample); its table pages list every agency and unit with respondents, sample, IKM, grade and
rank, sorted, searched and paged on the server by query parameters, with links down to each one's dashboard."""

import re

import pytest
from django.urls import reverse

from agencies.models import Population
from tests.dashboard_helpers import by_testid, client_for, text
from tests.factories import local, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(world):
    """loket-kecamatan 100.00, loket-kelurahan 75.00, loket-dinas 87.50; the far region's unit 25.00."""
    answers = {world.unit: [[4] * 9], world.sub_unit: [[3] * 9], world.other_unit: [[4] * 9, [3] * 9],
               world.far_unit: [[1] * 9]}
    for unit, rows in answers.items():
        for row in rows:
            submit(unit, unit.services.first(), row, answered_at=local(2026, 5, 4))
    Population.objects.create(unit=world.other_unit, year=2026, quarter=2, service_users=2)
    return world


def region_page(world, **params):
    response = client_for(world.region_admin).get(reverse("reports:region_dashboard", args=[world.region.code]),
                                                  {"period": "2026-Q2", **params})
    assert response.status_code == 200
    return response.content.decode()


def table_page(world, **params):
    response = client_for(world.region_admin).get(reverse("reports:region_table", args=[world.region.code]),
                                                  {"period": "2026-Q2", **params})
    assert response.status_code == 200
    return response.content.decode()


def names_in(table: str, names) -> list[str]:
    return sorted((name for name in names if name in table), key=table.index)


UNITS = ("Loket Kecamatan", "Loket Kelurahan", "Loket Dinas", "Loket Jauh")
AGENCIES = ("Kecamatan Uji", "Kelurahan Uji", "Dinas Lain", "Dinas Jauh")


def test_it_ranks_every_unit_of_the_region_and_no_other(scored):
    table = by_testid(table_page(scored), "unit-table")

    assert names_in(table, UNITS) == ["Loket Kecamatan", "Loket Dinas", "Loket Kelurahan"]
    assert "1 Loket Kecamatan Kecamatan Uji 1" in table
    assert "2 Loket Dinas Dinas Lain 2 2 terpenuhi 87,50 B Baik" in table
    assert "3 Loket Kelurahan Kelurahan Uji 1 populasi belum diisi 75,00 C Kurang Baik" in table


def test_it_pools_each_agency_with_the_agencies_below_it(scored):
    table = by_testid(table_page(scored, jenis="opd"), "agency-table")

    # Kecamatan Uji pools its own unit (4s) with its Kelurahan's (3s): 87.50, equal to Dinas Lain, and says so.
    assert "1 Kecamatan Uji termasuk 1 Kelurahan 2 0/2 unit memenuhi belum 87,50 B Baik" in table
    assert "1 Dinas Lain 2 1/1 unit memenuhi terpenuhi 87,50" in table
    # The Kelurahan follows its parent, indented and without a rank of its own.
    assert table.endswith("B Baik – ↳ Kelurahan Uji 1 0/1 unit memenuhi belum 75,00 C Kurang Baik")
    assert "Dinas Jauh" not in table


@pytest.mark.parametrize("sort, expected", [
    ({"sort": "peringkat"}, ["Loket Kecamatan", "Loket Dinas", "Loket Kelurahan"]),
    ({"sort": "ikm"}, ["Loket Kecamatan", "Loket Dinas", "Loket Kelurahan"]),  # highest first unless asked
    ({"sort": "ikm", "order": "asc"}, ["Loket Kelurahan", "Loket Dinas", "Loket Kecamatan"]),
    ({"sort": "nama"}, ["Loket Dinas", "Loket Kecamatan", "Loket Kelurahan"]),
    ({"sort": "nama", "order": "desc"}, ["Loket Kelurahan", "Loket Kecamatan", "Loket Dinas"]),
    ({"sort": "responden"}, ["Loket Dinas", "Loket Kecamatan", "Loket Kelurahan"]),
    ({"sort": "bukan-kolom", "order": "miring"}, ["Loket Kecamatan", "Loket Dinas", "Loket Kelurahan"]),
])
def test_it_sorts_the_tables_on_the_server(scored, sort, expected):
    assert names_in(by_testid(table_page(scored, **sort), "unit-table"), UNITS) == expected


def test_it_links_the_column_headers_to_the_other_order_and_marks_the_current_one(scored):
    page = table_page(scored, sort="ikm", order="desc")

    assert re.search(r'aria-sort="descending"><a href="\?period=2026-Q2&amp;jenis=unit&amp;sort=ikm&amp;order=asc">'
                     r'IKM</a>', page)
    assert 'href="?period=2026-Q2&amp;jenis=unit&amp;sort=nama&amp;order=asc"' in page


def test_it_links_down_to_each_agency_and_unit_keeping_the_period(scored):
    page = table_page(scored) + table_page(scored, jenis="opd") + region_page(scored)

    assert f'href="/dasbor/opd/{scored.sub_agency.code}/?period=2026-Q2"' in page
    assert f'href="/dasbor/unit/{scored.other_unit.code}/?period=2026-Q2"' in page


def test_it_counts_the_units_that_meet_their_own_sample(scored):
    sampled = by_testid(region_page(scored), "units-sampled")

    assert sampled == "1 dari 3 unit memenuhi sampel minimal"
    Population.objects.create(unit=scored.unit, year=2026, quarter=2, service_users=100)
    page = region_page(scored)
    short = by_testid(page, "units-short")
    assert short == "1 unit belum mencapai sampel minimalnya Loket Kecamatan: 1 dari minimal 80"
    assert "1 unit belum mengisi populasi" in page
    # No pooled minimum over the region is shown as if it were met.
    assert "Jumlah sampel terpenuhi" not in page and "Krejcie-Morgan," not in page


def test_it_shows_the_units_rank_in_the_region_on_its_dashboard(scored):
    page = client_for(scored.operator).get(reverse("reports:unit_dashboard", args=[scored.unit.code]),
                                           {"period": "2026-Q2"})

    assert by_testid(page.content.decode(), "rank") == "1"
    assert "dari 3 unit di Kota Uji" in page.content.decode()


def test_document_links_carry_the_period_and_declare_the_filters_they_cannot_carry(scored):
    agency_page = client_for(scored.region_admin).get(
        reverse("reports:agency_dashboard", args=[scored.agency.code]),
        {"period": "2026-04-01..2026-05-31", "channel": "kiosk"}).content.decode()
    links = by_testid(agency_page, "documents-unfiltered")
    assert "filter layanan/saluran dasbor ini tidak ikut ke dokumen" in links
    laporan = re.search(r'<a href="([^"]+)">Laporan Hasil SKM \(PDF\) <span class="small">\(([^)]+)\)', agency_page)
    assert laporan.group(1).endswith("?period=2026-04-01..2026-05-31")  # the date range is carried
    assert laporan.group(2) == "semua layanan dan saluran, tanpa filter"
    assert "Angka perangkat daerah ini gabungan seluruh unitnya, termasuk 1 Kelurahan." in text(agency_page)
    plain = region_page(scored)
    assert "tanpa filter" not in plain and "documents-unfiltered" not in plain


def test_mixed_questionnaires_and_unanswered_elements_read_tidak_dapat_dihitung(world):
    from surveys.models import Questionnaire

    submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 5, 4))
    world.sub_unit.questionnaire = Questionnaire.objects.get(code="kepmenpan-25-2004")
    world.sub_unit.save()
    submit(world.sub_unit, world.sub_unit.services.get(), [3] * 14, answered_at=local(2026, 5, 4))
    submit(world.other_unit, world.other_unit.services.get(), [4] * 8 + [None], answered_at=local(2026, 5, 4),
           channel="paper")
    page = region_page(world)
    unavailable = by_testid(page, "ikm-unavailable")
    assert unavailable.startswith("IKM dan mutu tidak dapat dihitung: memakai 2 kuesioner berbeda")
    agencies = by_testid(table_page(world, jenis="opd"), "agency-table")
    assert "Kecamatan Uji termasuk 1 Kelurahan 2 " in agencies
    assert "tidak dapat dihitung: memakai 2 kuesioner berbeda" in agencies
    assert "Dinas Lain 1 1/1" not in agencies  # no population, so not met
    assert "– Dinas Lain 1 0/1 unit memenuhi belum – tidak dapat dihitung: U9 belum ada jawaban" in agencies
    # The agency's own dashboard shows both questionnaires' groups and the answered elements of Dinas Lain.
    client = client_for(world.region_admin)
    agency = client.get(reverse("reports:agency_dashboard", args=[world.agency.code]), {"period": "2026-Q2"})
    assert "IKM dan mutu tidak dapat dihitung: memakai 2 kuesioner berbeda" in text(agency.content.decode())
    dinas = client.get(reverse("reports:agency_dashboard", args=[world.other_agency.code]), {"period": "2026-Q2"})
    dinas = dinas.content.decode()
    assert by_testid(dinas, "ikm-unavailable") == "IKM dan mutu tidak dapat dihitung: U9 belum ada jawaban."
    assert by_testid(dinas, "element-U1").endswith("1 4,000 100,00 A")


def test_the_first_screen_shows_the_lowest_and_highest_and_links_the_full_tables(scored):
    page = region_page(scored)

    assert "unit-table" not in page and "agency-table" not in page
    lowest_units = text(by_testid(page, "extremes-unit-1"))
    highest_units = text(by_testid(page, "extremes-unit-2"))
    assert names_in(lowest_units, UNITS) == ["Loket Kelurahan", "Loket Dinas", "Loket Kecamatan"]
    assert names_in(highest_units, UNITS) == ["Loket Kecamatan", "Loket Dinas", "Loket Kelurahan"]
    assert "3 Loket Kelurahan Kelurahan Uji 1 75,00 C Kurang Baik" in lowest_units
    # Perangkat daerah ranked among themselves, pooled with the agencies below them; no sub-agency listed.
    lowest_agencies = text(by_testid(page, "extremes-agency-3"))
    assert "Kelurahan Uji" not in lowest_agencies.replace("termasuk 1 Kelurahan", "")
    assert "1 Kecamatan Uji termasuk 1 Kelurahan 2 87,50 B Baik" in lowest_agencies
    links = by_testid(page, "table-links")
    assert "Tabel peringkat 3 unit layanan" in links and "Tabel peringkat 2 perangkat daerah" in links
    table_url = reverse("reports:region_table", args=[scored.region.code])
    assert f'href="{table_url}?period=2026-Q2"' in page
    assert f'href="{table_url}?period=2026-Q2&amp;jenis=opd"' in page
    assert "Rekap" in page  # the downloadable recap stays linked


def test_the_first_screen_leaves_follow_up_days_and_profile_to_a_second_request(scored):
    page = region_page(scored, channel="kiosk")
    details_url = reverse("reports:region_details", args=[scored.region.code])

    for section in ("follow-up-indicators", "assisted-share", 'id="daily-title"', 'id="profile-title"'):
        assert section not in page
    assert f'data-region-details="{details_url}?period=2026-Q2&amp;channel=kiosk"' in page
    assert f'href="{details_url}?period=2026-Q2&amp;channel=kiosk"' in page  # without script, a link
    assert "reports/region-details.js" in page

    client = client_for(scored.region_admin)
    details = client.get(details_url, {"period": "2026-Q2", "channel": "kiosk"})
    assert details.status_code == 200
    shown = details.content.decode()
    assert "data-region-details-content" in shown
    for section in ("follow-up-indicators", "assisted-share", 'id="daily-title"', 'id="profile-title"'):
        assert section in shown
    # The region's four kiosk respondents (not the far region's one), none of them helped.
    assert text(by_testid(shown, "assisted-share")) == "Dibantu petugas: 0 dari 4 responden (0,0%)"
    assert client.get(reverse("reports:region_details", args=[scored.far_unit.agency.region.code])).status_code \
        == 404
    assert client_for(scored.operator).get(details_url).status_code == 404


def test_the_table_pages_fifty_rows_at_a_time_and_searches_on_the_server(scored):
    from tests.factories import make_agency, make_service, make_unit

    agency = make_agency(scored.region, name="Dinas Banyak")
    for n in range(60):
        unit = make_unit(agency, name=f"Pos {n:02d}", code=f"pos-{n:02d}")
        submit(unit, make_service(unit), [n % 4 + 1] * 9, answered_at=local(2026, 5, 4))

    first = table_page(scored, sort="nama")
    assert by_testid(first, "page-number") == "Halaman 1 dari 2"
    assert first.count("<tr") == 1 + 50
    second = table_page(scored, sort="nama", page=2)
    assert second.count("<tr") == 1 + 13
    assert names_in(second, ["Pos 58", "Pos 59", "Loket Kelurahan"]) == ["Loket Kelurahan", "Pos 58", "Pos 59"]
    assert 'href="?period=2026-Q2&amp;jenis=unit&amp;sort=nama&amp;order=asc&amp;page=1"' in second

    found = table_page(scored, q="pos-0", sort="ikm", order="asc")  # by code, case and all
    assert by_testid(found, "table-count") .startswith("10 dari 63 baris cocok")
    assert re.findall(r">(Pos 0\d)</a>", found)[:3] == ["Pos 00", "Pos 04", "Pos 08"]  # all 25,00
    assert table_page(scored, q="DINAS BANYAK").count("<tr") == 1 + 50  # by agency name
    assert table_page(scored, q="tidak ada yang bernama ini").count("<tr") == 1


def test_the_table_answers_404_outside_the_admins_region(scored):
    client = client_for(scored.region_admin)
    far = client.get(reverse("reports:region_table", args=[scored.far_unit.agency.region.code]))
    assert far.status_code == 404
    assert client_for(scored.operator).get(reverse("reports:region_table", args=[scored.region.code])).status_code \
        == 404
