from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reports.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_tasks(settings):
    """Tasks go to the database and a `db_worker` must take them, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return settings


def heartbeat(seconds_ago: float) -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(worker_id=f"w{seconds_ago}", host="worker-1", pid=4242,
                                          started_at=now - timedelta(hours=1),
                                          seen_at=now - timedelta(seconds=seconds_ago))


def waiting_task(seconds: float) -> DBTaskResult:
    task = DBTaskResult.objects.create(
        task_path="reports.tasks.example", args_kwargs={"args": [], "kwargs": {}}, backend_name="default",
        queue_name="default", run_after=timezone.now() - timedelta(hours=1),
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - timedelta(seconds=seconds))
    return task


def test_it_reports_ok_when_the_database_answers_and_no_task_waits(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_it_reports_the_workers_heartbeat_and_the_oldest_waiting_task(client, database_tasks):
    heartbeat(seconds_ago=30)
    heartbeat(seconds_ago=5)
    waiting_task(seconds=40)
    response = client.get("/health")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["worker"] == "ok: last heartbeat 5 s ago"
    assert body["checks"]["tasks"] == "ok: 1 waiting, the oldest for 40 s"
    assert body["details"]["tasks"] == {"waiting": 1, "oldest_waiting_seconds": 40}
    assert body["details"]["worker"]["heartbeat_seconds_ago"] == 5


def test_it_fails_when_tasks_wait_with_no_worker(client, database_tasks):
    heartbeat(seconds_ago=1)
    waiting_task(seconds=3600)
    response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["tasks"].startswith("stalled: 1 waiting, the oldest since ")
    assert body["checks"]["tasks"].endswith("(3600 s; at most 600 s)")
    assert body["checks"]["worker"].startswith("ok:")


def test_it_fails_when_no_worker_has_been_seen_for_the_set_time(client, database_tasks):
    database_tasks.HEALTH_WORKER_SILENT_SECONDS = 60
    heartbeat(seconds_ago=61)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"].startswith("silent: the last heartbeat was 61 s ago at ")
    assert response.json()["checks"]["tasks"] == "ok: 0 waiting"
    database_tasks.HEALTH_WORKER_SILENT_SECONDS = 120
    assert client.get("/health").status_code == 200


def test_it_fails_when_no_worker_ever_reported(client, database_tasks):
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "silent: no task worker has reported (manage.py db_worker)"


def test_the_wait_limit_is_a_setting(client, database_tasks):
    heartbeat(seconds_ago=1)
    waiting_task(seconds=100)
    assert client.get("/health").status_code == 200
    database_tasks.HEALTH_TASK_WAIT_SECONDS = 90
    assert client.get("/health").status_code == 503


def test_no_worker_is_needed_when_tasks_run_at_once(client):
    assert client.get("/health").json()["checks"]["worker"] == "not used: tasks run without a worker"
