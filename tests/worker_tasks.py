"""A task for the tests that run a real task worker process (tests/test_task_worker.py)."""

import time

from django_tasks import task
from django_tasks_db.models import DBTaskResult


@task()
def echo(value):
    return value


@task()
def wait_then_count(seconds):
    """Runs long enough for the database to go away under it, then needs it."""
    time.sleep(seconds)
    return DBTaskResult.objects.count()
