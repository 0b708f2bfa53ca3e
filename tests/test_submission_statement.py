"""A submission in one statement (surveys.submission_statement): on PostgreSQL the response, its answers, its
tallies and its unit's data version are written by one statement with no savepoint; a replay answers the
stored id; the tallies stay exact whatever mix of channels, flags, blanks and replays arrives."""

import json
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from surveys.kiosk import kiosk_create
from surveys.models import Answer, Channel, ElementTally, Flag, Response, ResponseTally, UnitDataVersion
from surveys.services import NewResponse, response_submit
from surveys.tallies import tallies_differences
from tests.factories import make_service
from tests.test_paper_entry import save as paper_save, sheet
from tests.test_qr_survey import answer as qr_answer, send as qr_send

pytestmark = pytest.mark.django_db

PROFILES = [{"gender": "P", "age": 30, "education": "SMA", "occupation": "Swasta"},
            {"gender": "L", "age": 67, "education": "D4/S1", "occupation": "PNS"},
            {"gender": "L", "age": 19, "education": "SD", "occupation": "Lainnya"}]


def kiosk_body(service_id, *, answered_at, key=None, profile=None, value=3):
    return json.dumps({"key": str(key or uuid.uuid4()), "service": service_id, "answered_at": answered_at.isoformat(),
                       "profile": profile or PROFILES[0], "answers": {f"U{i}": value for i in range(1, 10)}})


@pytest.fixture
def kiosk_client(world):
    _kiosk, token = kiosk_create(unit=world.unit, name="Tablet", by=world.operator)
    return Client(HTTP_AUTHORIZATION=f"Kiosk {token}")


def post(client, body):
    return client.post("/api/v1/responses", body, content_type="application/json")


def version_of(unit):
    return UnitDataVersion.objects.filter(unit=unit).values_list("version", flat=True).first()


def counted(unit):
    return sum(ResponseTally.objects.filter(unit=unit).values_list("count", flat=True))


def test_a_kiosk_submission_is_the_door_check_and_one_statement_without_savepoint(world, kiosk_client):
    start = timezone.now() - timedelta(hours=3)
    assert post(kiosk_client, kiosk_body(world.service.id, answered_at=start)).status_code == 201  # fills the caches
    before = version_of(world.unit)
    with CaptureQueriesContext(connection) as queries:
        response = post(kiosk_client, kiosk_body(world.service.id, answered_at=start + timedelta(minutes=5)))
    assert response.status_code == 201
    statements = [query["sql"] for query in queries.captured_queries]
    writes = [sql for sql in statements if not sql.startswith("SELECT")]
    if connection.vendor == "postgresql":
        # the kiosk's recent history (docs/integrity.md), then everything written in one statement
        assert len(statements) == 2, statements
        assert len(writes) == 1 and writes[0].startswith("WITH new_response AS (INSERT INTO")
        for table in ("surveys_answer", "surveys_responsetally", "surveys_elementtally", "surveys_responsemonthtally",
                      "surveys_elementmonthtally", "surveys_profilemonthtally", "surveys_unitdataversion"):
            assert f'INSERT INTO "{table}"' in writes[0]
        assert not any("SAVEPOINT" in sql for sql in statements)
    else:
        assert any(sql.startswith("SAVEPOINT") for sql in statements)  # the ORM path
    stored = Response.objects.get(pk=response.json()["id"])
    assert stored.answers.count() == 9 and counted(world.unit) == 2
    assert version_of(world.unit) not in (None, before)
    assert tallies_differences() == []


def test_a_replay_answers_the_stored_id_and_writes_nothing(world, kiosk_client):
    key = uuid.uuid4()
    body = kiosk_body(world.service.id, answered_at=timezone.now() - timedelta(hours=1), key=key)
    first = post(kiosk_client, body)
    assert first.status_code == 201
    version = version_of(world.unit)
    with CaptureQueriesContext(connection) as queries:
        again = post(kiosk_client, body)
    assert again.status_code == 200
    assert again.json() == {**first.json(), "created": False}
    if connection.vendor == "postgresql":  # detected from the statement's result, not from an error
        assert not any("SAVEPOINT" in query["sql"] for query in queries.captured_queries)
    assert Response.objects.filter(key=key).count() == 1 and Answer.objects.count() == 9
    assert counted(world.unit) == 1 and version_of(world.unit) == version
    assert tallies_differences() == []


def test_a_key_of_another_units_response_is_refused_with_409(world, kiosk_client):
    key = uuid.uuid4()
    other = kiosk_create(unit=world.other_unit, name="Tablet lain", by=world.region_admin)[1]
    other_client = Client(HTTP_AUTHORIZATION=f"Kiosk {other}")
    service = world.other_unit.services.first()
    assert post(other_client, kiosk_body(service.id, answered_at=timezone.now(), key=key)).status_code == 201
    response = post(kiosk_client, kiosk_body(world.service.id, answered_at=timezone.now(), key=key))
    assert response.status_code == 409 and "key" in response.json()["errors"]
    assert Response.objects.filter(key=key).count() == 1 and counted(world.unit) == 0


def test_a_response_flagged_at_the_door_is_stored_but_not_counted(world, kiosk_client):
    start = timezone.now() - timedelta(hours=2)
    assert post(kiosk_client, kiosk_body(world.service.id, answered_at=start)).status_code == 201
    version = version_of(world.unit)
    # the same kiosk a second later: too fast after the previous answer
    response = post(kiosk_client, kiosk_body(world.service.id, answered_at=start + timedelta(seconds=1)))
    assert response.status_code == 201
    stored = Response.objects.get(pk=response.json()["id"])
    assert stored.flag == Flag.TOO_FAST and stored.is_excluded and stored.answers.count() == 9
    assert counted(world.unit) == 1
    assert version_of(world.unit) != version  # its integrity figures changed
    assert tallies_differences() == []


def test_blank_answers_and_profile_reach_the_tallies_through_the_statement(world):
    unit = world.unit
    new = NewResponse(key=uuid.uuid4(), unit_id=unit.id, service_id=world.service.id,
                      questionnaire_id=unit.questionnaire_id, channel=Channel.PAPER,
                      answered_at=timezone.now() - timedelta(days=1), answers={},
                      gender="", age=None, education="", occupation="")
    elements = list(unit.questionnaire.elements.order_by("position"))
    new.answers = {elements[0].id: 4, elements[4].id: 1}
    response_id, created = response_submit(new)
    assert created
    assert response_submit(new) == (response_id, False)
    assert Answer.objects.filter(response_id=response_id).count() == 2
    assert sum(ElementTally.objects.filter(unit=unit).values_list("count", flat=True)) == 2
    assert tallies_differences() == []


def test_many_submissions_of_every_kind_keep_the_tallies_exact(world, kiosk_client, client):
    other_service = make_service(world.unit, "Legalisir")
    start = timezone.now() - timedelta(days=2)
    keys = []
    at = start
    for n in range(24):
        # every fourth answer follows the previous one within a second: flagged at the door, not counted
        at += timedelta(seconds=1) if n % 4 == 3 else timedelta(minutes=10)
        key = uuid.uuid4()
        keys.append(key)
        body = kiosk_body(world.service.id if n % 2 else other_service.id, answered_at=at, key=key,
                          profile=PROFILES[n % 3], value=1 + n % 4)
        assert post(kiosk_client, body).status_code == 201
        if n % 5 == 0:
            assert post(kiosk_client, body).status_code == 200  # a replay
    for n in range(4):
        assert qr_send(world.unit, qr_answer(world, answers={f"U{i}": 1 + (i + n) % 4 for i in range(1, 10)}),
                       ip=f"203.0.113.{n + 1}").status_code == 201
    rows = [sheet(U3="", U7=""), sheet(gender="", age="", education="", occupation=""), sheet(U1="1", U2="2")]
    assert paper_save(client, world.unit, rows, world.operator).status_code == 200
    assert paper_save(client, world.unit, rows, world.operator).json()["already"] == 3

    assert Response.objects.filter(key__in=keys).count() == 24
    assert Response.objects.filter(excluded_at__isnull=False).count() == 6
    assert counted(world.unit) == Response.objects.filter(unit=world.unit, excluded_at__isnull=True).count() == 25
    assert tallies_differences() == []
    call_command("rebuild_tallies", "--check")
