"""Under concurrent submissions (and retries of the same keys) the tallies stay equal to a recount."""

import random
import threading
import uuid

import pytest
from django.db import connection, connections

from surveys.models import Response
from surveys.tallies import tallies_differences
from tests.factories import make_service, submit

pytestmark = [
    # serialized_rollback: an earlier transactional test leaves the data migration's questionnaires flushed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="real concurrency needs PostgreSQL"),
]


def test_threads_submitting_and_retrying_leave_exact_tallies(world):
    services = [world.service, make_service(world.unit, "Legalisir")]
    keys = [uuid.uuid4() for _ in range(120)]
    failures, sent = [], set()

    def client(seed):
        generator = random.Random(seed)
        try:
            for key in generator.sample(keys, 60):  # every key is sent by several threads
                values = [generator.randint(1, 4) for _ in range(9)]
                submit(world.unit, generator.choice(services), values, key=key)
                sent.add(key)
        except Exception as error:  # noqa: BLE001 - reported to the main thread below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert set(Response.objects.values_list("key", flat=True)) == sent
    assert Response.objects.count() == len(sent)
    assert tallies_differences() == []
    assert connection.vendor == "postgresql"
