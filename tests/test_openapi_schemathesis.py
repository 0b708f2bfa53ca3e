"""docs/openapi.yaml against the running app: schemathesis generates valid and invalid requests for every
operation and checks that no answer is a server error, that every status code is one the description
lists and that every body matches its schema; nothing is ever stored half-way."""

from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from surveys.kiosk import kiosk_create
from tests.hostile_helpers import assert_nothing_half_written, stored_counts

pytestmark = pytest.mark.django_db

SPEC = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"
# The kiosk API; the public QR form (served with its one-time token) has its own tests in test_qr_survey.
schema = schemathesis.openapi.from_path(SPEC).include(path_regex="^/api/")
APP = WSGIHandler()
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
]
TRIED: Counter = Counter()
STATUSES: Counter = Counter()
CURRENT: dict = {}


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    print(f"\nschemathesis: {sum(TRIED.values())} generated requests "
          f"({', '.join(f'{name} {n}' for name, n in sorted(TRIED.items()))}); "
          f"statuses {dict(sorted(STATUSES.items()))}")


@pytest.fixture
def kiosk_token(world, settings):
    """A real kiosk of the test world; the app is called in-process inside the test's transaction."""
    # The test client does the same: closing "old" connections at the end of a request would close
    # the one that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    _kiosk, token = kiosk_create(unit=world.unit, name="Tablet uji", by=world.operator)
    CURRENT.update(service=world.service.id, codes=[f"U{i}" for i in range(1, 10)])
    yield token
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    CURRENT.clear()
    cache.clear()


@schema.hook
def flatmap_body(context, body):
    """Random bodies almost never name the unit's real service and every element; half of the object
    bodies get those repaired so the storing path (201, 200 for a replayed key) is reached too."""
    if context.operation is None or context.operation.path != "/api/v1/responses" or not isinstance(body, dict):
        return st.just(body)
    if not CURRENT:
        return st.just(body)
    answers = body.get("answers") if isinstance(body.get("answers"), dict) else {}
    repaired = {**body, "service": CURRENT["service"],
                "answers": {code: answers.get(code, 3) for code in CURRENT["codes"]}}
    repaired.pop("answered_at", None)  # a generated date-time is rarely within the accepted 400 days
    return st.sampled_from([body, repaired])


def headers(token):
    # The in-process transport asks for gzip but hands the checks the compressed bytes.
    return {"Authorization": f"Kiosk {token}", "Accept-Encoding": "identity"}


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_conforms_to_its_openapi_description(case, kiosk_token):
    before = stored_counts()
    response = case.call_and_validate(app=APP, headers=headers(kiosk_token), checks=CHECKS)
    TRIED[f"{case.method} {case.path}"] += 1
    STATUSES[response.status_code] += 1
    assert_nothing_half_written(before, stored=1 if response.status_code == 201 else 0)
