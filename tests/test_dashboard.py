"""The unit and agency dashboards show the scoring engine's numbers for known data (SKM-SPEC E2, E3), with the
sample, today's count and the filters; bad query parameters are explained, never a server error."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from agencies.models import Population
from reports.ikm import round_half_up
from surveys.models import Questionnaire, Response
from surveys.services import response_exclude
from tests.dashboard_helpers import E2, E3, by_testid, client_for, rows_of, text
from tests.factories import local, make_service, submit

pytestmark = pytest.mark.django_db


def unit_page(world, user=None, **params):
    response = client_for(user or world.operator).get(reverse("reports:unit_dashboard", args=[world.unit.code]),
                                                      params)
    assert response.status_code == 200
    return response.content.decode()


def shown(value: Decimal, places: int) -> str:
    return f"{round_half_up(value, places):.{places}f}".replace(".", ",")


def test_it_shows_what_skm_score_computes_for_spec_example_e2(world, tmp_path):
    rows = rows_of(E2)
    for number, row in enumerate(rows):
        submit(world.unit, world.service, row, answered_at=local(2026, 5, 1 + number % 28))
    matrix = tmp_path / "e2.csv"
    matrix.write_text("\n".join([",".join(f"U{n}" for n in range(1, 10))] + [",".join(map(str, row)) for row in rows]))
    out = StringIO()
    call_command("skm_score", str(matrix), stdout=out)
    engine = json.loads(out.getvalue())

    page = unit_page(world, period="2026-Q2")

    assert engine["ikm_converted"] == "91.48"
    assert by_testid(page, "ikm") == "91,48"
    assert by_testid(page, "grade") == engine["grade"] == "A"
    assert "Sangat Baik" in text(page)
    assert by_testid(page, "respondents") == "29"
    for element in engine["elements"]:
        row = by_testid(page, f"element-{element['code']}").replace(" (terendah)", "")
        assert row.startswith(f"{element['code']} {element['name']} {element['count']} ")
        assert row.endswith(f"{shown(Decimal(element['nrr']), 3)} {shown(Decimal(element['converted']), 2)} "
                            f"{element['grade']}"), row


def test_it_divides_each_element_by_its_own_answers_for_spec_example_e3(world):
    for row in rows_of(E3):
        submit(world.unit, world.service, row, answered_at=local(2026, 8, 3), channel="paper")

    page = unit_page(world, period="2026-Q3")

    assert by_testid(page, "ikm") == "76,39"
    assert by_testid(page, "grade") == "C"
    assert by_testid(page, "element-U1").endswith("2 3,500 87,50 B")
    assert by_testid(page, "element-U2").endswith("4 3,000 75,00 C")


def test_it_highlights_the_three_lowest_elements(world):
    for row in rows_of(E2):
        submit(world.unit, world.service, row, answered_at=local(2026, 5, 4))

    page = unit_page(world, period="2026-Q2")

    weak = [code for code in ("U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9")
            if f'data-testid="element-{code}" class="weak-row"' in page]
    assert weak == ["U2", "U3", "U5"]  # NRR 3.4828, 3.4483, 3.5172: the lowest three of E2


def test_it_says_which_element_has_no_answers_instead_of_an_ikm(world):
    submit(world.unit, world.service, [4, None, 4, 4, 4, 4, 4, 4, 4], answered_at=local(2026, 5, 4), channel="paper")

    page = text(unit_page(world, period="2026-Q2"))

    assert "IKM dan mutu tidak dapat dihitung: U2 belum ada jawaban." in page


def test_it_pools_an_agency_with_its_sub_agency_and_leaves_other_agencies_out(world):
    rows = rows_of(E2)
    sub_service = world.sub_unit.services.get()
    for number, row in enumerate(rows):
        unit, service = (world.unit, world.service) if number % 2 else (world.sub_unit, sub_service)
        submit(unit, service, row, answered_at=local(2026, 5, 6))
    submit(world.other_unit, world.other_unit.services.get(), [1] * 9, answered_at=local(2026, 5, 6))

    response = client_for(world.agency_admin).get(
        reverse("reports:agency_dashboard", args=[world.agency.code]), {"period": "2026-Q2"})
    page = response.content.decode()

    assert by_testid(page, "ikm") == "91,48"
    assert by_testid(page, "respondents") == "29"
    units = text(by_testid(page, "unit-table"))
    assert "Loket Kecamatan" in units and "Loket Kelurahan" in units and "Loket Dinas" not in units


def test_it_narrows_to_one_service_and_one_channel(world):
    second = make_service(world.unit, "Legalisir")
    submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 5, 4), channel="kiosk")
    submit(world.unit, second, [2] * 9, answered_at=local(2026, 5, 4), channel="qr")
    submit(world.unit, second, [3] * 9, answered_at=local(2026, 5, 4), channel="kiosk")

    assert by_testid(unit_page(world, period="2026-Q2"), "ikm") == "75,00"
    assert by_testid(unit_page(world, period="2026-Q2", service=second.id), "ikm") == "62,50"
    assert by_testid(unit_page(world, period="2026-Q2", channel="kiosk"), "ikm") == "87,50"
    assert by_testid(unit_page(world, period="2026-Q2", service=second.id, channel="qr"), "ikm") == "50,00"


def test_it_reads_month_semester_year_and_custom_periods(world):
    submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 2, 10))
    submit(world.unit, world.service, [2] * 9, answered_at=local(2026, 5, 10))
    submit(world.unit, world.service, [3] * 9, answered_at=local(2026, 9, 10))

    assert by_testid(unit_page(world, period="2026-M02"), "ikm") == "100,00"
    assert by_testid(unit_page(world, period="2026-S1"), "ikm") == "75,00"
    assert by_testid(unit_page(world, period="2026"), "ikm") == "75,00"
    page = unit_page(world, period="custom", dari="2026-05-01", sampai="2026-09-30")
    assert by_testid(page, "ikm") == "62,50"
    assert "01-05-2026 s.d. 30-09-2026" in text(page)


@pytest.mark.parametrize("params, message", [
    ({"period": "garbage"}, "Periode “garbage” tidak dikenali."),
    ({"period": "2026-Q9"}, "Periode “2026-Q9” tidak dikenali."),
    ({"period": "0001-Q1"}, "Periode harus di antara tahun 2000 dan 2100."),
    ({"period": "custom", "dari": "2026-05-01", "sampai": "kemarin"}, "Rentang tanggal tidak sah"),
    ({"period": "custom", "dari": "2026-05-01", "sampai": "2026-04-01"}, "Rentang tanggal tidak sah"),
    ({"period": "2020-01-01..2026-01-01"}, "Rentang tanggal paling panjang 731 hari."),
    ({"service": "abc"}, "Jenis layanan yang dipilih tidak ada di sini; filter layanan diabaikan."),
    ({"channel": "fax"}, "Saluran “fax” tidak dikenali; filter saluran diabaikan."),
    ({"sort": "'; drop table"}, None),
])
def test_it_explains_a_bad_query_parameter_and_shows_the_default(world, params, message):
    submit(world.unit, world.service, [4] * 9)

    page = text(unit_page(world, **params))

    if message:
        assert message in page
    assert "100,00" in page  # the current quarter, unfiltered


def test_it_ignores_a_service_of_another_unit(world):
    foreign = world.other_unit.services.get()
    submit(world.unit, world.service, [4] * 9)

    page = unit_page(world, service=foreign.id)

    assert "Jenis layanan yang dipilih tidak ada di sini" in text(page)
    assert foreign.name not in page


def test_it_shows_todays_count_whatever_the_period(world):
    submit(world.unit, world.service, [4] * 9)
    submit(world.unit, world.service, [3] * 9)
    submit(world.unit, world.service, [3] * 9, answered_at=timezone.now() - timezone.timedelta(days=1))

    assert by_testid(unit_page(world), "today") == "2"
    assert by_testid(unit_page(world, period="2025-Q1"), "today") == "2"


def test_it_warns_while_the_sample_is_too_small(world):
    Population.objects.create(unit=world.unit, year=2026, quarter=2, service_users=30)  # Krejcie-Morgan: 28
    for _ in range(27):
        submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 4, 7))

    page = unit_page(world, period="2026-Q2")
    assert "Sampel belum cukup: kurang 1 responden." in by_testid(page, "sample-warning")

    submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 4, 7))
    page = unit_page(world, period="2026-Q2")
    assert "sample-warning" not in page
    assert "Jumlah sampel terpenuhi." in text(page)


def test_it_sums_quarters_for_a_semester_and_cannot_tell_the_sample_of_a_month(world):
    Population.objects.create(unit=world.unit, year=2026, quarter=1, service_users=100)
    Population.objects.create(unit=world.unit, year=2026, quarter=2, service_users=100)
    submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 4, 7))

    assert "dari minimal 132 responden (Krejcie-Morgan, 200 pengguna layanan)" in text(
        unit_page(world, period="2026-S1"))
    assert "Sampel minimal belum dapat dihitung" in text(unit_page(world, period="2026-M04"))


def test_it_lists_the_periods_suggestions_newest_first_with_their_scores(world):
    submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 5, 2), suggestion="Antrean terlalu lama")
    submit(world.unit, world.service, [2, 3, 4, 1, 2, 3, 4, 1, 2], answered_at=local(2026, 5, 9),
           suggestion="Toilet kotor")
    excluded = submit(world.unit, world.service, [1] * 9, answered_at=local(2026, 5, 10), suggestion="Spam")
    response_exclude(Response.objects.get(pk=excluded), by=world.agency_admin)
    submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 2, 1), suggestion="Dari triwulan lalu")

    items = by_testid(unit_page(world, period="2026-Q2"), "suggestions")

    assert items.index("Toilet kotor") < items.index("Antrean terlalu lama")
    assert "U1 2 U2 3 U3 4 U4 1 U5 2 U6 3 U7 4 U8 1 U9 2" in items
    assert "Spam" not in items and "Dari triwulan lalu" not in items


def test_it_searches_the_suggestions(world):
    for number, suggestion in enumerate(["Antrean lama sekali", "Petugas ramah", "ANTREAN di pagi hari"]):
        submit(world.unit, world.service, [3] * 9, answered_at=local(2026, 5, 2 + number), suggestion=suggestion)
    url = reverse("reports:unit_suggestions", args=[world.unit.code])

    response = client_for(world.operator).get(url, {"period": "2026-Q2", "q": "antrean"})

    items = by_testid(response.content.decode(), "suggestions")
    assert items.index("ANTREAN di pagi hari") < items.index("Antrean lama sekali")
    assert "Petugas ramah" not in items


def test_it_shows_each_questionnaire_of_a_unit_that_changed_questionnaire_within_the_period(world):
    submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 4, 7))
    submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 4, 8))
    world.unit.questionnaire = Questionnaire.objects.get(code="kepmenpan-25-2004")
    world.unit.save()
    submit(world.unit, world.service, [2] * 14, answered_at=local(2026, 5, 7))

    page = unit_page(world, period="2026-Q2")

    assert by_testid(page, "respondents") == "3"
    assert by_testid(page, "ikm") == "100,00"  # the questionnaire most respondents answered
    assert "Indeks Kepuasan Masyarakat (Kepmenpan 25/2004) (1 responden)" in text(page)
