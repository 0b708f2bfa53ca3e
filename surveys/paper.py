"""Paper sheets ("lembar penilaian") keyed in by an operator, as one batch of rows saved all or nothing.

A sheet row is what an operator copies off a sheet, in short codes: the date, the service's number on
the unit's list (or its name), L/P, the age, the education and occupation numbers (or codes), a digit
1..4 per element and the suggestion. The same rows come out of an imported spreadsheet
(surveys.imports), so both paths read sheets here and validate through surveys.validation.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from surveys import official
from surveys.models import Channel, Response
from surveys.services import NewResponse, responses_submit_many
from surveys.validation import ResponseInvalid, UnitForm, response_validate

# Where a field path of surveys.validation lands on a sheet row.
VALIDATION_FIELDS = {
    "key": "key", "service": "service", "answered_at": "date", "answers": "row", "profile.gender": "gender",
    "profile.age": "age", "profile.education": "education", "profile.occupation": "occupation",
    "suggestion": "suggestion",
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
TIME_FORMATS = ("%H:%M", "%H.%M", "%H:%M:%S", "%H.%M.%S")
SHEET_NOON = time(12, 0)
# Excel's day numbers for 1900-01-01 .. 9999-12-31.
EXCEL_SERIALS = (1, 2958465)
MAX_CELL = 2100  # longer text is cut before checking, so a pasted book cannot slow the checks down
PAPER_MAX_ROWS = 500


@dataclass(frozen=True)
class SheetLegend:
    """The short codes a sheet uses, as the grid and the template's instructions show them.

    A service's number is its place among all the unit's services in creation order, so adding or
    retiring a service never renumbers the others on legends and templates already printed.
    """

    services: tuple[tuple[int, int, str, bool], ...]  # (number, id, name, active)
    educations: tuple[tuple[int, str, str], ...]  # (number, code, label)
    occupations: tuple[tuple[int, str, str], ...]

    @classmethod
    def load(cls, unit) -> "SheetLegend":
        services = unit.services.order_by("id").values_list("id", "name", "is_active")
        return cls(
            services=tuple((number, *service) for number, service in enumerate(services, start=1)),
            educations=tuple((n, code, str(label)) for n, (code, label) in enumerate(official.EDUCATIONS, 1)),
            occupations=tuple((n, code, str(label)) for n, (code, label) in enumerate(official.OCCUPATIONS, 1)),
        )

    @property
    def active_services(self) -> list[tuple[int, int, str, bool]]:
        return [service for service in self.services if service[3]]

    def service_id(self, text: str) -> int | None:
        """The service a cell names, by its number or its name (any case); None when there is none."""
        if text.isdecimal():
            return next((sid for number, sid, _name, _active in self.services if number == int(text)), None)
        wanted = _folded(text)
        return next((sid for _number, sid, name, _active in self.services if _folded(name) == wanted), None)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def cell_text(value: object) -> str:
    """A cell as trimmed text; whole numbers a spreadsheet stores as 4.0 become "4"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 10**15:
        return str(int(value))
    return str(value).strip()[:MAX_CELL]


def _coded(text: str, choices: Sequence[tuple[int, str, str]]) -> str:
    """A profile choice from its number, code or label; unknown text is passed on for the rules to refuse."""
    wanted = _folded(text)
    for number, code, label in choices:
        if wanted in {str(number), code.casefold(), _folded(label)}:
            return code
    return text


def _gender(text: str) -> str:
    return {"l": "L", "laki-laki": "L", "laki laki": "L", "p": "P", "perempuan": "P"}.get(_folded(text), text)


def sheet_answered_at(value: object, *, now: datetime) -> datetime:
    """When a sheet was filled in: the moment given, or local noon of the day given.

    A date today whose noon is still ahead counts as now. Raises ValueError with the reason.
    """
    moment = _sheet_moment(value)
    if isinstance(moment, datetime):
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    if moment > timezone.localdate(now):
        raise ValueError(_("tanggal tidak boleh di masa depan"))
    return min(timezone.make_aware(datetime.combine(moment, SHEET_NOON)), now)


def _sheet_moment(value: object) -> date | datetime:
    """A date (no time known) or a datetime, from a spreadsheet cell or typed text."""
    if isinstance(value, datetime):
        # A date-formatted spreadsheet cell comes back as midnight: that is a date without a time.
        return value.date() if value.time() == time(0) and value.tzinfo is None else value
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if EXCEL_SERIALS[0] <= value <= EXCEL_SERIALS[1]:
            return _sheet_moment(from_excel(value))
    elif isinstance(value, str) and value.strip():
        text = " ".join(value.split())
        day_text, _space, time_text = text.partition(" ")
        for date_format in DATE_FORMATS:
            try:
                day = datetime.strptime(day_text, date_format).date()
            except ValueError:
                continue
            if not time_text:
                return day
            for time_format in TIME_FORMATS:
                try:
                    return datetime.combine(day, datetime.strptime(time_text, time_format).time())
                except ValueError:
                    continue
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(_("tanggal wajib diisi"))
    raise ValueError(_("bukan tanggal yang sah (contoh: 02/11/2026 atau 2026-11-02)"))


def sheet_row_validate(cells: Mapping[str, object], *, key: object, form: UnitForm, legend: SheetLegend,
                       channel: str, now: datetime) -> NewResponse:
    """One sheet row checked by the shared rules (a blank element allowed, a blank row not).

    `cells` is keyed by date, service, gender, age, education, occupation, the element codes and
    suggestion. Raises ResponseInvalid with every problem keyed by those names ("row" for the whole row).
    """
    errors: dict[str, str] = {}
    try:
        answered_at = sheet_answered_at(cells.get("date"), now=now)
    except ValueError as problem:
        errors["date"] = str(problem)
        answered_at = now  # a stand-in, so the other cells are still checked

    service_text = cell_text(cells.get("service"))
    service_id = legend.service_id(service_text) if service_text else None
    if service_text and service_id is None:
        errors["service"] = _("layanan %(value)s tidak ada di daftar layanan unit ini") % {
            "value": service_text[:40]}
    elif not service_text:
        errors["service"] = _("layanan wajib diisi (nomor atau nama dari daftar)")

    data = {
        "key": str(key), "service": service_id, "answered_at": answered_at,
        "profile": {
            "gender": _gender(cell_text(cells.get("gender"))),
            "age": cell_text(cells.get("age")),
            "education": _coded(cell_text(cells.get("education")), legend.educations),
            "occupation": _coded(cell_text(cells.get("occupation")), legend.occupations),
        },
        "answers": {element.code: cell_text(cells.get(element.code)) for element in form.elements},
        "suggestion": cell_text(cells.get("suggestion")),
    }
    try:
        new = response_validate(data, form=form, channel=channel, require_all=False, now=now)
    except ResponseInvalid as invalid:
        for path, message in invalid.errors.items():
            field = VALIDATION_FIELDS.get(path) or path.removeprefix("answers.")
            errors.setdefault(field, message)
    if errors:
        raise ResponseInvalid(errors)
    return new


class SheetsInvalid(ValueError):
    """Rows that cannot be stored; errors[i] holds {field: message} for the i-th row given (0-based)."""

    def __init__(self, errors: dict[int, dict[str, str]], message: str = ""):
        super().__init__(message or _("%(n)s baris belum benar; tidak ada yang disimpan.") % {"n": len(errors)})
        self.errors = errors


@dataclass(frozen=True)
class PaperSaved:
    stored: int
    already: int  # rows whose key was stored before: a resubmitted batch


def paper_sheets_submit(*, unit, rows: object, by=None, now: datetime | None = None) -> PaperSaved:
    """Store a batch of keyed-in sheets as channel `paper`, all or none, recording who keyed them in (`by`).

    Every row carries a UUID the browser made with the row; a key stored before is skipped, so a double
    submit or a resend after a network error never counts a sheet twice.
    """
    if not isinstance(rows, list) or not rows:
        raise SheetsInvalid({}, _("Tidak ada baris untuk disimpan."))
    if len(rows) > PAPER_MAX_ROWS:
        raise SheetsInvalid({}, _("Paling banyak %(max)s baris sekali simpan.") % {"max": PAPER_MAX_ROWS})
    now = now or timezone.now()
    form, legend = UnitForm.load(unit), SheetLegend.load(unit)
    errors: dict[int, dict[str, str]] = {}
    checked: list[NewResponse] = []
    seen: set[uuid.UUID] = set()
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            errors[index] = {"row": _("baris harus berupa objek")}
            continue
        try:
            new = sheet_row_validate(row, key=row.get("key", ""), form=form, legend=legend,
                                     channel=Channel.PAPER, now=now)
        except ResponseInvalid as invalid:
            errors[index] = invalid.errors
            continue
        new.entered_by_id = getattr(by, "pk", None)
        if new.key in seen:
            errors[index] = {"key": _("baris ini kembar dengan baris lain (kunci sama)")}
            continue
        seen.add(new.key)
        checked.append(new)
    if errors:
        raise SheetsInvalid(errors)

    try:
        return _paper_store(unit=unit, checked=checked)
    except IntegrityError:
        # The same batch was being stored at the same moment: now that it is in, its keys are skipped.
        return _paper_store(unit=unit, checked=checked)


def _paper_store(*, unit, checked: list[NewResponse]) -> PaperSaved:
    keys = [new.key for new in checked]
    with transaction.atomic():
        known = dict(Response.objects.filter(key__in=keys).values_list("key", "unit_id"))
        # Every row passed the checks, so the i-th checked row is the i-th row given.
        foreign = {index: {"key": _("kunci baris ini sudah dipakai respons lain")}
                   for index, new in enumerate(checked) if new.key in known and known[new.key] != unit.id}
        if foreign:
            raise SheetsInvalid(foreign)
        fresh = [new for new in checked if new.key not in known]
        responses_submit_many(fresh)
    return PaperSaved(stored=len(fresh), already=len(checked) - len(fresh))


def paper_sheets_received_today(*, unit, by, now: datetime | None = None) -> int:
    """Paper sheets of the unit that `by` keyed in today, for the operator's running count (sheets loaded by
    others, or by the demo, are not theirs)."""
    today = timezone.localdate(now or timezone.now())
    start = timezone.make_aware(datetime.combine(today, time(0)))
    return Response.objects.filter(unit=unit, channel=Channel.PAPER, entered_by=by, received_at__gte=start,
                                   received_at__lt=start + timedelta(days=1)).count()
