"""Dashboard filters read from the query string, and the follow-up plan forms."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from skm.uploads import evidence_check
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


DATE_WIDGET = {"type": "date"}


class FollowUpPlanForm(forms.ModelForm):
    """A new plan for one element of a unit's quarter, with the day it was planned."""

    status_date = forms.DateField(label=gettext_lazy("Tanggal direncanakan"),
                                  widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))
    field_order = ["element", "action", "responsible", "due_date", "status_date"]

    class Meta:
        model = FollowUpPlan
        fields = ["element", "action", "responsible", "due_date"]
        widgets = {"action": forms.Textarea(attrs={"rows": 3}),
                   "due_date": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")}
        help_texts = {"action": gettext_lazy("Apa yang akan dilakukan untuk memperbaiki unsur ini."),
                      "due_date": gettext_lazy("Hari terakhir rencana ini harus selesai.")}

    def __init__(self, *args, unit, quarter: Period, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.quarter = quarter
        if "element" in self.fields:
            self.fields["element"].queryset = unit.questionnaire.elements.order_by("position")
            self.fields["element"].label_from_instance = lambda element: f"{element.code} {element.name_shown}"
        # By default due at the end of the quarter after the survey's.
        self.initial.setdefault("due_date", Period.containing(quarter.end + timedelta(days=1)).end)
        self.initial.setdefault("status_date", today)

    def clean_due_date(self) -> date:
        due = self.cleaned_data["due_date"]
        if due < self.quarter.start:
            raise forms.ValidationError(_("Target selesai tidak boleh sebelum triwulan survei."))
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


class FollowUpPlanEditForm(FollowUpPlanForm):
    """A plan's words, due date and progress: a new status with the day it happened, and the evidence of
    completion (a note plus a file, photo or link), which completing requires."""

    status_date = forms.DateField(label=gettext_lazy("Tanggal perubahan status"),
                                  help_text=gettext_lazy("Hari status ini mulai berlaku; dipakai hanya bila status "
                                                         "berubah."),
                                  widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))
    status_note = forms.CharField(label=gettext_lazy("Catatan perubahan status"), max_length=500, required=False)
    evidence_link = forms.URLField(label=gettext_lazy("Tautan bukti"), max_length=500, required=False,
                                   assume_scheme="https",
                                   help_text=gettext_lazy("Alamat web berita, unggahan media sosial atau dokumen."))
    evidence_upload = forms.FileField(label=gettext_lazy("Berkas atau foto bukti"), required=False,
                                      help_text=gettext_lazy("PDF, JPEG, PNG atau WebP; menggantikan berkas "
                                                             "sebelumnya."))
    field_order = ["action", "responsible", "due_date", "status", "status_date", "status_note", "evidence_note",
                   "evidence_upload", "evidence_link"]

    class Meta(FollowUpPlanForm.Meta):
        fields = ["action", "responsible", "due_date", "status", "evidence_note", "evidence_link"]
        widgets = {**FollowUpPlanForm.Meta.widgets, "evidence_note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {**FollowUpPlanForm.Meta.help_texts,
                      "evidence_note": gettext_lazy("Apa yang sudah dikerjakan; wajib untuk status Selesai.")}

    def clean_evidence_upload(self):
        upload = self.cleaned_data.get("evidence_upload")
        if upload:
            evidence_check(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == FollowUpPlan.Status.DONE and "evidence_upload" not in self.errors:
            if not (cleaned.get("evidence_note") or "").strip():
                self.add_error("evidence_note", _("Isi keterangan bukti penyelesaian."))
            if not (cleaned.get("evidence_upload") or self.instance.evidence_file or cleaned.get("evidence_link")
                    or "evidence_link" in self.errors):
                missing = _("Lampirkan berkas atau foto, atau isi tautan bukti penyelesaian.")
                self.add_error("evidence_upload", missing)
                self.add_error("evidence_link", missing)
        return cleaned


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


class ThirdPartyWithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Alasan menarik hasil ini"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))
