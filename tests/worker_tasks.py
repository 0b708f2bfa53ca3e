"""A task for the tests that run a real task worker process (tests/test_task_worker.py)."""

from django_tasks import task


@task()
def echo(value):
    return value
