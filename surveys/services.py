"""Writes to responses. Every path (kiosk, QR, paper, import, demo data) stores answers through here,
so the tallies stay exact and an idempotency key is never counted twice."""

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.audit import audit_record
from agencies.models import AuditEvent, Region
from agencies.zones import unit_zones, zone
from surveys.models import (
    DOOR_FLAGS, Answer, Element, FlagGroup, Questionnaire, Response, RetentionPurge, SuggestionTagCorrection,
)
from surveys.data_versions import units_data_changed
from surveys.submission_statement import submission_execute
from surveys.tallies import response_key, tallies_add
from surveys.themes import OTHER, THEMES, Tone


@dataclass
class NewResponse:
    """A validated response, ready to store. `answers` maps element ids to values 1..4."""

    key: uuid.UUID
    unit_id: int
    service_id: int
    questionnaire_id: int
    channel: str
    answered_at: datetime
    answers: Mapping[int, int]
    gender: str = ""
    age: int | None = None
    education: str = ""
    occupation: str = ""
    respondent_type: str = "public"
    suggestion: str = ""
    suggestion_elements: str = ""
    suggestion_tone: str = ""
    kiosk_id: int | None = None
    import_batch_id: int | None = None
    suspected_repeat: bool = False
    assisted: bool = False
    entered_by_id: int | None = None
    flag: str = ""

    def build(self) -> tuple[Response, list[Answer]]:
        response = Response(
            key=self.key, unit_id=self.unit_id, service_id=self.service_id,
            questionnaire_id=self.questionnaire_id, channel=self.channel, answered_at=self.answered_at,
            gender=self.gender, age=self.age, education=self.education, occupation=self.occupation,
            respondent_type=self.respondent_type, suggestion=self.suggestion, kiosk_id=self.kiosk_id,
            suggestion_elements=self.suggestion_elements, suggestion_tone=self.suggestion_tone,
            import_batch_id=self.import_batch_id, suspected_repeat=self.suspected_repeat,
            assisted=self.assisted, entered_by_id=self.entered_by_id, flag=self.flag,
            # A door flag (too fast, over the hourly ceiling) keeps the answer stored but out of the scores.
            excluded_at=timezone.now() if self.flag in DOOR_FLAGS else None,
        )
        answers = [Answer(element_id=element_id, value=value) for element_id, value in self.answers.items()]
        return response, answers


def response_submit(new: NewResponse) -> tuple[int, bool]:
    """Store one response exactly once. Returns (response id, created); a known key returns its id.

    PostgreSQL: one statement in the caller's transaction (surveys.submission_statement). Elsewhere the ORM
    path, in a transaction (a savepoint inside the caller's) that a known key rolls back."""
    response, answers = new.build()
    if connection.vendor == "postgresql":
        day = response_key(response, unit_zones([response.unit_id])[response.unit_id])[3]
        response_id, created = submission_execute(response, answers, day=day)
        if response_id is None:  # committed by a concurrent request during the statement
            response_id = Response.objects.filter(key=new.key).values_list("id", flat=True).get()
        return response_id, created
    try:
        with transaction.atomic():
            response.save(force_insert=True)
            for answer in answers:
                answer.response_id = response.id
            Answer.objects.bulk_create(answers)
            if not response.is_excluded:
                tallies_add([(response, answers)])
            units_data_changed(unit_ids=[response.unit_id])
    except IntegrityError:
        existing = Response.objects.filter(key=new.key).values_list("id", flat=True).first()
        if existing is None:
            raise
        return existing, False
    return response.id, True


def responses_submit_many(new_responses: Sequence[NewResponse], batch_size: int = 1000) -> int:
    """Store many responses in the caller's transaction (imports, demo data); keys must be new."""
    stored = 0
    for start in range(0, len(new_responses), batch_size):
        built = [new.build() for new in new_responses[start:start + batch_size]]
        Response.objects.bulk_create([response for response, _ in built])  # sets each response.id
        for response, answers in built:
            for answer in answers:
                answer.response_id = response.id
        Answer.objects.bulk_create([answer for _, answers in built for answer in answers])
        tallies_add([(response, answers) for response, answers in built if not response.is_excluded])
        stored += len(built)
    units_data_changed(unit_ids={new.unit_id for new in new_responses})
    return stored


def response_exclude(response: Response, *, by, excluded: bool = True):
    """Take a response out of (or back into) the scores, recording who did it and when."""
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if locked.is_excluded == excluded:
            return locked
        answers = list(Answer.objects.filter(response=locked))
        tallies_add([(locked, answers)], sign=-1 if excluded else 1)
        locked.excluded_at = timezone.now() if excluded else None
        locked.excluded_by = by if excluded else None
        locked.save(update_fields=["excluded_at", "excluded_by"])
        units_data_changed(unit_ids=[locked.unit_id])
        audit_record(actor=by, action=AuditEvent.Action.RESPONSE_EXCLUDED if excluded
                     else AuditEvent.Action.RESPONSE_INCLUDED, target=f"response {locked.pk} ({locked.key})",
                     region=_region_of(locked), unit=locked.unit_id)
    return locked


def suggestion_tags_correct(response: Response, *, elements: Sequence[str], tone: str, by) -> Response:
    """Replace a suggestion's themes by a staff member's, keeping who changed what and when."""
    chosen = [code for code in THEMES if code in set(elements)]
    errors = {}
    if not response.suggestion:
        errors["elements"] = _("respons ini tidak memuat saran")
    elif not chosen or len(chosen) != len(set(elements)):
        errors["elements"] = _("pilih satu atau beberapa unsur U1..U9, atau “lainnya”")
    elif OTHER in chosen and len(chosen) > 1:
        errors["elements"] = _("“lainnya” tidak dapat dipilih bersama unsur U1..U9")
    if tone not in Tone.values:
        errors["tone"] = _("pilih nada: keluhan, pujian, usul atau netral")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        SuggestionTagCorrection.objects.create(
            response=locked, corrected_by=by, elements_before=locked.suggestion_elements,
            tone_before=locked.suggestion_tone, elements_after=" ".join(chosen), tone_after=tone)
        locked.suggestion_elements, locked.suggestion_tone = " ".join(chosen), tone
        locked.save(update_fields=["suggestion_elements", "suggestion_tone"])
        units_data_changed(unit_ids=[locked.unit_id])
    return locked


def flag_group_decide(group: FlagGroup, *, by, exclude: bool) -> FlagGroup:
    """A staff decision on a group of responses flagged for review: exclude them all from the scores, or keep
    them counted. Recorded on the group and in the audit log (who, when); can be changed later."""
    with transaction.atomic():
        locked = FlagGroup.objects.select_for_update().get(pk=group.pk)
        # Only the responses whose state changes; their tallies move in one write.
        changing = list(Response.objects.select_for_update().filter(flag_group=locked, excluded_at__isnull=exclude))
        answers = defaultdict(list)
        for answer in Answer.objects.filter(response__in=changing):
            answers[answer.response_id].append(answer)
        tallies_add([(response, answers[response.id]) for response in changing], sign=-1 if exclude else 1)
        Response.objects.filter(pk__in=[response.pk for response in changing]).update(
            excluded_at=timezone.now() if exclude else None, excluded_by=by if exclude else None)
        locked.decision = FlagGroup.Decision.EXCLUDE if exclude else FlagGroup.Decision.KEEP
        locked.decided_at, locked.decided_by = timezone.now(), by
        locked.save(update_fields=["decision", "decided_at", "decided_by"])
        units_data_changed(unit_ids=[locked.unit_id])
        audit_record(actor=by, action=AuditEvent.Action.INTEGRITY_REVIEWED, target=str(locked),
                     region=locked.unit.agency.region, unit=locked.unit_id, decision=locked.decision,
                     reason=locked.reason, responses=locked.responses.count())
    return locked


def response_delete(response: Response, *, by):
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if not locked.is_excluded:
            tallies_add([(locked, list(Answer.objects.filter(response=locked)))], sign=-1)
        audit_record(actor=by, action=AuditEvent.Action.RESPONSE_DELETED, target=f"response {locked.pk} ({locked.key})",
                     region=_region_of(locked), unit=locked.unit_id, answered_at=locked.answered_at.isoformat())
        locked.delete()
        units_data_changed(unit_ids=[locked.unit_id])


def _region_of(response: Response):
    return response.unit.agency.region


def responses_purge(*, before: date, by=None, batch_size: int = 5000) -> int:
    """Delete raw responses answered before the local day `before` (in each unit's region time zone, as the
    tallies count days); their tallies are kept on purpose."""
    older = Q(pk__in=[])
    for name in Region.objects.order_by().values_list("time_zone", flat=True).distinct():
        older |= Q(unit__agency__region__time_zone=name,
                   answered_at__lt=timezone.make_aware(datetime.combine(before, time.min), zone(name)))
    deleted, units = 0, set()
    with transaction.atomic():
        while True:
            rows = list(Response.objects.filter(older).values_list("id", "unit_id")[:batch_size])
            if not rows:
                break
            ids = [response_id for response_id, _unit_id in rows]
            Answer.objects.filter(response_id__in=ids).delete()
            Response.objects.filter(id__in=ids).delete()
            deleted += len(ids)
            units.update(unit_id for _response_id, unit_id in rows)
        units_data_changed(unit_ids=units)
        RetentionPurge.objects.create(before=before, responses_deleted=deleted)
        audit_record(actor=by, action=AuditEvent.Action.DATA_PURGED, target=f"responses before {before}",
                     deleted=deleted)
    return deleted


def questionnaire_new_version(questionnaire: Questionnaire, *, by) -> Questionnaire:
    """Copy a questionnaire, elements included, as its next version (inactive until staff switch to it)."""
    with transaction.atomic():
        family = questionnaire.code.rsplit("-v", 1)[0] if questionnaire.version > 1 else questionnaire.code
        version = (Questionnaire.objects.filter(code__startswith=family).order_by("-version")
                   .values_list("version", flat=True).first() or 1) + 1
        elements = list(questionnaire.elements.order_by("position"))
        copy = Questionnaire.objects.create(
            code=f"{family}-v{version}", version=version, regulation=questionnaire.regulation,
            title=questionnaire.title, legal_basis=questionnaire.legal_basis, is_default=False, is_active=False,
        )
        for element in elements:
            element.pk, element.questionnaire = None, copy
        Element.objects.bulk_create(elements)
        audit_record(actor=by, action=AuditEvent.Action.QUESTIONNAIRE_CHANGED, target=copy,
                     copied_from=questionnaire.code)
    return copy
