"""The pulse API: POST /api/v1/pulse stores a tap exactly once, GET /api/v1/pulse/board reads today's counts
(docs/api.md, docs/pulse.md). Pulse answers never reach an SKM response, a tally or an IKM figure."""

import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from pulse.models import PulseAnswer
from reports.periods import Period
from reports.selectors import scores_by_unit
from surveys.api import BODY_LIMIT
from surveys.kiosk import kiosk_create, kiosk_mode_set, kiosk_revoke
from surveys.models import KioskMode, Response, ResponseTally
from tests.dashboard_helpers import client_for, text
from tests.factories import submit
from tests.hostile_helpers import JSON_VALUE, RAW_BODY, hostile_settings, json_bytes

pytestmark = pytest.mark.django_db

PULSE_URL = "/api/v1/pulse"
BOARD_URL = "/api/v1/pulse/board"


def tap(value=4, **changes):
    # Now, not a minute ago: a test run just after midnight still counts its taps today.
    data = {"key": str(uuid.uuid4()), "value": value, "answered_at": timezone.now().isoformat()}
    data.update(changes)
    return data


def post(token, data, **extra):
    payload = data if isinstance(data, (bytes, str)) else json.dumps(data)
    content_type = extra.pop("content_type", "application/json")
    headers = {"HTTP_AUTHORIZATION": f"Kiosk {token}"} if token is not None else {}
    return Client().post(PULSE_URL, payload, content_type=content_type, CONTENT_TYPE=content_type,
                         **headers, **extra)


def board(token):
    return Client().get(BOARD_URL, HTTP_AUTHORIZATION=f"Kiosk {token}")


def test_the_kiosk_payload_says_its_mode_and_keeps_every_documented_field(world, pulse_kiosk):
    _kiosk, token = pulse_kiosk
    survey_kiosk, survey_token = kiosk_create(unit=world.unit, name="Tablet loket 1")
    pulse = Client().get("/api/v1/kiosk", HTTP_AUTHORIZATION=f"Kiosk {token}").json()
    survey = Client().get("/api/v1/kiosk", HTTP_AUTHORIZATION=f"Kiosk {survey_token}").json()
    assert (pulse["mode"], survey["mode"]) == ("pulse", "survey")
    assert set(survey) == {"unit", "services", "elements", "profile", "languages", "kiosk", "mode"}
    assert pulse["kiosk"] == {"name": "Tablet ruang tunggu", "read_aloud": False}
    assert pulse["unit"]["name"] == "Loket Kecamatan"


def test_it_stores_a_tap_once_and_answers_a_replay_with_the_same_id(world, pulse_kiosk):
    kiosk, token = pulse_kiosk
    data = tap(3)
    first = post(token, data)
    assert first.status_code == 201
    stored = PulseAnswer.objects.get()
    assert first.json() == {"id": stored.id, "key": data["key"], "created": True}
    assert (stored.unit, stored.kiosk, stored.value) == (world.unit, kiosk, 3)
    assert stored.answered_at.isoformat(timespec="seconds") == \
        timezone.datetime.fromisoformat(data["answered_at"]).isoformat(timespec="seconds")
    assert first["Cache-Control"] == "no-store"

    # The tablet never heard the answer and sends it again, even with another value: nothing changes.
    again = post(token, {**data, "value": 1})
    assert again.status_code == 200
    assert again.json() == {"id": stored.id, "key": data["key"], "created": False}
    assert PulseAnswer.objects.count() == 1 and PulseAnswer.objects.get().value == 3


def test_a_time_with_an_offset_postgresql_cannot_store_is_kept_as_the_same_instant(world, pulse_kiosk):
    _kiosk, token = pulse_kiosk
    moment = timezone.now().astimezone(timezone.get_fixed_timezone(-(18 * 60 + 32)))  # Python parses it; PostgreSQL
    response = post(token, tap(2, answered_at=moment.isoformat()))                   # refuses beyond ±15:59
    assert response.status_code == 201, response.content
    assert PulseAnswer.objects.get().answered_at == moment


def test_a_key_of_another_units_answer_is_refused(world, pulse_kiosk):
    _kiosk, token = pulse_kiosk
    _other, other_token = kiosk_create(unit=world.other_unit, name="Tablet lain", mode=KioskMode.PULSE)
    data = tap()
    assert post(other_token, data).status_code == 201
    refused = post(token, data)
    assert refused.status_code == 409 and "key" in refused.json()["errors"]
    assert PulseAnswer.objects.get().unit == world.other_unit


def test_a_survey_kiosk_or_a_revoked_one_is_refused_clearly(world, pulse_kiosk):
    kiosk, token = pulse_kiosk
    _survey, survey_token = kiosk_create(unit=world.unit, name="Tablet loket 1")
    refused = post(survey_token, tap())
    assert refused.status_code == 409
    assert "mode denyut" in refused.json()["detail"] and "kiosk" in refused.json()["errors"]

    kiosk_mode_set(kiosk=kiosk, mode=KioskMode.SURVEY, by=world.operator)
    assert post(token, tap()).status_code == 409
    kiosk_mode_set(kiosk=kiosk, mode=KioskMode.PULSE, by=world.operator)
    assert post(token, tap()).status_code == 201

    kiosk_revoke(kiosk=kiosk)
    revoked = post(token, tap())
    assert revoked.status_code == 403 and "dicabut" in revoked.json()["detail"]
    assert post(None, tap()).status_code == 401
    assert post("tidak-dikenal", tap()).status_code == 401
    assert PulseAnswer.objects.count() == 1


@pytest.mark.parametrize("changes, field", [
    ({"value": 0}, "value"), ({"value": 5}, "value"), ({"value": "4"}, "value"), ({"value": 3.0}, "value"),
    ({"value": True}, "value"), ({"value": None}, "value"), ({"value": [4]}, "value"),
    ({"key": "bukan-uuid"}, "key"), ({"key": 12345}, "key"), ({"key": None}, "key"), ({"key": "x" * 5000}, "key"),
    ({"answered_at": "kemarin"}, "answered_at"), ({"answered_at": 1700000000}, "answered_at"),
    ({"answered_at": "2999-01-01T10:00:00+07:00"}, "answered_at"),
    ({"answered_at": "1999-01-01T10:00:00+07:00"}, "answered_at"),
    ({"answered_at": "2026-02-30T10:00:00+07:00"}, "answered_at"),
])
def test_bad_fields_are_named(pulse_kiosk, changes, field):
    _kiosk, token = pulse_kiosk
    response = post(token, tap(**changes))
    assert response.status_code == 400
    assert field in response.json()["errors"] and response.json()["errors"][field]
    assert PulseAnswer.objects.count() == 0


@pytest.mark.parametrize("payload, content_type, status", [
    (b"{oops", "application/json", 400), (b"[]", "application/json", 400), (b"null", "application/json", 400),
    (b"\xff\xfe{}", "application/json", 400), (b"[" * 5000 + b"]" * 5000, "application/json", 400),
    (json.dumps({"value": 4}).encode(), "text/plain", 415),
    (b'{"pad": "' + b"x" * (BODY_LIMIT + 10) + b'"}', "application/json", 413),
])
def test_hostile_bodies_get_a_clear_answer_not_a_crash(pulse_kiosk, payload, content_type, status):
    _kiosk, token = pulse_kiosk
    response = post(token, payload, content_type=content_type)
    assert response.status_code == status
    assert response.json()["detail"] and "body" in response.json()["errors"]
    assert PulseAnswer.objects.count() == 0


@hostile_settings(120)
@given(payload=st.one_of(
    JSON_VALUE.map(json_bytes), RAW_BODY,
    st.fixed_dictionaries({"key": st.one_of(JSON_VALUE, st.uuids().map(str)),
                           "value": st.one_of(JSON_VALUE, st.integers(1, 4))}).map(json_bytes)))
def test_no_input_makes_a_server_error_or_a_half_stored_answer(pulse_kiosk, payload):
    _kiosk, token = pulse_kiosk
    before = PulseAnswer.objects.count()
    response = post(token, payload)
    assert response.status_code in (200, 201, 400, 413), response.content
    assert response.json()["detail" if response.status_code >= 400 else "id"]
    assert PulseAnswer.objects.count() == before + (response.status_code == 201)


def test_the_storing_path_makes_a_fixed_small_number_of_queries(pulse_kiosk, django_assert_max_num_queries):
    _kiosk, token = pulse_kiosk
    post(token, tap())  # the kiosk row is cached and its last contact written
    for data in (tap(1), tap(2), tap(4)):
        # Inside the test's transaction: a savepoint, the INSERT and its release.
        with django_assert_max_num_queries(3):
            assert post(token, data).status_code == 201
    replay = tap(3)
    post(token, replay)
    # The refused INSERT is rolled back to its savepoint, then the stored id is read.
    with django_assert_max_num_queries(5):
        assert post(token, replay).status_code == 200


def test_the_board_api_gives_todays_counts_of_the_kiosks_unit_only(world, pulse_kiosk):
    _kiosk, token = pulse_kiosk
    for value in (4, 4, 3, 1):
        assert post(token, tap(value)).status_code == 201
    yesterday = timezone.now() - timedelta(days=1, hours=1)
    assert post(token, tap(2, answered_at=yesterday.isoformat())).status_code == 201
    _other, other_token = kiosk_create(unit=world.other_unit, name="Tablet lain", mode=KioskMode.PULSE)
    assert post(other_token, tap(1)).status_code == 201

    response = board(token)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["unit"] == {"name": "Loket Kecamatan"}
    assert data["day"] == timezone.localdate().isoformat()
    assert [(face["value"], face["count"]) for face in data["faces"]] == [(1, 1), (2, 0), (3, 1), (4, 2)]
    assert [face["label"] for face in data["faces"]] == ["Sangat tidak puas", "Tidak puas", "Puas", "Sangat puas"]
    assert (data["total"], data["satisfied"], data["satisfied_percent"]) == (4, 3, 75.0)
    assert board(other_token).json()["total"] == 1
    assert board("tidak-dikenal").status_code == 401


def test_pulse_answers_are_absent_from_every_ikm_figure(world, pulse_kiosk):
    _kiosk, token = pulse_kiosk
    for values in ([4] * 9, [3] * 9, [2, 3, 4, 3, 2, 3, 4, 3, 2]):
        submit(world.unit, world.service, values)
    period = Period.containing(timezone.localdate())
    unit_ids = [world.unit.id]

    def figures():
        scores = scores_by_unit(unit_ids=unit_ids, period=period)[world.unit.id]
        pages = {
            url: text(client_for(world.region_admin).get(url).content.decode())
            for url in (f"/dasbor/unit/{world.unit.code}/", f"/dasbor/opd/{world.agency.code}/",
                        f"/dasbor/daerah/{world.region.code}/")
        }
        tallies = sorted(ResponseTally.objects.values_list("unit_id", "service_id", "channel", "day", "count"))
        return (Response.objects.count(), tallies, scores.result.ikm_converted, scores.respondents,
                scores.value_counts, pages)

    before = figures()
    assert before[0] == 3 and before[3] == 3
    assert all("Indeks Kepuasan Masyarakat" in page and "Loket Kecamatan" in page for page in before[-1].values())
    for value in (1, 1, 1, 2, 1, 1):
        assert post(token, tap(value)).status_code == 201
    assert PulseAnswer.objects.count() == 6
    assert figures() == before
