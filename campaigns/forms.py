"""The campaign form: period, services, units (picked or drawn) and target. The draw happens in clean(), so a
rule that cannot be met is a message on the form and nothing is stored."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Agency, ServiceUnit
from campaigns.models import Campaign
from campaigns.sampling import GroupTooSmall, draw_per_group, seed_new
from campaigns.selectors import group_names, sampling_candidates
from reports.forms import CUSTOM_MAX_DAYS, FIRST_YEAR, LAST_YEAR

MAX_SERVICES = 30
MAX_PER_GROUP = 100
MAX_TARGET = 100_000
MAX_SEED = 2_147_483_647


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CampaignForm(forms.ModelForm):
    services = forms.CharField(
        label=gettext_lazy("Layanan yang disurvei"), widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Tulis minimal satu layanan.")},
        help_text=gettext_lazy("Satu nama layanan per baris, misalnya PKK, RPTRA, Posyandu. Unit peserta yang "
                               "belum punya layanan itu akan dibuatkan, agar dapat dipilih di kios, QR dan "
                               "entri kertas."))
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Unit peserta (bila dipilih langsung)"), queryset=ServiceUnit.objects.none(),
        required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Campaign
        fields = ["name", "start", "end", "services", "selection", "units", "sample_agency_kind",
                  "sample_per_group", "seed", "target_kind", "target_fixed"]
        widgets = {"start": DateInput(), "end": DateInput(), "selection": forms.RadioSelect,
                   "target_kind": forms.RadioSelect}
        help_texts = {
            "end": gettext_lazy("Tanggal terakhir ikut dihitung."),
            "sample_agency_kind": gettext_lazy("Bila diundi: unit dari perangkat daerah berjenis ini, dikelompokkan "
                                               "menurut induknya (misalnya kelurahan per kecamatan)."),
            "sample_per_group": gettext_lazy("Bila diundi: berapa unit diambil dari setiap kelompok."),
            "seed": gettext_lazy("Bila diundi: angka yang menentukan hasil undian. Kosongkan agar dibuatkan; "
                                 "seed yang sama memberi unit yang sama."),
            "target_fixed": gettext_lazy("Bila jumlah tetap: responden yang harus dicapai setiap unit, "
                                         "misalnya 100."),
        }

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        self.instance.region = region
        self.fields["units"].queryset = (ServiceUnit.objects.filter(agency__region=region, is_active=True)
                                         .select_related("agency").order_by("agency__name", "name"))
        self.fields["units"].label_from_instance = lambda unit: f"{unit.agency.name} · {unit.name}"
        kinds = set(Agency.objects.filter(region=region, is_active=True).values_list("kind", flat=True))
        self.fields["sample_agency_kind"].choices = [("", "---------")] + [
            (value, label) for value, label in Agency.Kind.choices if value in kinds]
        self.fields["sample_per_group"].widget.attrs.update(min=1, max=MAX_PER_GROUP)
        self.fields["seed"].widget.attrs.update(min=0, max=MAX_SEED)
        self.fields["target_fixed"].widget.attrs.update(min=1, max=MAX_TARGET)
        self.fields["target_kind"].choices = Campaign.TargetKind.choices
        self.fields["selection"].choices = Campaign.Selection.choices
        if self.instance.pk:
            self.initial["services"] = "\n".join(self.instance.campaign_services.values_list("name", flat=True))
            self.initial["units"] = list(self.instance.units.values_list("pk", flat=True))

    def clean_services(self):
        names, seen = [], set()
        for line in self.cleaned_data["services"].splitlines():
            name = " ".join(line.split())
            if not name or name.casefold() in seen:
                continue
            if len(name) > 200:
                raise forms.ValidationError(_("Nama layanan paling panjang 200 karakter: “%(name)s…”.")
                                            % {"name": name[:40]})
            seen.add(name.casefold())
            names.append(name)
        if not names:
            raise forms.ValidationError(_("Tulis minimal satu layanan."))
        if len(names) > MAX_SERVICES:
            raise forms.ValidationError(_("Paling banyak %(n)s layanan.") % {"n": MAX_SERVICES})
        return names

    def clean_sample_per_group(self):
        value = self.cleaned_data.get("sample_per_group")
        if value is not None and not 1 <= value <= MAX_PER_GROUP:
            raise forms.ValidationError(_("Isi angka 1 sampai %(n)s.") % {"n": MAX_PER_GROUP})
        return value

    def clean_seed(self):
        value = self.cleaned_data.get("seed")
        if value is not None and not 0 <= value <= MAX_SEED:
            raise forms.ValidationError(_("Seed adalah angka 0 sampai %(n)s.") % {"n": MAX_SEED})
        return value

    def clean_target_fixed(self):
        value = self.cleaned_data.get("target_fixed")
        if value is not None and not 1 <= value <= MAX_TARGET:
            raise forms.ValidationError(_("Isi angka 1 sampai %(n)s.") % {"n": MAX_TARGET})
        return value

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("Tanggal selesai tidak boleh sebelum tanggal mulai."))
            elif not (FIRST_YEAR <= start.year and end.year <= LAST_YEAR):
                self.add_error("start", _("Periode harus di antara tahun %(first)s dan %(last)s.")
                               % {"first": FIRST_YEAR, "last": LAST_YEAR})
            elif (end - start).days + 1 > CUSTOM_MAX_DAYS:
                self.add_error("end", _("Kampanye paling lama %(days)s hari.") % {"days": CUSTOM_MAX_DAYS})
        if data.get("target_kind") == Campaign.TargetKind.FIXED:
            if data.get("target_fixed") is None and "target_fixed" not in self.errors:
                self.add_error("target_fixed", _("Isi target responden per unit, atau pilih Krejcie-Morgan."))
        else:
            data["target_fixed"] = None
        if data.get("selection") == Campaign.Selection.SAMPLED:
            data["chosen_units"] = self._draw(data)
        else:
            data["sample_agency_kind"], data["sample_per_group"], data["seed"] = "", None, None
            data["chosen_units"] = list(data.get("units") or [])
            if not data["chosen_units"] and "units" not in self.errors:
                self.add_error("units", _("Pilih minimal satu unit peserta, atau undi unit dengan aturan."))
        return data

    def _draw(self, data) -> list[ServiceUnit]:
        kind, per_group = data.get("sample_agency_kind"), data.get("sample_per_group")
        if not kind and "sample_agency_kind" not in self.errors:
            self.add_error("sample_agency_kind", _("Pilih jenis perangkat daerah yang unitnya diundi."))
        if per_group is None and "sample_per_group" not in self.errors:
            self.add_error("sample_per_group", _("Isi berapa unit diambil dari setiap kelompok."))
        if not kind or per_group is None:
            return []
        candidates = sampling_candidates(region=self.region, agency_kind=kind)
        kind_label = Agency.Kind(kind).label
        if not candidates:
            self.add_error("sample_agency_kind", _("Tidak ada unit aktif pada %(kind)s di daerah ini.")
                           % {"kind": kind_label})
            return []
        if data.get("seed") is None:
            data["seed"] = seed_new()
        try:
            codes = draw_per_group(candidates, per_group=per_group, seed=data["seed"])
        except GroupTooSmall as short:
            group = group_names([short.group]).get(short.group, short.group)
            self.add_error("sample_per_group", _(
                "%(group)s hanya memiliki %(available)s unit %(kind)s; tidak dapat mengundi %(wanted)s unit per "
                "kelompok. Kecilkan jumlah per kelompok atau pilih unit langsung.")
                % {"group": group, "available": short.available, "kind": kind_label, "wanted": short.wanted})
            return []
        return list(ServiceUnit.objects.filter(code__in=codes).order_by("code"))
