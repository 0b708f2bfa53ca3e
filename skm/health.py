"""A health endpoint for monitoring: the database answers and background tasks are being picked up."""

from datetime import timedelta

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_tasks_db.models import DBTaskResult

from skm import replica

# A task waiting longer than this means no worker is running (reports would never finish).
STALLED_AFTER = timedelta(minutes=10)


@never_cache
def health(request):
    checks, healthy = {}, True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        return JsonResponse({"status": "fail", "checks": {"database": "unreachable"}}, status=503)
    oldest = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    waiting = DBTaskResult.objects.ready().count()
    if oldest is not None and timezone.now() - oldest > STALLED_AFTER:
        healthy = False
        checks["tasks"] = f"stalled: {waiting} waiting, the oldest since {oldest.isoformat()}"
    else:
        checks["tasks"] = f"ok: {waiting} waiting"
    if replica.configured():  # a replica down is reported, not failed: report reads then use the primary
        checks["replica"] = replica.status()
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503)
