from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db


def test_it_reports_ok_when_the_database_answers_and_no_task_waits(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_it_fails_when_tasks_wait_with_no_worker(client):
    DBTaskResult.objects.create(
        task_path="reports.tasks.example", args_kwargs={"args": [], "kwargs": {}}, backend_name="default",
        queue_name="default", run_after=timezone.now() - timedelta(hours=1),
    )
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(hours=1))
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["checks"]["tasks"].startswith("stalled: 1 waiting")
