"""Writes of the reports app: follow-up plans (Rencana Tindak Lanjut), coverage reminders, third-party survey
results, and the task workers' heartbeats."""

import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from agencies.audit import audit_record
from agencies.models import Agency, AuditEvent
from agencies.zones import unit_today
from reports.coverage import Board, reminder_recipients
from reports.models import (
    CoverageReminder, FollowUpPlan, FollowUpStatusChange, ThirdPartyElement, ThirdPartyResult, WorkerHeartbeat,
)
from reports.periods import Period
from reports.third_party import RESULT_KINDS, ElementEntry
from skm.uploads import PDF, evidence_check
from surveys.data_versions import units_data_changed


def _check(*, unit, element, quarter: Period, due_date: date):
    if quarter.kind != "quarter":
        raise ValidationError(_("Rencana tindak lanjut dibuat per triwulan."))
    if element.questionnaire_id != unit.questionnaire_id:
        raise ValidationError({"element": _("Unsur ini bukan unsur kuesioner unit.")})
    if due_date < quarter.start:
        raise ValidationError({"due_date": _("Target selesai tidak boleh sebelum triwulan survei (%(start)s).")
                                           % {"start": date_format(quarter.start, "j F Y")}})


def _check_day(*, day: date, today: date, after: FollowUpStatusChange | None):
    if day > today:
        raise ValidationError({"status_date": _("Tanggal tidak boleh setelah hari ini.")})
    if after is not None and day < after.date:
        raise ValidationError({"status_date": _(
            "Tanggal tidak boleh sebelum perubahan status sebelumnya (%(status)s, %(day)s).")
            % {"status": after.get_status_display(), "day": date_format(after.date, "j F Y")}})


def follow_up_plan_create(*, unit, element, quarter: Period, action: str, responsible: str, due_date: date,
                          planned_on: date | None = None, by) -> FollowUpPlan:
    """A plan made after the survey of `quarter` for one of the unit's elements, planned on `planned_on` (today in
    the unit's region by default); its history starts with that day."""
    today = unit_today(unit.id)
    planned_on = planned_on or today
    _check(unit=unit, element=element, quarter=quarter, due_date=due_date)
    _check_day(day=planned_on, today=today, after=None)
    by = by if getattr(by, "is_authenticated", False) else None
    plan = FollowUpPlan(unit=unit, element=element, year=quarter.year, quarter=quarter.number, action=action,
                        responsible=responsible, due_date=due_date, status=FollowUpPlan.Status.PLANNED,
                        created_by=by)
    plan.full_clean(exclude=["created_by"])
    with transaction.atomic():
        plan.save()
        FollowUpStatusChange.objects.create(plan=plan, status=plan.status, date=planned_on, recorded_by=by)
    return plan


def _evidence_store(plan: FollowUpPlan, upload) -> tuple[str, object]:
    """Check the upload as monev evidence is checked, and store it under a name of our own."""
    kind = evidence_check(upload)
    stored = default_storage.save(f"rtl/{plan.unit.agency.region.code}/{plan.year}/{plan.unit.code}/"
                                  f"{uuid.uuid4().hex}.{kind.extension}", upload)
    return stored, kind


def follow_up_plan_update(*, plan: FollowUpPlan, action: str, responsible: str, due_date: date, status: str,
                          status_date: date | None = None, status_note: str = "", evidence_note: str = "",
                          evidence_link: str = "", evidence_upload=None, by=None) -> FollowUpPlan:
    """Change what a plan says or how far it has come; its unit, element and survey quarter stay. A new status is
    added to the history on `status_date` (today in the unit's region by default). Completing needs evidence: a
    note and a file, photo or link (kept or given now). A new file replaces the previous one."""
    by = by if getattr(by, "is_authenticated", False) else None
    stored = kind = None
    if evidence_upload is not None:
        try:
            stored, kind = _evidence_store(plan, evidence_upload)
        except ValidationError as error:
            raise ValidationError({"evidence_upload": error.messages}) from None
    replaced = ""
    try:
        with transaction.atomic():
            locked = (FollowUpPlan.objects.select_for_update().select_related("unit", "element")
                      .get(pk=plan.pk))
            _check(unit=locked.unit, element=locked.element,
                   quarter=Period.quarter(locked.year, locked.quarter), due_date=due_date)
            locked.action, locked.responsible, locked.due_date = action, responsible, due_date
            locked.evidence_note, locked.evidence_link = evidence_note.strip(), evidence_link
            if stored:
                replaced = locked.evidence_file.name
                locked.evidence_file.name, locked.evidence_type = stored, kind.content_type
                locked.evidence_name = (evidence_upload.name or "")[:200]
            if status == FollowUpPlan.Status.DONE:
                _check_evidence(locked)
            if status != locked.status:
                last = locked.status_changes.order_by("-date", "-recorded_at", "-id").first()
                day = status_date or unit_today(locked.unit_id)
                _check_day(day=day, today=unit_today(locked.unit_id), after=last)
                locked.status = status
                FollowUpStatusChange.objects.create(plan=locked, status=status, date=day, note=status_note[:500],
                                                    recorded_by=by)
            locked.full_clean(exclude=["created_by"])
            locked.save()
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    if replaced:
        default_storage.delete(replaced)
    return locked


def _check_evidence(plan: FollowUpPlan):
    errors = {}
    if not plan.evidence_note:
        errors["evidence_note"] = _("Isi keterangan bukti penyelesaian.")
    if not (plan.evidence_file or plan.evidence_link):
        missing = _("Lampirkan berkas atau foto, atau isi tautan bukti penyelesaian.")
        errors["evidence_upload"] = errors["evidence_link"] = missing
    if errors:
        raise ValidationError(errors)


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
            units_data_changed(unit_ids=[unit.id])
            audit_record(actor=by, action=AuditEvent.Action.THIRD_PARTY_RECORDED, target=result,
                         region=unit.agency.region, unit=unit.code, period=period.slug, provider=provider,
                         respondents=respondents, report=result.report_name)
    except Exception:
        default_storage.delete(stored)
        raise
    return result


def third_party_mixing_decide(*, result: ThirdPartyResult, choice: str, by) -> ThirdPartyResult:
    """Record how a result joins the captured responses of its unit and period, and who chose it when."""
    if choice not in (ThirdPartyResult.Mixing.THIRD_PARTY_ONLY, ThirdPartyResult.Mixing.POOLED):
        raise ValidationError(_("Pilih “gunakan hasil pihak ketiga saja” atau “gabungkan dengan respons aplikasi”."))
    result.mixing, result.mixing_by, result.mixing_at = choice, by, timezone.now()
    with transaction.atomic():
        result.save(update_fields=["mixing", "mixing_by", "mixing_at"])
        units_data_changed(unit_ids=[result.unit_id])
        audit_record(actor=by, action=AuditEvent.Action.THIRD_PARTY_MIXING_DECIDED, target=result,
                     region=result.unit.agency.region, unit=result.unit.code, period=result.period,
                     mixing=choice)
    return result


def third_party_result_withdraw(*, result: ThirdPartyResult, reason: str, by) -> None:
    """Take a result out of every figure, e.g. one entered with a wrong count (it is entered again, corrected): the
    record and its report go, the audit log keeps what it was and why. Published figures stay as frozen."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Tulis alasan hasil ini ditarik."))
    stored = result.report.name
    with transaction.atomic():
        audit_record(actor=by, action=AuditEvent.Action.THIRD_PARTY_WITHDRAWN, target=result,
                     region=result.unit.agency.region, unit=result.unit.code, period=result.period,
                     provider=result.provider, respondents=result.respondents, report=result.report_name,
                     reason=reason)
        units_data_changed(unit_ids=[result.unit_id])
        result.delete()
    default_storage.delete(stored)


@dataclass
class RemindersSent:
    """What the reminder action did: the reminders sent, and the agencies short of data that got none."""

    sent: list[CoverageReminder] = field(default_factory=list)
    without_email: list[tuple[Agency, list[str]]] = field(default_factory=list)  # admins skipped, by username
    without_admin: list[Agency] = field(default_factory=list)  # none of its own nor above it
    # agency id -> the agency above it whose admins got its reminder (it has no admin of its own)
    through_parent: dict[int, Agency] = field(default_factory=dict)
    failed: list[Agency] = field(default_factory=list)  # the mail server refused


def coverage_reminders_send(*, board: Board, by, base_url: str | None = None) -> RemindersSent:
    """One e-mail per agency of the board with units short of data (no respondents, or fewer than their minimum)
    to that agency's admins (or, when it has none, to those of the nearest agency above it), listing those
    units; each one sent is stored and audited. An admin without an e-mail address is skipped and reported."""
    base_url = (base_url or settings.SKM_BASE_URL).rstrip("/")
    short = [line for line in board.lines if line.units_short]
    recipients_of = reminder_recipients(line.agency for line in short)
    outcome = RemindersSent()
    for line in short:
        addressed, users = recipients_of.get(line.agency.id, (line.agency, []))
        if addressed != line.agency:
            outcome.through_parent[line.agency.id] = addressed
        reachable = [user for user in users if user.email]
        if len(reachable) < len(users):
            outcome.without_email.append((line.agency, [user.username for user in users if not user.email]))
        if not users:
            outcome.without_admin.append(line.agency)
        if not reachable:
            continue
        recipients = [{"name": user.get_full_name() or user.username, "email": user.email} for user in reachable]
        units = [{"code": unit.unit.code, "name": unit.unit.name, "respondents": unit.sample.respondents,
                  "required": unit.sample.required} for unit in line.units_short]
        with translation.override(settings.LANGUAGE_CODE):  # the mail is Indonesian, whatever the sender reads
            subject = _("Pengingat SKM %(period)s: %(n)s unit %(agency)s kurang data") % {
                "period": board.period.label, "n": len(units), "agency": line.agency.name}
            body = render_to_string("reports/coverage_reminder_email.txt", {
                "agency": line.agency, "addressed": addressed, "region": board.region, "period": board.period,
                "units": units, "by": by,
                "url": base_url + reverse("reports:agency_coverage", args=[line.agency.code])
                + f"?period={board.period.slug}"})
        try:
            with transaction.atomic():
                reminder = CoverageReminder.objects.create(
                    region=board.region, agency=line.agency, period=board.period.slug, recipients=recipients,
                    units=units, sent_by=by if getattr(by, "is_authenticated", False) else None)
                audit_record(actor=by, action=AuditEvent.Action.COVERAGE_REMINDED, target=line.agency,
                             region=board.region, period=board.period.slug,
                             recipients=", ".join(user.email for user in reachable),
                             units=", ".join(unit["code"] for unit in units),
                             **({"through": addressed.code} if addressed != line.agency else {}))
                send_mail(subject, body, None, [user.email for user in reachable])
        except (smtplib.SMTPException, OSError):
            outcome.failed.append(line.agency)  # nothing stored: the reminder was not sent
        else:
            outcome.sent.append(reminder)
    return outcome
