"""Dashboard filters read from the query string, and the follow-up plan form."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.models import AlertSubscription, FollowUpPlan, ThirdPartyResult
from reports.periods import Period
from surveys.models import Channel

FIRST_YEAR, LAST_YEAR = 2000, 2100  # outside these a period is a typing error, and date arithmetic overflows
CUSTOM_MAX_DAYS = 731
CUSTOM = "custom"


@dataclass
class Filters:
    """What a dashboard shows: a period, and optionally one service and one channel. Values that could not be
    used are left out and explained in `problems`."""

    period: Period
    service: object | None = None
    channel: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def service_id(self) -> int | None:
        return self.service.id if self.service else None

    @property
    def channel_label(self) -> str:
        return Channel(self.channel).label if self.channel else ""

    @property
    def is_narrowed(self) -> bool:
        return bool(self.service or self.channel)

    def params(self, **changes) -> dict:
        params = {"period": self.period.slug, "service": self.service_id or "", "channel": self.channel}
        params.update(changes)
        return {key: value for key, value in params.items() if value not in ("", None)}

    def query(self, **changes) -> str:
        return urlencode(self.params(**changes))


def _period_problem(period: Period) -> str | None:
    if not (FIRST_YEAR <= period.start.year and period.end.year <= LAST_YEAR):
        return _("Periode harus di antara tahun %(first)s dan %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
    if period.start > timezone.localdate():  # the active zone: the region's (reports.views)
        return _("%(period)s belum dimulai.") % {"period": period.label}
    if period.kind == CUSTOM and period.days > CUSTOM_MAX_DAYS:
        return _("Rentang tanggal paling panjang %(days)s hari.") % {"days": CUSTOM_MAX_DAYS}
    return None


def _read_period(params) -> tuple[Period | None, str | None]:
    raw = (params.get("period") or "").strip()[:40]
    if not raw:
        return None, None
    try:
        if raw == CUSTOM:
            start, end = (date.fromisoformat((params.get(name) or "").strip()[:10]) for name in ("dari", "sampai"))
            period = Period.custom(start, end)
        else:
            period = Period.from_slug(raw)
    except ValueError:
        if raw == CUSTOM:
            return None, _("Rentang tanggal tidak sah: isi tanggal awal dan akhir, dan akhir tidak sebelum awal.")
        return None, _("Periode “%(value)s” tidak dikenali.") % {"value": raw}
    problem = _period_problem(period)
    return (None, problem) if problem else (period, None)


def filters_read(params, *, services) -> Filters:
    """The filters of a dashboard's query string; `services` are those of the units in view."""
    period, problem = _read_period(params)
    filters = Filters(period=period or Period.containing(timezone.localdate()))
    if problem:
        filters.problems.append(problem + " " + _("Ditampilkan %(period)s.") % {"period": filters.period.label})
    raw_service = (params.get("service") or "").strip()
    if raw_service:
        service = None
        if raw_service.isascii() and raw_service.isdigit() and len(raw_service) < 12:
            service = services.filter(pk=int(raw_service)).first()
        if service is None:
            filters.problems.append(_("Jenis layanan yang dipilih tidak ada di sini; filter layanan diabaikan."))
        filters.service = service
    raw_channel = (params.get("channel") or "").strip()
    if raw_channel:
        if raw_channel in Channel.values:
            filters.channel = raw_channel
        else:
            filters.problems.append(_("Saluran “%(value)s” tidak dikenali; filter saluran diabaikan.")
                                    % {"value": raw_channel[:20]})
    return filters


def period_options(*, selected: Period, today: date) -> list[tuple[str, list[tuple[str, str]]]]:
    """Recent periods of every kind for the period menu, newest first; the selected one is always there."""
    groups = [
        (_("Triwulan"), Period.containing(today, "quarter").previous_ones(8)),
        (_("Bulan"), Period.containing(today, "month").previous_ones(12)),
        (_("Semester"), Period.containing(today, "semester").previous_ones(4)),
        (_("Tahun"), Period.containing(today, "year").previous_ones(3)),
    ]
    options = [(title, [(period.slug, period.label) for period in reversed(periods)]) for title, periods in groups]
    listed = {slug for _title, choices in options for slug, _label in choices}
    if selected.kind != CUSTOM and selected.slug not in listed:
        options.insert(0, (_("Dipilih"), [(selected.slug, selected.label)]))
    options.append((_("Lainnya"), [(CUSTOM, _("Rentang tanggal…"))]))
    return options


def quarter_choices(*, start: Period, count: int = 8) -> list[tuple[str, str]]:
    """Quarters from `start` onwards, for a plan's due date."""
    quarters = [start]
    while len(quarters) < count:
        quarters.append(Period.containing(quarters[-1].end + timedelta(days=1)))
    return [(quarter.slug, quarter.short_label) for quarter in quarters]


class FollowUpPlanForm(forms.ModelForm):
    """A follow-up plan for one element of a unit's quarter; the due quarter is picked from the next ones."""

    due = forms.ChoiceField(label=gettext_lazy("Target selesai"))
    field_order = ["element", "action", "responsible", "due", "status"]

    class Meta:
        model = FollowUpPlan
        fields = ["element", "action", "responsible", "status"]
        widgets = {"action": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"action": gettext_lazy("Apa yang akan dilakukan untuk memperbaiki unsur ini.")}

    def __init__(self, *args, unit, quarter: Period, **kwargs):
        super().__init__(*args, **kwargs)
        self.quarter = quarter
        self.fields["element"].queryset = unit.questionnaire.elements.order_by("position")
        self.fields["element"].label_from_instance = lambda element: f"{element.code} {element.name_shown}"
        choices = quarter_choices(start=quarter)
        if self.instance.pk:
            current = Period.quarter(self.instance.due_year, self.instance.due_quarter)
            if current.slug not in dict(choices):
                choices.insert(0, (current.slug, current.short_label))
            self.fields["element"].disabled = True
            self.initial.setdefault("due", current.slug)
        self.fields["due"].choices = choices

    def clean_due(self) -> Period:
        due = Period.from_slug(self.cleaned_data["due"])
        if due.start < self.quarter.start:
            raise forms.ValidationError(_("Target tidak boleh sebelum triwulan survei."))
        return due

    def clean_action(self):
        action = self.cleaned_data["action"].strip()
        if not action:
            raise forms.ValidationError(_("Isi program/kegiatan."))
        return action

    def clean_responsible(self):
        responsible = self.cleaned_data["responsible"].strip()
        if not responsible:
            raise forms.ValidationError(_("Isi penanggung jawab."))
        return responsible


class PublicationForm(forms.Form):
    """The period to publish, chosen from the finished periods with data that are not published yet."""

    period = forms.ChoiceField(label=gettext_lazy("Periode"),
                               error_messages={"invalid_choice": gettext_lazy(
                                   "Pilih dari daftar periode yang sudah selesai, ada datanya dan belum "
                                   "dipublikasikan."),
                                   "required": gettext_lazy("Pilih periode yang akan dipublikasikan.")})

    def __init__(self, *args, periods: list[Period], **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = {period.slug: period for period in periods}
        self.fields["period"].choices = [(period.slug, period.label) for period in periods]

    def clean_period(self) -> Period:
        return self.periods[self.cleaned_data["period"]]

class AlertSubscriptionForm(forms.ModelForm):
    hour = forms.TypedChoiceField(label=gettext_lazy("Jam pengiriman (waktu setempat)"), coerce=int,
                                  choices=[(hour, f"{hour:02d}.00") for hour in range(24)])

    class Meta:
        model = AlertSubscription
        fields = ["is_active", "hour", "unhappy_share"]


def third_party_period_choices(*, today: date) -> list[tuple[str, str]]:
    """The quarters, semesters and years of this year and the three before that have started, newest first."""
    choices = []
    for year in range(today.year, today.year - 4, -1):
        periods = [Period.year_of(year), *(Period.semester(year, n) for n in (2, 1)),
                   *(Period.quarter(year, n) for n in (4, 3, 2, 1))]
        choices += [(period.slug, period.label) for period in periods if period.start <= today]
    return choices


class ThirdPartyResultForm(forms.Form):
    """A third-party survey's result for a unit: one row per element of the questionnaire, either the counts of
    answers valued 1..4 or the sum and number of answers. The rows are checked by
    reports.third_party.third_party_entry_check, which names the element and value of every problem."""

    period = forms.ChoiceField(label=gettext_lazy("Periode survei"))
    provider = forms.CharField(label=gettext_lazy("Penyelenggara survei"), max_length=200)
    method = forms.CharField(label=gettext_lazy("Metode"), max_length=300,
                             help_text=gettext_lazy("Misalnya wawancara tatap muka, kuesioner tertulis, daring."))
    respondents = forms.CharField(label=gettext_lazy("Jumlah responden"), max_length=12)
    report = forms.FileField(label=gettext_lazy("Laporan penyelenggara (PDF)"))

    def __init__(self, *args, elements, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.elements = elements
        self.fields["period"].choices = third_party_period_choices(today=today)
        self.fields["period"].widget.attrs["class"] = "form-select"
        for name in ("provider", "method", "respondents", "report"):
            self.fields[name].widget.attrs["class"] = "form-control"
        for element in elements:
            for key in ("1", "2", "3", "4", "sum", "answers"):
                self.fields[f"e{element.id}_{key}"] = forms.CharField(required=False, max_length=12,
                                                                      label=f"{element.code} {key}")

    def head_fields(self) -> list:
        return [self[name] for name in ("period", "provider", "method", "respondents", "report")]

    def element_rows(self) -> list[dict]:
        """Per element, its bound inputs in the order the table shows them."""
        return [{"element": element,
                 "counts": [self[f"e{element.id}_{value}"] for value in "1234"],
                 "sum": self[f"e{element.id}_sum"], "answers": self[f"e{element.id}_answers"]}
                for element in self.elements]

    def typed_rows(self) -> dict[int, dict[str, str]]:
        return {element.id: {key: self.cleaned_data.get(f"e{element.id}_{key}", "")
                             for key in ("1", "2", "3", "4", "sum", "answers")}
                for element in self.elements}


class ThirdPartyMixingForm(forms.Form):
    choice = forms.ChoiceField(label=gettext_lazy("Hasil ini dan respons aplikasi pada periode yang sama"),
                               widget=forms.RadioSelect, choices=[
                                   (value, label) for value, label in ThirdPartyResult.Mixing.choices if value])
