"""Paper sheets keyed in on the grid: stored once, all or nothing, by staff of the unit only."""

import json
import uuid
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Channel, Response, ResponseTally
from surveys.tallies import tallies_differences
from tests.factories import make_service

pytestmark = pytest.mark.django_db
PASSWORD = "rahasia-uji-123"


def days_ago(n):
    return timezone.localdate() - timedelta(days=n)


def sheet(**changes):
    values = {"key": str(uuid.uuid4()), "date": days_ago(3).strftime("%d/%m/%Y"), "service": "1",
              "gender": "P", "age": "34", "education": "4", "occupation": "4", "suggestion": ""}
    values.update({f"U{i}": "3" for i in range(1, 10)})
    values.update(changes)
    return values


def save(client, unit, rows, user=None):
    if user:
        client.force_login(user)
    return client.post(reverse("surveys_staff:paper_save", args=[unit.code]), data=json.dumps({"rows": rows}),
                       content_type="application/json")


def test_it_stores_good_rows_once_as_paper_with_exact_tallies(client, world):
    rows = [sheet(), sheet(gender="l", age="", education="SMA", occupation="PNS", U9="", suggestion="Cepat."),
            sheet(date=days_ago(1).isoformat(), U1="4", U2="4")]
    response = save(client, world.unit, rows, world.operator)

    assert response.status_code == 200, response.content
    assert response.json()["stored"] == 3 and response.json()["already"] == 0 and response.json()["today"] == 3
    stored = {str(r.key): r for r in Response.objects.filter(unit=world.unit).prefetch_related("answers")}
    assert set(stored) == {row["key"] for row in rows}
    first, second, third = (stored[row["key"]] for row in rows)
    assert {r.channel for r in stored.values()} == {Channel.PAPER}
    assert first.service == world.service
    assert timezone.localtime(first.answered_at) == timezone.make_aware(datetime.combine(days_ago(3), time(12)))
    assert (first.gender, first.age, first.education, first.occupation) == ("P", 34, "SMA", "Swasta")
    assert (second.gender, second.age, second.education, second.occupation) == ("L", None, "SMA", "PNS")
    assert second.answers.count() == 8 and second.suggestion == "Cepat."
    assert timezone.localdate(third.answered_at) == days_ago(1)
    assert sorted(third.answers.values_list("value", flat=True)) == [3] * 7 + [4, 4]
    assert tallies_differences() == []
    assert sum(ResponseTally.objects.filter(unit=world.unit, channel=Channel.PAPER).values_list("count", flat=True)) == 3


def test_it_stores_nothing_when_one_row_is_bad_and_names_the_row_and_field(client, world):
    bad = sheet(U3="5", age="7")
    response = save(client, world.unit, [sheet(), bad, sheet()], world.operator)

    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == [{"row": 2, "key": bad["key"], "fields": {
        "age": "usia harus angka 15 sampai 100", "U3": "nilai harus 1, 2, 3 atau 4"}}]
    assert "tidak ada yang disimpan" in body["message"]
    assert Response.objects.count() == 0 and tallies_differences() == []


def test_it_allows_blank_elements_but_not_a_sheet_without_any_answer(client, world):
    empty = sheet(**{f"U{i}": "" for i in range(1, 10)})
    response = save(client, world.unit, [sheet(U4=""), empty], world.operator)

    assert response.status_code == 400
    assert response.json()["errors"] == [{"row": 2, "key": empty["key"],
                                          "fields": {"row": "tidak ada unsur yang dijawab"}}]
    assert Response.objects.count() == 0


def test_it_never_stores_a_resubmitted_row_twice(client, world):
    rows = [sheet(), sheet(), sheet()]
    assert save(client, world.unit, rows, world.operator).json()["stored"] == 3

    again = save(client, world.unit, rows)
    assert again.status_code == 200 and again.json() == {"stored": 0, "already": 3, "today": 3}
    more = save(client, world.unit, [*rows[1:], sheet()])
    assert more.json()["stored"] == 1 and more.json()["already"] == 2
    assert Response.objects.count() == 4 and tallies_differences() == []


def test_it_refuses_the_same_key_twice_in_one_batch_and_a_key_of_another_response(client, world):
    twin = sheet()
    response = save(client, world.unit, [twin, dict(twin)], world.operator)
    assert response.status_code == 400 and list(response.json()["errors"][0]["fields"]) == ["key"]

    elsewhere = sheet(service="1")
    save(client, world.other_unit, [elsewhere], world.region_admin)
    response = save(client, world.unit, [sheet(), {**elsewhere, "service": "1"}], world.operator)
    assert response.status_code == 400 and response.json()["errors"][0]["fields"] == {
        "key": "kunci baris ini sudah dipakai respons lain"}
    assert Response.objects.filter(unit=world.unit).count() == 0


def test_it_takes_a_service_by_its_number_or_name_and_refuses_others(client, world):
    second = make_service(world.unit, "Legalisir Dokumen")
    retired = make_service(world.unit, "Layanan Lama")
    retired.is_active = False
    retired.save()
    rows = [sheet(service="2"), sheet(service="legalisir  dokumen")]
    assert save(client, world.unit, rows, world.operator).json()["stored"] == 2
    assert set(Response.objects.values_list("service", flat=True)) == {second.id}

    response = save(client, world.unit, [sheet(service="9"), sheet(service="3"), sheet(service="")])
    assert [error["fields"] for error in response.json()["errors"]] == [
        {"service": "layanan 9 tidak ada di daftar layanan unit ini"},
        {"service": "pilih jenis layanan dari unit ini"},
        {"service": "layanan wajib diisi (nomor atau nama dari daftar)"},
    ]


@pytest.mark.parametrize("value, message", [
    ((timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y"), "tanggal tidak boleh di masa depan"),
    ("31/02/2026", "bukan tanggal yang sah (contoh: 02/11/2026 atau 2026-11-02)"),
    ("kemarin", "bukan tanggal yang sah (contoh: 02/11/2026 atau 2026-11-02)"),
    ("", "tanggal wajib diisi"),
    ((timezone.localdate() - timedelta(days=6 * 366)).isoformat(), "waktu mengisi terlalu lama di masa lalu"),
])
def test_it_names_a_wrong_date(client, world, value, message):
    response = save(client, world.unit, [sheet(date=value)], world.operator)
    assert response.json()["errors"][0]["fields"] == {"date": message}


def test_a_sheet_dated_today_is_never_in_the_future(client, world):
    save(client, world.unit, [sheet(date=timezone.localdate().strftime("%d/%m/%Y"))], world.operator)
    answered_at = Response.objects.get().answered_at
    assert timezone.localdate(answered_at) == timezone.localdate() and answered_at <= timezone.now()


@pytest.mark.parametrize("body", ["not json", json.dumps([1, 2]), json.dumps({"rows": []}),
                                  json.dumps({"rows": ["x"]}), json.dumps({"rows": [{"key": 5}] * 501})])
def test_it_answers_malformed_input_with_400(client, world, body):
    client.force_login(world.operator)
    response = client.post(reverse("surveys_staff:paper_save", args=[world.unit.code]), data=body,
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["message"]
    assert Response.objects.count() == 0


def test_it_names_cells_of_the_wrong_type_instead_of_failing(client, world):
    odd = sheet(date=[2026, 11, 2], service={"id": 1}, age=True, U1={"a": 1}, U2=3.5, key=None, suggestion=7)
    response = save(client, world.unit, [odd], world.operator)
    assert response.status_code == 400
    assert set(response.json()["errors"][0]["fields"]) == {"date", "service", "age", "U1", "U2", "key"}


def test_it_refuses_a_body_over_the_size_limit_without_storing_anything(client, world, settings):
    rows = [sheet(suggestion="x" * 1500) for _ in range(100)]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    assert save(client, world.unit, rows, world.operator).status_code == 400
    assert Response.objects.count() == 0
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
    assert save(client, world.unit, rows).status_code == 200


@pytest.mark.parametrize("who, unit, status", [
    ("operator", "unit", 200), ("agency_admin", "unit", 200), ("agency_admin", "sub_unit", 200),
    ("region_admin", "other_unit", 200), ("operator", "other_unit", 404), ("other_agency_admin", "unit", 404),
    ("stranger", "unit", 404), ("nobody", "unit", 404),
])
def test_it_lets_only_staff_above_the_unit_in(client, world, who, unit, status):
    client.force_login(getattr(world, who))
    unit = getattr(world, unit)
    assert client.get(reverse("surveys_staff:paper_entry", args=[unit.code])).status_code == status
    response = save(client, unit, [sheet()])
    assert response.status_code == status
    assert Response.objects.count() == (1 if status == 200 else 0)


def test_it_sends_anonymous_visitors_to_the_login(client, world):
    for response in (client.get(reverse("surveys_staff:paper_entry", args=[world.unit.code])),
                     save(client, world.unit, [sheet()])):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Response.objects.count() == 0


def test_the_grid_page_shows_the_legend_and_loads_its_script(client, world):
    client.force_login(world.operator)
    response = client.get(reverse("surveys_staff:paper_entry", args=[world.unit.code]))
    html = response.content.decode()
    assert "<kbd>1</kbd> Surat Keterangan" in html and "<kbd>4</kbd> SMA" in html and ">U9</th>" in html
    assert 'src="/static/surveys/paper.js"' in html and 'id="paper-config"' in html
    assert reverse("surveys_staff:paper_save", args=[world.unit.code]) in html


def test_the_days_count_is_the_operators_own_sheets_of_that_day(client, world):
    from django.test import Client

    from surveys.paper import paper_sheets_received_today, paper_sheets_submit
    from tests.factories import make_user, submit
    colleague = make_user("operator-dua", world.unit)
    paper_sheets_submit(unit=world.unit, rows=[sheet(), sheet()], by=colleague)
    submit(world.unit, world.service, [3] * 9, channel="paper")  # loaded without an operator, as the demo does
    submit(world.unit, world.service, [3] * 9, channel="kiosk")
    yesterday = paper_sheets_submit(unit=world.unit, rows=[sheet()], by=world.operator).stored
    Response.objects.filter(entered_by=world.operator).update(received_at=timezone.now() - timedelta(days=1))
    assert yesterday == 1

    client.force_login(world.operator)
    page = client.get(reverse("surveys_staff:paper_entry", args=[world.unit.code])).content.decode()
    assert '<strong id="paper-today">0</strong>' in page
    assert save(client, world.unit, [sheet(), sheet(), sheet()]).json()["today"] == 3
    assert paper_sheets_received_today(unit=world.unit, by=world.operator) == 3
    assert paper_sheets_received_today(unit=world.unit, by=colleague) == 2
    other = Client()
    other.force_login(colleague)
    assert '<strong id="paper-today">2</strong>' in other.get(
        reverse("surveys_staff:paper_entry", args=[world.unit.code])).content.decode()
    assert Response.objects.filter(channel=Channel.PAPER, entered_by=world.operator).count() == 4
