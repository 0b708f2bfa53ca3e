"""Replays of the same pulse taps from several threads at once, on PostgreSQL: each key is stored once and
every reply names the one stored id."""

import json
import random
import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from pulse.models import PulseAnswer
from surveys.kiosk import kiosk_create
from surveys.models import KioskMode

pytestmark = [
    # serialized_rollback: an earlier transactional test leaves the data migration's questionnaires flushed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="real concurrency needs PostgreSQL"),
]


def test_threads_replaying_the_same_taps_store_each_once(world):
    _kiosk, token = kiosk_create(unit=world.unit, name="Tablet ruang tunggu", mode=KioskMode.PULSE)
    answered_at = (timezone.now() - timedelta(minutes=5)).isoformat()
    taps = [{"key": str(uuid.uuid4()), "value": random.Random(n).randint(1, 4), "answered_at": answered_at}
            for n in range(40)]
    start = threading.Barrier(6)
    replies, failures = [], []

    def tablet(seed):
        generator = random.Random(seed)
        client = Client()
        try:
            start.wait()
            for tap in generator.sample(taps, len(taps)):  # every key is sent by every thread
                response = client.post("/api/v1/pulse", json.dumps(tap), content_type="application/json",
                                       HTTP_AUTHORIZATION=f"Kiosk {token}")
                replies.append((tap["key"], response.status_code, response.json().get("id")))
        except Exception as error:  # noqa: BLE001 - reported to the main thread below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tablet, args=(seed,)) for seed in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert connection.vendor == "postgresql"
    stored = dict(PulseAnswer.objects.values_list("key", "id"))
    assert len(stored) == PulseAnswer.objects.count() == len(taps)
    assert len(replies) == 6 * len(taps)
    for key, status, answer_id in replies:
        assert status in (200, 201) and answer_id == stored[uuid.UUID(key)]
    assert sum(status == 201 for _key, status, _id in replies) == len(taps)
    assert sorted(PulseAnswer.objects.values_list("value", flat=True)) == sorted(tap["value"] for tap in taps)
