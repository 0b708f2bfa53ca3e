"""The kiosk API: GET /api/v1/kiosk and POST /api/v1/responses (docs/api.md)."""

import json
import uuid
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from agencies.models import Service
from surveys.api import BODY_LIMIT, citizen_language
from surveys.kiosk import kiosk_create, kiosk_revoke
from surveys.models import Answer, Kiosk, Response, ResponseTally
from tests.factories import make_service

pytestmark = pytest.mark.django_db

KIOSK_URL = "/api/v1/kiosk"
RESPONSES_URL = "/api/v1/responses"


@pytest.fixture
def paired(world):
    kiosk, token = kiosk_create(unit=world.unit, name="Tablet loket 1", by=world.operator)
    return kiosk, token


def body(world, **changes):
    data = {
        "key": str(uuid.uuid4()), "service": world.service.id,
        "answered_at": (timezone.now() - timedelta(minutes=3)).isoformat(),
        "profile": {"gender": "P", "age": 34, "education": "SMA", "occupation": "Swasta"},
        "answers": {f"U{i}": 3 for i in range(1, 10)}, "suggestion": "Antrean lebih tertib.",
    }
    data.update(changes)
    return data


def post(token, data, client=None, **extra):
    client = client or Client()
    headers = {"HTTP_AUTHORIZATION": f"Kiosk {token}"} if token is not None else {}
    payload = data if isinstance(data, (bytes, str)) else json.dumps(data)
    content_type = extra.pop("content_type", "application/json")
    # CONTENT_TYPE given explicitly: the test client leaves it out for an empty body.
    return client.post(RESPONSES_URL, payload, content_type=content_type, CONTENT_TYPE=content_type,
                       **headers, **extra)


def test_it_gives_a_kiosk_everything_to_show_the_form_offline(world, paired):
    _kiosk, token = paired
    make_service(world.unit, "Legalisir")
    Service.objects.create(unit=world.unit, name="Layanan lama", is_active=False)
    response = Client().get(KIOSK_URL, HTTP_AUTHORIZATION=f"Kiosk {token}")
    assert response.status_code == 200
    data = response.json()
    assert data["unit"]["code"] == world.unit.code and data["unit"]["name"] == "Loket Kecamatan"
    assert [s["name"] for s in data["services"]] == ["Legalisir", "Surat Keterangan"]
    assert all(set(s) == {"id", "name"} for s in data["services"])
    assert [e["code"] for e in data["elements"]] == [f"U{i}" for i in range(1, 10)]
    first = data["elements"][0]
    assert first["question"].startswith("Bagaimana pendapat Saudara tentang kesesuaian persyaratan")
    assert first["labels"] == ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]
    assert first["labels_en"] == ["Not suitable", "Less suitable", "Suitable", "Very suitable"]
    assert first["question_en"] == "How well do the service requirements fit the kind of service?"
    assert [g["code"] for g in data["profile"]["gender"]] == ["L", "P"]
    assert "SMA" in [e["code"] for e in data["profile"]["education"]]
    assert "Swasta" in [o["code"] for o in data["profile"]["occupation"]]
    assert data["profile"]["age"] == {"min": 15, "max": 100}
    assert data["kiosk"] == {"name": "Tablet loket 1", "read_aloud": False}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


def test_it_stores_a_kiosk_response_with_the_citizens_time(world, paired):
    kiosk, token = paired
    answered = (timezone.localtime() - timedelta(minutes=3)).replace(microsecond=0).isoformat()
    assert answered.endswith("+07:00")
    with_time = body(world, answered_at=answered)
    response = post(token, with_time)
    assert response.status_code == 201, response.content
    stored = Response.objects.get(pk=response.json()["id"])
    assert response.json() == {"id": stored.id, "key": with_time["key"], "created": True}
    assert stored.channel == "kiosk" and stored.kiosk_id == kiosk.id and stored.unit_id == world.unit.id
    assert stored.answered_at == datetime.fromisoformat(answered)
    assert (stored.gender, stored.age, stored.education, stored.occupation) == ("P", 34, "SMA", "Swasta")
    assert stored.suggestion == "Antrean lebih tertib." and not stored.suspected_repeat
    assert Answer.objects.filter(response=stored).count() == 9
    assert ResponseTally.objects.get(unit=world.unit).count == 1


def test_it_answers_a_replayed_key_with_the_same_id_and_stores_it_once(world, paired):
    _kiosk, token = paired
    data = body(world)
    first = post(token, data)
    again = post(token, data)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == {"id": first.json()["id"], "key": data["key"], "created": False}
    assert Response.objects.count() == 1 and Answer.objects.count() == 9
    assert ResponseTally.objects.get(unit=world.unit).count == 1


def test_it_refuses_a_key_that_belongs_to_another_units_response(world, paired):
    _kiosk, token = paired
    data = body(world)
    assert post(token, data).status_code == 201
    _other, other_token = kiosk_create(unit=world.other_unit, name="Tablet dinas")
    other_service = world.other_unit.services.get()
    response = post(other_token, {**data, "service": other_service.id})
    assert response.status_code == 409
    assert "key" in response.json()["errors"]
    assert Response.objects.count() == 1


@pytest.mark.parametrize("headers", [
    {},
    {"HTTP_AUTHORIZATION": "Kiosk"},
    {"HTTP_AUTHORIZATION": "Bearer {token}"},
    {"HTTP_AUTHORIZATION": "Kiosk salah-token"},
    {"HTTP_AUTHORIZATION": "Kiosk " + "x" * 5000},
])
def test_it_refuses_a_missing_or_wrong_token_with_401(world, paired, headers):
    _kiosk, token = paired
    headers = {name: value.replace("{token}", token) for name, value in headers.items()}
    for response in (Client().get(KIOSK_URL, **headers),
                     Client().post(RESPONSES_URL, json.dumps(body(world)), content_type="application/json",
                                   **headers)):
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Kiosk"
        assert response.json()["detail"]
    assert Response.objects.count() == 0


def test_it_refuses_a_revoked_kiosk_with_403_at_once(world, paired):
    kiosk, token = paired
    assert post(token, body(world)).status_code == 201  # the kiosk row is now cached
    kiosk_revoke(kiosk=kiosk)
    response = post(token, body(world))
    assert response.status_code == 403
    assert "dicabut" in response.json()["detail"]
    assert Client().get(KIOSK_URL, HTTP_AUTHORIZATION=f"Kiosk {token}").status_code == 403
    assert Response.objects.count() == 1


def test_it_refuses_a_kiosk_of_an_inactive_unit(world, paired):
    _kiosk, token = paired
    world.unit.is_active = False
    world.unit.save()
    assert post(token, body(world)).status_code == 403
    assert Response.objects.count() == 0


def _without(mapping, key):
    return {name: value for name, value in mapping.items() if name != key}


@pytest.mark.parametrize("change, field", [
    ({"answers": {**{f"U{i}": 3 for i in range(1, 9)}, "U9": 5}}, "answers.U9"),
    ({"answers": {**{f"U{i}": 3 for i in range(1, 9)}, "U9": 0}}, "answers.U9"),
    ({"answers": {**{f"U{i}": 3 for i in range(1, 9)}, "U9": "empat"}}, "answers.U9"),
    ({"answers": {**{f"U{i}": 3 for i in range(1, 9)}, "U9": 2.5}}, "answers.U9"),
    ({"answers": {f"U{i}": 3 for i in range(1, 9)}}, "answers.U9"),
    ({"answers": {**{f"U{i}": 3 for i in range(1, 10)}, "U10": 3}}, "answers.U10"),
    ({"answers": [3] * 9}, "answers"),
    ({"answers": None}, "answers"),
    ({"key": "bukan-uuid"}, "key"),
    ({"key": None}, "key"),
    ({"service": 999999}, "service"),
    ({"service": "satu"}, "service"),
    ({"service": None}, "service"),
    ({"answered_at": "kemarin sore"}, "answered_at"),
    ({"answered_at": (timezone.now() + timedelta(hours=2)).isoformat()}, "answered_at"),
    ({"answered_at": (timezone.now() - timedelta(days=800)).isoformat()}, "answered_at"),
    ({"profile": {"gender": "X"}}, "profile.gender"),
    ({"profile": {"education": "Kuliah"}}, "profile.education"),
    ({"profile": {"occupation": "Astronot"}}, "profile.occupation"),
    ({"profile": {"age": 7}}, "profile.age"),
    ({"profile": {"age": "tiga puluh"}}, "profile.age"),
    ({"profile": "P/34"}, "profile"),
    ({"suggestion": "x" * 2001}, "suggestion"),
    ({"suggestion": ["x"]}, "suggestion"),
])
def test_it_refuses_each_kind_of_bad_input_naming_the_field(world, paired, change, field):
    _kiosk, token = paired
    response = post(token, body(world, **change))
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in errors and errors[field]
    assert Response.objects.count() == 0 and Answer.objects.count() == 0


def test_it_refuses_a_service_of_another_unit(world, paired):
    _kiosk, token = paired
    response = post(token, body(world, service=world.other_unit.services.get().id))
    assert response.status_code == 400 and "service" in response.json()["errors"]
    assert Response.objects.count() == 0


def test_it_refuses_an_inactive_service(world, paired):
    _kiosk, token = paired
    old = Service.objects.create(unit=world.unit, name="Layanan lama", is_active=False)
    response = post(token, body(world, service=old.id))
    assert response.status_code == 400 and "service" in response.json()["errors"]


def test_it_lists_every_problem_at_once(world, paired):
    _kiosk, token = paired
    response = post(token, body(world, service=0, answers={"U1": 9}, profile={"gender": "X"}))
    assert response.status_code == 400
    assert {"service", "answers.U1", "answers.U2", "profile.gender"} <= set(response.json()["errors"])


def test_it_refuses_an_oversized_body_with_413(world, paired):
    _kiosk, token = paired
    response = post(token, body(world, suggestion="x" * BODY_LIMIT))
    assert response.status_code == 413
    assert "body" in response.json()["errors"]
    assert Response.objects.count() == 0


@pytest.mark.parametrize("raw, field", [
    (b"{not json", "body"),
    (b"[1, 2, 3]", "body"),
    (b'"text"', "body"),
    (b"", "body"),
    (b"\xff\xfe{}", "body"),
    (b"[" * 15000 + b"]" * 15000, "body"),
    (b'{"service": 1' + b"0" * 5000 + b"}", "body"),
])
def test_it_refuses_malformed_json_with_400(world, paired, raw, field):
    _kiosk, token = paired
    response = post(token, raw[:BODY_LIMIT])
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data"])
def test_it_refuses_a_body_that_is_not_json_with_415(world, paired, content_type):
    _kiosk, token = paired
    response = Client().generic("POST", RESPONSES_URL, json.dumps(body(world)), content_type=content_type,
                                HTTP_AUTHORIZATION=f"Kiosk {token}")
    assert response.status_code == 415
    assert "body" in response.json()["errors"]


def test_it_accepts_json_with_a_charset(world, paired):
    _kiosk, token = paired
    response = post(token, body(world), content_type="application/json; charset=utf-8")
    assert response.status_code == 201


def test_it_needs_no_csrf_token_and_sets_no_cookie(world, paired):
    _kiosk, token = paired
    response = post(token, body(world), client=Client(enforce_csrf_checks=True))
    assert response.status_code == 201
    assert not response.cookies


def test_it_allows_only_the_documented_methods(world, paired):
    _kiosk, token = paired
    assert Client().get(RESPONSES_URL, HTTP_AUTHORIZATION=f"Kiosk {token}").status_code == 405
    assert Client().post(KIOSK_URL, "{}", content_type="application/json",
                         HTTP_AUTHORIZATION=f"Kiosk {token}").status_code == 405


def test_it_records_last_seen_at_most_once_a_minute(world, paired):
    kiosk, token = paired
    assert post(token, body(world)).status_code == 201
    kiosk.refresh_from_db()
    first_seen = kiosk.last_seen_at
    assert first_seen is not None and timezone.now() - first_seen < timedelta(seconds=10)
    assert post(token, body(world)).status_code == 201
    kiosk.refresh_from_db()
    assert kiosk.last_seen_at == first_seen
    Kiosk.objects.filter(pk=kiosk.pk).update(last_seen_at=timezone.now() - timedelta(minutes=5))
    cache.clear()
    assert Client().get(KIOSK_URL, HTTP_AUTHORIZATION=f"Kiosk {token}").status_code == 200
    kiosk.refresh_from_db()
    assert timezone.now() - kiosk.last_seen_at < timedelta(seconds=10)


def test_it_reads_neither_the_kiosk_nor_the_form_from_the_database_on_a_warm_submission(world, paired):
    _kiosk, token = paired
    assert post(token, body(world)).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        assert post(token, body(world)).status_code == 201
    statements = [query["sql"] for query in queries.captured_queries]
    reads = [sql for sql in statements if sql.startswith("SELECT")]
    assert not [sql for sql in reads if any(table in sql for table in (
        '"surveys_kiosk"', '"surveys_element"', '"agencies_service"', '"agencies_serviceunit"'))], reads


def test_it_answers_in_the_language_the_kiosk_shows():
    with citizen_language({"lang": "en"}):
        assert translation.get_language() == "en"
    with citizen_language({"lang": "xx"}):
        assert translation.get_language() == "id"
    with citizen_language({"lang": ["en"]}):
        assert translation.get_language() == "id"


def test_it_serves_a_light_kiosk_page_and_its_service_worker(db):
    page = Client().get("/kiosk/")
    assert page.status_code == 200 and not page.cookies
    html = page.content.decode()
    assert "surveys/kiosk.js" in html and "surveys/kiosk.css" in html
    assert "bootstrap" not in html and "<script>" not in html  # own small CSS, no inline script
    assert '"responses": "/api/v1/responses"' in html
    worker = Client().get("/kiosk/sw.js")
    assert worker.status_code == 200 and worker["Content-Type"].startswith("application/javascript")
    assert worker["Service-Worker-Allowed"] == "/kiosk/" and "no-cache" in worker["Cache-Control"]
    assert b"skm-kiosk-v1" in worker.content
