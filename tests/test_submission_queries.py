"""The submission path stays lean: a fixed, small number of queries whatever the questionnaire's size."""

import json
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from surveys.kiosk import kiosk_create
from surveys.models import Questionnaire
from tests.factories import make_service, make_unit

pytestmark = pytest.mark.django_db


def submission(service_id, element_count):
    return json.dumps({
        "key": str(uuid.uuid4()), "service": service_id, "answered_at": timezone.now().isoformat(),
        "profile": {"gender": "P", "age": 30, "education": "SMA", "occupation": "Swasta"},
        "answers": {f"U{i}": 3 for i in range(1, element_count + 1)},
    })


@pytest.mark.parametrize("questionnaire_code, elements", [("permenpan-14-2017", 9), ("kepmenpan-25-2004", 14)])
def test_a_submission_costs_a_fixed_handful_of_queries(world, django_assert_max_num_queries, questionnaire_code,
                                                       elements):
    cache.clear()
    unit = make_unit(world.agency, questionnaire=Questionnaire.objects.get(code=questionnaire_code))
    service = make_service(unit)
    _kiosk, token = kiosk_create(unit=unit, name="Tablet", by=world.operator)
    client = Client(HTTP_AUTHORIZATION=f"Kiosk {token}")

    def post():
        return client.post("/api/v1/responses", submission(service.id, elements), content_type="application/json")

    # cold: kiosk, unit, elements and services are read once; and the kiosk's recent history (docs/integrity.md)
    with django_assert_max_num_queries(16):
        assert post().status_code == 201
    # warm: the kiosk's recent history, then on PostgreSQL one statement (response, answers, tallies, data
    # version: surveys.submission_statement); SQLite inserts the response, its answers, one upsert per tally
    # table and the version inside a savepoint
    warm = 2 if connection.vendor == "postgresql" else 10
    for _ in range(3):
        with django_assert_max_num_queries(warm):
            assert post().status_code == 201
