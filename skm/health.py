"""A health endpoint for monitoring: the database answers, a task worker is alive and tasks are picked up.

Each check returns (name, healthy, text, facts), or None where it does not apply: `checks` holds the texts,
`details` the facts for a monitoring system; a new check is one more function in CHECKS.
"""

from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from reports.models import WorkerHeartbeat
from skm import replica


def _seconds(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds()))


def tasks_check(now):
    """A task waiting too long means no worker takes them (reports would never finish)."""
    waiting = DBTaskResult.objects.ready()
    count = waiting.count()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    age = _seconds(now - oldest) if oldest else None
    facts = {"waiting": count, "oldest_waiting_seconds": age}
    if age is not None and age > settings.HEALTH_TASK_WAIT_SECONDS:
        return "tasks", False, (f"stalled: {count} waiting, the oldest since {oldest.isoformat()} ({age} s; "
                                f"at most {settings.HEALTH_TASK_WAIT_SECONDS} s)"), facts
    return "tasks", True, f"ok: {count} waiting" + (f", the oldest for {age} s" if age is not None else ""), facts


def worker_check(now):
    """The newest heartbeat of any task worker (`manage.py db_worker`); none is needed without the database
    task backend."""
    if not issubclass(import_string(settings.TASKS["default"]["BACKEND"]), DatabaseBackend):
        return "worker", True, "not used: tasks run without a worker", {}
    seen = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    if seen is None:
        return "worker", False, "silent: no task worker has reported (manage.py db_worker)", {
            "last_heartbeat": None, "heartbeat_seconds_ago": None}
    ago = _seconds(now - seen)
    facts = {"last_heartbeat": seen.isoformat(), "heartbeat_seconds_ago": ago}
    if ago > settings.HEALTH_WORKER_SILENT_SECONDS:
        return "worker", False, (f"silent: the last heartbeat was {ago} s ago at {seen.isoformat()} (at most "
                                 f"{settings.HEALTH_WORKER_SILENT_SECONDS} s)"), facts
    return "worker", True, f"ok: last heartbeat {ago} s ago", facts


def replica_check(now):
    """A replica down is reported, not failed: report reads then use the primary."""
    if not replica.configured():
        return None
    return "replica", True, replica.status(), {}


CHECKS = (tasks_check, worker_check, replica_check)


@never_cache
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "fail", "checks": {"database": "unreachable"}}, status=503)
    now = timezone.now()
    checks, details, healthy = {"database": "ok"}, {}, True
    for check in CHECKS:
        outcome = check(now)
        if outcome is None:  # not configured here
            continue
        name, ok, text, facts = outcome
        checks[name] = text
        if facts:
            details[name] = facts
        healthy = healthy and ok
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks, "details": details},
                        status=200 if healthy else 503)
