"""Writes of the reports app: follow-up plans (Rencana Tindak Lanjut), and the task workers' heartbeats."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from reports.models import FollowUpPlan, WorkerHeartbeat
from reports.periods import Period


def _check(*, unit, element, quarter: Period, due: Period):
    if quarter.kind != "quarter" or due.kind != "quarter":
        raise ValidationError(_("Rencana tindak lanjut dibuat per triwulan."))
    if element.questionnaire_id != unit.questionnaire_id:
        raise ValidationError({"element": _("Unsur ini bukan unsur kuesioner unit.")})
    if due.start < quarter.start:
        raise ValidationError({"due": _("Target tidak boleh sebelum triwulan survei.")})


def follow_up_plan_create(*, unit, element, quarter: Period, action: str, responsible: str, due: Period,
                          status: str = FollowUpPlan.Status.PLANNED, by) -> FollowUpPlan:
    """A plan made after the survey of `quarter` for one of the unit's elements."""
    _check(unit=unit, element=element, quarter=quarter, due=due)
    plan = FollowUpPlan(unit=unit, element=element, year=quarter.year, quarter=quarter.number, action=action,
                        responsible=responsible, due_year=due.year, due_quarter=due.number, status=status,
                        created_by=by if getattr(by, "is_authenticated", False) else None)
    plan.full_clean()
    plan.save()
    return plan


def follow_up_plan_update(*, plan: FollowUpPlan, action: str, responsible: str, due: Period,
                          status: str) -> FollowUpPlan:
    """Change what a plan says or how far it has come; its unit, element and survey quarter stay."""
    with transaction.atomic():
        locked = FollowUpPlan.objects.select_for_update().select_related("unit", "element").get(pk=plan.pk)
        _check(unit=locked.unit, element=locked.element, quarter=Period.quarter(locked.year, locked.quarter),
               due=due)
        locked.action, locked.responsible, locked.status = action, responsible, status
        locked.due_year, locked.due_quarter = due.year, due.number
        locked.full_clean()
        locked.save()
    return locked


def worker_heartbeat_record(*, worker_id: str, host: str, pid: int, started_at: datetime) -> None:
    """A task worker is alive now; rows of workers silent for a day are dropped (each start has a new id)."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={
        "host": host[:255], "pid": pid, "started_at": started_at, "seen_at": now})
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()


def tasks_requeue_interrupted(*, task_ids) -> int:
    """Tasks left running when the worker lost the database wait again for a worker, instead of for ever."""
    return DBTaskResult.objects.filter(id__in=task_ids, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None)
