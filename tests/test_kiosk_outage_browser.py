"""The kiosk page in a real chromium while PostgreSQL refuses connections: the API answers 503 JSON with
Retry-After, the survey waits in the tablet's queue and is stored once the database is back."""

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect

from surveys.models import Response
from tests.test_kiosk_browser import counter, open_context, open_kiosk, tap_survey, wait_until  # noqa: F401

pytestmark = [
    pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
                       reason="cuts a PostgreSQL database's connections"),
]


def database_accepts(name: str, allowed: bool):
    database = settings.DATABASES["default"]
    admin = psycopg.connect(host=database["HOST"] or "127.0.0.1", port=database["PORT"] or 5432,
                            user=database["USER"] or "postgres", dbname="postgres", autocommit=True)
    with admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"true" if allowed else "false"}')
        if not allowed:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))


def test_a_survey_sent_while_the_database_is_down_waits_and_is_stored_after_retry_after(
        live_server, counter, open_context, settings):  # noqa: F811
    settings.API_RETRY_AFTER_SECONDS = 2
    _unit, _services, _kiosk, token = counter
    page, _errors = open_kiosk(open_context({"width": 800, "height": 1280}), live_server.url, token)
    answers = []
    page.on("response", lambda response: answers.append(
        (response.status, response.headers.get("content-type"), response.headers.get("retry-after")))
        if "/api/v1/responses" in response.url else None)
    name = connection.settings_dict["NAME"]
    connection.close()
    database_accepts(name, False)
    try:
        tap_survey(page)
        expect(page.locator("#thanks-detail")).to_contain_text("tersimpan di perangkat ini")
        expect(page.locator("#outbox")).to_have_text("1 menunggu dikirim")
        wait_until(lambda: answers)
        assert answers[0] == (503, "application/json", "2")
    finally:
        database_accepts(name, True)
    expect(page.locator("#outbox")).to_be_hidden(timeout=20000)
    assert answers[-1][0] == 201
    wait_until(lambda: Response.objects.count() == 1)
