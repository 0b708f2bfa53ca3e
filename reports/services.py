"""Writes of the reports app: follow-up plans (Rencana Tindak Lanjut), third-party survey results, and the task
workers' heartbeats."""

import uuid
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from monev.evidence import PDF
from monev.services import evidence_check
from reports.models import FollowUpPlan, ThirdPartyElement, ThirdPartyResult, WorkerHeartbeat
from reports.periods import Period
from reports.third_party import RESULT_KINDS, ElementEntry


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


def third_party_report_check(upload):
    """The provider's report: the evidence checks (empty, size, content read from its first bytes), and a PDF."""
    try:
        kind = evidence_check(upload)
    except ValidationError as error:
        raise ValidationError({"report": error.messages}) from None
    if kind != PDF:
        raise ValidationError({"report": _("Laporan penyelenggara “%(name)s” harus berupa PDF.")
                                         % {"name": upload.name}})


def third_party_result_create(*, unit, period: Period, questionnaire, provider: str, method: str, respondents: int,
                              entries: list[ElementEntry], report, by) -> ThirdPartyResult:
    """Record a checked third-party result (reports.third_party.third_party_entry_check) with its report; the
    stored file is removed again if the record cannot be made, so nothing is kept half-way."""
    if period.kind not in RESULT_KINDS:
        raise ValidationError(_("Hasil pihak ketiga dicatat per triwulan, semester atau tahun."))
    if sorted(entry.element.id for entry in entries) != sorted(questionnaire.elements.values_list("id", flat=True)):
        raise ValidationError(_("Setiap unsur kuesioner harus diisi tepat satu kali."))
    third_party_report_check(report)
    stored = default_storage.save(f"pihak-ketiga/{unit.code}/{period.slug}/{uuid.uuid4().hex}.pdf", report)
    try:
        with transaction.atomic():
            result = ThirdPartyResult.objects.create(
                unit=unit, period=period.slug, start=period.start, end=period.end, questionnaire=questionnaire,
                provider=provider, method=method, respondents=respondents, report=stored,
                report_name=(report.name or "")[:200], entered_by=by)
            ThirdPartyElement.objects.bulk_create([
                ThirdPartyElement(result=result, element=entry.element, total=entry.total, answers=entry.answers,
                                  **({f"count_{value}": count for value, count in enumerate(entry.counts, 1)}
                                     if entry.counts else {}))
                for entry in entries])
    except Exception:
        default_storage.delete(stored)
        raise
    return result


def third_party_mixing_decide(*, result: ThirdPartyResult, choice: str, by) -> ThirdPartyResult:
    """Record how a result joins the captured responses of its unit and period, and who chose it when."""
    if choice not in (ThirdPartyResult.Mixing.THIRD_PARTY_ONLY, ThirdPartyResult.Mixing.POOLED):
        raise ValidationError(_("Pilih “gunakan hasil pihak ketiga saja” atau “gabungkan dengan respons aplikasi”."))
    result.mixing, result.mixing_by, result.mixing_at = choice, by, timezone.now()
    result.save(update_fields=["mixing", "mixing_by", "mixing_at"])
    return result
