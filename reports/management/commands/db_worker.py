"""django-tasks-db's `db_worker`, kept alive through database outages.

The package's worker exits for good on the first failed query. This one waits for the database with a growing
pause (1, 2, 4 ... at most WORKER_RECONNECT_MAX_SECONDS), puts back the task it was running when the database
went away, and goes on. A thread records a heartbeat every WORKER_HEARTBEAT_SECONDS for /health.
"""

import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections, connection, connections
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from reports.services import tasks_requeue_interrupted, worker_heartbeat_record

logger = logging.getLogger("django_tasks_db")
DATABASE_DOWN = (OperationalError, InterfaceError)


class ReconnectingWorker(db_worker.Worker):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.task_running_id = None

    def run(self) -> None:
        while True:
            try:
                return super().run()
            except DATABASE_DOWN as error:
                if not self.running:
                    raise
                logger.warning("Database unreachable (%s); worker_id=%s waits for it.",
                               str(error).strip(), self.worker_id)
                self.database_wait()

    def run_task(self, db_task_result) -> None:
        # Left set when the database fails under the task: the package could not even record the failure.
        self.task_running_id = db_task_result.id
        super().run_task(db_task_result)
        self.task_running_id = None

    def database_wait(self) -> None:
        """Back off until the database answers again, then put back the task that was cut short."""
        interrupted = self.task_running_id
        pause = 1.0
        while self.running:
            connections.close_all()
            time.sleep(pause)
            try:
                connection.ensure_connection()
            except DATABASE_DOWN:
                pause = min(pause * 2, settings.WORKER_RECONNECT_MAX_SECONDS)
                continue
            if interrupted is not None:
                tasks_requeue_interrupted(task_ids=[interrupted])
                self.task_running_id = None
            logger.warning("Database reachable again; worker_id=%s goes on.", self.worker_id)
            return


def heartbeat_forever(worker_id: str) -> None:
    """Runs in a daemon thread (with its own connection), so it beats while a long task runs."""
    host, pid, started_at = socket.gethostname(), os.getpid(), timezone.now()
    failing = False
    while True:
        try:
            close_old_connections()
            worker_heartbeat_record(worker_id=worker_id, host=host, pid=pid, started_at=started_at)
            failing = False
        except DatabaseError as error:
            if not failing:  # once per outage
                logger.warning("Heartbeat not recorded: %s", str(error).strip())
            failing = True
            connection.close()
        time.sleep(settings.WORKER_HEARTBEAT_SECONDS)


class Command(db_worker.Command):
    help = "Run a database task worker that survives database outages and records a heartbeat for /health"

    def handle(self, **options):
        db_worker.Worker = ReconnectingWorker  # the package's handle() builds its worker through this name
        # With --reload the worker runs in a child process; only that one beats.
        if not options["reload"] or options["batch"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            threading.Thread(target=heartbeat_forever, args=(options["worker_id"],), name="heartbeat",
                             daemon=True).start()
        super().handle(**options)
