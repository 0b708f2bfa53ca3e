"""The kiosk and pulse APIs over real HTTP under gunicorn: 503 JSON with Retry-After while the database is
down (never an HTML page), and chunked request bodies read within the size limit."""

import http.client
import json
import os
import subprocess
import sys
import time
import uuid

import psycopg
import pytest
from django.conf import settings

from surveys.kiosk import kiosk_create
from tests.test_faults import ROOT, ScratchServer, free_port

POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def survey_body(service: int) -> bytes:
    return json.dumps({
        "key": str(uuid.uuid4()), "service": service, "answered_at": time.strftime("%Y-%m-%dT%H:%M:%S+07:00"),
        "profile": {"gender": "P", "age": 33, "education": "SMA", "occupation": "Swasta"},
        "answers": {f"U{i}": 3 for i in range(1, 10)},
    }).encode()


def call(port, method, path, token, body=None, headers=None):
    """(status, headers, body) of one request; a body given as a list of parts is sent chunked."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        sent = {"Authorization": f"Kiosk {token}", "Content-Type": "application/json", **(headers or {})}
        if isinstance(body, list):
            connection.request(method, path, body=iter(body), headers=sent, encode_chunked=True)
        else:
            connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def assert_unavailable(answer):
    status, headers, body = answer
    assert status == 503, (status, body[:300])
    assert headers["Content-Type"] == "application/json"
    assert int(headers["Retry-After"]) > 0
    assert json.loads(body)["detail"]


API_CALLS = [("POST", "/api/v1/responses"), ("GET", "/api/v1/kiosk"), ("POST", "/api/v1/pulse"),
             ("GET", "/api/v1/pulse/board")]


def test_every_api_answers_503_json_while_the_database_cannot_be_reached(tmp_path):
    """gunicorn started on a database nobody serves: a closed PostgreSQL port, or an SQLite file in a folder
    that does not exist. The backend's own connection error reaches the view."""
    closed = free_port()
    url = (f"postgres://postgres@127.0.0.1:{closed}/skm" if POSTGRES
           else f"sqlite:///{tmp_path / 'missing-folder' / 'skm.sqlite3'}")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "skm.settings", "SKM_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "skm.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--log-level", "warning"], cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answers = [call(port, method, path, "any-token", b"{}" if method == "POST" else None)
                           for method, path in API_CALLS]
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        for answer in answers:
            assert_unavailable(answer)
    finally:
        os.killpg(process.pid, 9)
        process.wait(timeout=10)


@pytest.fixture
def server(tmp_path):
    scratch = ScratchServer(tmp_path)
    scratch.start()
    yield scratch
    scratch.close()


@pytest.mark.skipif(not POSTGRES, reason="cuts a PostgreSQL database's connections")
def test_a_kiosk_meets_503_while_the_database_refuses_connections_and_is_stored_afterwards(server):
    body = survey_body(server.service)
    assert call(server.port, "POST", "/api/v1/responses", server.token, survey_body(server.service))[0] == 201
    with psycopg.connect(server.admin_url, autocommit=True) as connection:
        connection.execute(f'ALTER DATABASE "{server.name}" ALLOW_CONNECTIONS false')
    try:
        server.drop_database_connections()
        assert_unavailable(call(server.port, "POST", "/api/v1/responses", server.token, body))
    finally:
        with psycopg.connect(server.admin_url, autocommit=True) as connection:
            connection.execute(f'ALTER DATABASE "{server.name}" ALLOW_CONNECTIONS true')
    # The kiosk's queue sends the same answer again after Retry-After: stored once.
    status, _headers, stored = call(server.port, "POST", "/api/v1/responses", server.token, body)
    assert status == 201 and json.loads(stored)["created"] is True
    assert json.loads(body)["key"] in server.stored_keys()


def test_a_chunked_body_is_read_within_the_size_limit(server):
    body = survey_body(server.service)
    parts = [body[:40], body[40:41], body[41:]]

    status, headers, answer = call(server.port, "POST", "/api/v1/responses", server.token, parts)

    assert status == 201, answer
    assert json.loads(answer)["key"] == json.loads(body)["key"]
    assert json.loads(body)["key"] in server.stored_keys()
    big = json.dumps({"key": str(uuid.uuid4()), "suggestion": "x" * 20_000}).encode()
    status, headers, answer = call(server.port, "POST", "/api/v1/responses", server.token,
                                   [big[i:i + 4096] for i in range(0, len(big), 4096)])
    assert status == 413 and headers["Content-Type"] == "application/json" and json.loads(answer)["detail"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_server_that_cannot_read_chunked_bodies_answers_411_json(live_server, world):
    """Django's own development server does not decode chunks: ask for Content-Length instead of reading
    nothing and calling the answer invalid JSON."""
    _kiosk, token = kiosk_create(unit=world.unit, name="Tablet", by=world.operator)
    port = int(live_server.url.rsplit(":", 1)[1])

    status, headers, answer = call(port, "POST", "/api/v1/responses", token, [b'{"key": ', b'"x"}'])

    assert status == 411 and headers["Content-Type"] == "application/json"
    assert "Content-Length" in json.loads(answer)["detail"]
