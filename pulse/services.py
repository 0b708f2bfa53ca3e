"""Recording one pulse tap, exactly once per key (docs/pulse.md)."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.zones import unit_zones
from pulse.models import PulseAnswer, PulseValue
from surveys.validation import OLDEST_ANSWER, answered_at_of


class PulseInvalid(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class NewPulse:
    key: uuid.UUID
    value: int
    answered_at: datetime


def pulse_day(moment: datetime, zone=None) -> date:
    """The board's day of an answer: its local date in the unit's region time zone (agencies.zones; the
    active zone when none is given), so the board starts from zero at local midnight."""
    return timezone.localtime(moment, zone).date()


def pulse_validate(data, *, now: datetime | None = None) -> NewPulse:
    """Check {"key", "value", "answered_at"}; raise PulseInvalid with every problem at once. Other fields
    (the kiosk's `lang`) are ignored. A missing answered_at means now."""
    now = now or timezone.now()
    if not isinstance(data, Mapping):
        raise PulseInvalid({"body": _("isian harus berupa objek JSON")})
    errors = {}
    key = data.get("key")
    try:
        key = uuid.UUID(key) if isinstance(key, str) and len(key) <= 40 else None
    except ValueError:
        key = None
    if key is None:
        errors["key"] = _("kunci harus berupa UUID yang dibuat perangkat")
    value = data.get("value")
    if isinstance(value, bool) or not isinstance(value, int) or value not in PulseValue.values:
        errors["value"] = _("nilai harus bilangan bulat 1 sampai 4")
    answered_at = now
    try:
        answered_at = answered_at_of(data, now=now, oldest=OLDEST_ANSWER["kiosk"])
    except ValueError as problem:
        errors["answered_at"] = str(problem)
    if errors:
        raise PulseInvalid(errors)
    return NewPulse(key=key, value=value, answered_at=answered_at)


def pulse_answer_record(new: NewPulse, *, unit_id: int, kiosk_id: int | None) -> tuple[int, int, bool]:
    """Store one tap once. Returns (id, unit id, created); a known key returns the stored answer, whose
    unit the caller compares with its own (a key is never shared between units)."""
    answer = PulseAnswer(unit_id=unit_id, kiosk_id=kiosk_id, key=new.key, value=new.value,
                         answered_at=new.answered_at,
                         day=pulse_day(new.answered_at, unit_zones([unit_id])[unit_id]))
    try:
        with transaction.atomic():
            answer.save(force_insert=True)
    except IntegrityError:
        existing = PulseAnswer.objects.filter(key=new.key).values_list("id", "unit_id").first()
        if existing is None:
            raise
        return existing[0], existing[1], False
    return answer.id, unit_id, True
