"""The task worker under a real database outage, and its supervisor: real `manage.py db_worker` and
`manage.py supervise_worker` processes against the test database on PostgreSQL."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import psycopg
import psycopg.sql
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from reports.models import WorkerHeartbeat

# serialized_rollback, as every transactional test here: the tests after it find the migrated rows again.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MANAGE = settings.BASE_DIR / "manage.py"
FAST = ["--no-startup-delay", "--interval", "0.2"]


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("an outage is made by closing the PostgreSQL database to connections")


def worker_env():
    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "TASKS_BACKEND")}
    env.update(DATABASE_URL=url, WORKER_HEARTBEAT_SECONDS="0.5", WORKER_RECONNECT_MAX_SECONDS="2",
               DJANGO_SETTINGS_MODULE="skm.settings")
    return env


def start(*command):
    return subprocess.Popen([sys.executable, str(MANAGE), *command], env=worker_env(), cwd=settings.BASE_DIR,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process.stdout.read()


def wait_for(condition, *, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {what}")


def enqueue(value, task="echo") -> DBTaskResult:
    return DBTaskResult.objects.create(task_path=f"tests.worker_tasks.{task}", backend_name="default",
                                       args_kwargs={"args": [value], "kwargs": {}}, queue_name="default",
                                       run_after=timezone.now() - timedelta(seconds=1))


def succeeded(task):
    task.refresh_from_db()
    return task.status == TaskResultStatus.SUCCESSFUL and task.return_value


def database_closed(closed: bool) -> None:
    """Refuse every new connection to the test database and end the open ones, except this test's own.
    PostgreSQL takes that order only from a session on another database."""
    database = settings.DATABASES["default"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (own,) = cursor.fetchone()
    with psycopg.connect(host=database["HOST"], port=database["PORT"], user=database["USER"], dbname="postgres",
                         autocommit=True) as admin:
        name = psycopg.sql.Identifier(database["NAME"])
        admin.execute(psycopg.sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS {}").format(
            name, psycopg.sql.SQL("false" if closed else "true")))
        if closed:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
                          [database["NAME"], own])


def test_the_worker_survives_a_nine_second_outage_and_then_runs_a_task():
    worker = start("db_worker", *FAST)
    try:
        wait_for(lambda: WorkerHeartbeat.objects.exists(), seconds=30, what="the worker's first heartbeat")
        before = enqueue("before")
        assert wait_for(lambda: succeeded(before), seconds=20, what="a task before the outage") == "before"
        database_closed(True)
        try:
            outage_started = timezone.now()
            waiting = enqueue("during")  # through this test's connection, the only one left
            time.sleep(9)
            assert worker.poll() is None, stop(worker)
            waiting.refresh_from_db()
            assert waiting.status == TaskResultStatus.READY
            assert WorkerHeartbeat.objects.get().seen_at < outage_started + timedelta(seconds=1)
        finally:
            database_closed(False)
        assert wait_for(lambda: succeeded(waiting), seconds=30, what="the task after the outage") == "during"
        assert worker.poll() is None
        wait_for(lambda: WorkerHeartbeat.objects.filter(seen_at__gt=outage_started + timedelta(seconds=9)).exists(),
                 seconds=10, what="a heartbeat after the outage")
    finally:
        log = stop(worker)
    assert "Database unreachable" in log and "Database reachable again" in log, log


def test_a_task_cut_short_by_the_outage_runs_again_afterwards():
    worker = start("db_worker", *FAST)
    try:
        task = enqueue(4, task="wait_then_count")
        wait_for(lambda: DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.RUNNING).exists(),
                 seconds=30, what="the task running")
        database_closed(True)
        try:
            time.sleep(9)
            task.refresh_from_db()
            assert task.status == TaskResultStatus.RUNNING  # the worker could not record anything
        finally:
            database_closed(False)
        assert wait_for(lambda: succeeded(task), seconds=30, what="the task run again") == 1
        assert worker.poll() is None
        assert len(task.worker_ids) == 2  # claimed twice, by the same worker
    finally:
        stop(worker)


def test_the_supervisor_restarts_a_killed_worker_and_stops_it_with_itself():
    supervisor = start("supervise_worker", "--", *FAST)
    try:
        first = wait_for(lambda: WorkerHeartbeat.objects.first(), seconds=30, what="the first worker")
        os.kill(first.pid, signal.SIGKILL)
        second = wait_for(lambda: WorkerHeartbeat.objects.exclude(pid=first.pid).first(), seconds=30,
                          what="a second worker")
        task = enqueue("after a kill")
        assert wait_for(lambda: succeeded(task), seconds=20, what="a task") == "after a kill"
    finally:
        log = stop(supervisor)
    assert supervisor.returncode == 0, log
    assert "exited with code -9; restarting" in log, log
    with pytest.raises(ProcessLookupError):  # the worker stopped with its supervisor
        os.kill(second.pid, 0)
