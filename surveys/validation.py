"""One set of rules for every way a response arrives (kiosk API, QR form, paper grid, spreadsheet import).

Input is the API's JSON shape:
    {"key": uuid, "service": id, "answered_at": ISO 8601, "profile": {"gender", "age", "education",
     "occupation"}, "answers": {"U1": 1..4, ...}, "suggestion": str}
Errors come back as {field path: message} in the active language, e.g. {"answers.U4": "..."}.
"""

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from surveys import official
from surveys.models import Element
from surveys.redaction import personal_data_redact
from surveys.services import NewResponse
from surveys.themes import suggestion_tags

SUGGESTION_MAX = 2000
# A device clock may run a little fast; anything further ahead is a wrong clock, not an answer.
FUTURE_TOLERANCE = timedelta(minutes=10)
# A device queue holds answers for days, not years; paper sheets and spreadsheets may cover earlier years.
OLDEST_ANSWER = {"kiosk": timedelta(days=400), "qr": timedelta(days=400)}
OLDEST_RECORDED_ANSWER = timedelta(days=5 * 366)

# No database stores a lone surrogate (half of an emoji a broken client sent as a JSON escape).
LONE_SURROGATE = re.compile("[\ud800-\udfff]")

GENDER_CODES = {code for code, _label in official.GENDERS}
EDUCATION_CODES = {code for code, _label in official.EDUCATIONS}
OCCUPATION_CODES = {code for code, _label in official.OCCUPATIONS}


class ResponseInvalid(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class UnitForm:
    """What validating a response for one unit needs, loaded once and reusable (kiosk API cache)."""

    unit_id: int
    questionnaire_id: int
    respondent_type: str
    elements: tuple[Element, ...]
    service_ids: frozenset[int]
    kiosk_min_interval: int = 20
    kiosk_hourly_ceiling: int = 90

    @classmethod
    def load(cls, unit) -> "UnitForm":
        return cls(
            unit_id=unit.id, questionnaire_id=unit.questionnaire_id, respondent_type=unit.respondent_type,
            elements=tuple(Element.objects.filter(questionnaire_id=unit.questionnaire_id).order_by("position")),
            service_ids=frozenset(unit.services.filter(is_active=True).values_list("id", flat=True)),
            kiosk_min_interval=unit.kiosk_min_interval, kiosk_hourly_ceiling=unit.kiosk_hourly_ceiling,
        )


def _score(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 1 <= value <= 4:
        return value
    if isinstance(value, str) and value.strip() in {"1", "2", "3", "4"}:
        return int(value.strip())
    return None


def _parse_time(value, now, oldest):
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and len(value) <= 40:
        try:
            moment = parse_datetime(value.strip())
        except ValueError:
            moment = None
    else:
        moment = None
    if moment is None:
        raise ValueError(_("bukan tanggal dan jam yang sah (contoh: 2026-11-23T09:30:00+07:00)"))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    # The same instant in UTC: PostgreSQL refuses offsets beyond ±15:59, which Python's parser accepts.
    moment = moment.astimezone(UTC)
    if moment > now + FUTURE_TOLERANCE:
        raise ValueError(_("waktu mengisi tidak boleh di masa depan"))
    if moment < now - oldest:
        raise ValueError(_("waktu mengisi terlalu lama di masa lalu"))
    return moment


def answered_at_of(data: Mapping, *, now: datetime, oldest: timedelta) -> datetime:
    """When the device says the answer was given, or now when it sent no time; ValueError says what is wrong."""
    if data.get("answered_at") in (None, ""):
        return now
    return _parse_time(data["answered_at"], now, oldest)


def response_validate(data, *, form: UnitForm, channel: str, require_all: bool = True,
                      now: datetime | None = None) -> NewResponse:
    """Check one response against the unit's questionnaire and services; raise ResponseInvalid with every
    problem at once. `require_all` is off for paper sheets and imports, where a blank element is allowed."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if not isinstance(data, Mapping):
        raise ResponseInvalid({"body": _("isian harus berupa objek JSON")})

    try:
        key = uuid.UUID(str(data.get("key", "")))
    except ValueError:
        errors["key"] = _("kunci harus berupa UUID yang dibuat perangkat")
        key = None

    service = data.get("service")
    # isdecimal, not isdigit: int() refuses "²"; and int() refuses over 4300 digits.
    if isinstance(service, str) and service.isdecimal() and len(service) <= 18:
        service = int(service)
    if not isinstance(service, int) or isinstance(service, bool) or service not in form.service_ids:
        errors["service"] = _("pilih jenis layanan dari unit ini")

    answered_at = None
    try:
        answered_at = answered_at_of(data, now=now, oldest=OLDEST_ANSWER.get(channel, OLDEST_RECORDED_ANSWER))
    except ValueError as problem:
        errors["answered_at"] = str(problem)

    profile = data.get("profile") or {}
    if not isinstance(profile, Mapping):
        errors["profile"] = _("profil harus berupa objek")
        profile = {}
    gender = profile.get("gender") or ""
    if not isinstance(gender, str) or gender not in GENDER_CODES | {""}:
        errors["profile.gender"] = _("jenis kelamin harus L atau P")
    education = profile.get("education") or ""
    if not isinstance(education, str) or education not in EDUCATION_CODES | {""}:
        errors["profile.education"] = _("pilih pendidikan dari daftar")
    occupation = profile.get("occupation") or ""
    if not isinstance(occupation, str) or occupation not in OCCUPATION_CODES | {""}:
        errors["profile.occupation"] = _("pilih pekerjaan dari daftar")
    age = profile.get("age")
    if age in (None, ""):
        age = None
    else:
        if isinstance(age, str) and age.strip().isdecimal() and len(age.strip()) <= 3:
            age = int(age.strip())
        if not isinstance(age, int) or isinstance(age, bool) or not official.AGE_MIN <= age <= official.AGE_MAX:
            errors["profile.age"] = _("usia harus angka %(min)s sampai %(max)s") % {
                "min": official.AGE_MIN, "max": official.AGE_MAX}
            age = None

    answers_in = data.get("answers")
    answers: dict[int, int] = {}
    if not isinstance(answers_in, Mapping):
        errors["answers"] = _("jawaban harus berupa objek dengan kode unsur U1..U%(n)s") % {"n": len(form.elements)}
    else:
        known = {element.code for element in form.elements}
        for code in answers_in:
            if code not in known:
                errors[f"answers.{str(code)[:20]}"] = _("bukan unsur kuesioner ini")
        for element in form.elements:
            raw = answers_in.get(element.code)
            if raw in (None, ""):
                if require_all:
                    errors[f"answers.{element.code}"] = _("unsur %(code)s belum dijawab") % {"code": element.code}
                continue
            value = _score(raw)
            if value is None:
                errors[f"answers.{element.code}"] = _("nilai harus 1, 2, 3 atau 4")
            else:
                answers[element.id] = value
        if not answers and "answers" not in errors and not any(k.startswith("answers.") for k in errors):
            errors["answers"] = _("tidak ada unsur yang dijawab")

    suggestion = data.get("suggestion") or ""
    if not isinstance(suggestion, str):
        errors["suggestion"] = _("saran harus berupa teks")
        suggestion = ""
    elif len(suggestion) > SUGGESTION_MAX:
        errors["suggestion"] = _("saran paling banyak %(max)s karakter") % {"max": SUGGESTION_MAX}
    suggestion = personal_data_redact(LONE_SURROGATE.sub("\ufffd", suggestion.replace("\x00", "")).strip())

    assisted = data.get("assisted", False)
    if not isinstance(assisted, bool):
        errors["assisted"] = _("dibantu petugas harus true atau false")
    # Only staff at a kiosk or a paper sheet can say they helped; a phone's own claim is not taken.
    assisted = assisted is True and channel != "qr"

    if errors:
        raise ResponseInvalid(errors)
    return NewResponse(
        key=key, unit_id=form.unit_id, service_id=service, questionnaire_id=form.questionnaire_id,
        channel=channel, answered_at=answered_at, answers=answers, gender=gender, age=age,
        education=education, occupation=occupation, respondent_type=form.respondent_type,
        suggestion=suggestion, assisted=assisted, **suggestion_tags(suggestion),
    )
