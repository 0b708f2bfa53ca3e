from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monev.media import periods_of_year
from monev.models import Assessment, ChecklistItem, PublicationMedium
from skm.uploads import evidence_check


class ItemForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["name", "is_key", "kind"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Isi nama butir."))
        return name


class ItemEditForm(ItemForm):
    class Meta(ItemForm.Meta):
        fields = ["position", "name", "is_key"]

    def clean_position(self):
        position = self.cleaned_data["position"]
        if not 1 <= position <= 99:
            raise ValidationError(_("Urutan 1 sampai 99."))
        return position


class EvidenceForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Berkas atau foto"),
                           help_text=gettext_lazy("PDF, JPEG, PNG atau WebP."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.kind = evidence_check(upload)
        return upload


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["status", "visited_on", "note"]
        widgets = {"visited_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def clean_visited_on(self):
        day = self.cleaned_data["visited_on"]
        if day > timezone.localdate():
            raise ValidationError(_("Tanggal kunjungan tidak boleh setelah hari ini."))
        if day.year not in (self.year, self.year + 1):
            raise ValidationError(_("Kunjungan monev %(year)s dicatat pada tahun %(year)s atau tahun "
                                    "berikutnya.") % {"year": self.year})
        return day


class MediumForm(forms.Form):
    """A medium for the register; `scopes` are the (value, label, object) the page offers, `year` its year."""

    scope = forms.ChoiceField(label=gettext_lazy("Dicatat untuk"))
    period = forms.ChoiceField(label=gettext_lazy("Periode hasil"))
    kind = forms.ChoiceField(label=gettext_lazy("Jenis media"), choices=PublicationMedium.Kind.choices)
    name = forms.CharField(label=gettext_lazy("Nama media"), max_length=200,
                           help_text=gettext_lazy("Misalnya akun Instagram @dinkes.sukamaju, Radio Suara Sukamaju, "
                                                  "papan pengumuman loket."))
    published_on = forms.DateField(label=gettext_lazy("Tanggal terbit"),
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    url = forms.URLField(label=gettext_lazy("Tautan bukti"), max_length=500, required=False, assume_scheme="https")
    file = forms.FileField(label=gettext_lazy("Foto atau PDF bukti"), required=False,
                           help_text=gettext_lazy("JPEG, PNG, WebP atau PDF."))

    def __init__(self, *args, scopes: list[tuple[str, str, object]], year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes = {value: found for value, _label, found in scopes}
        self.fields["scope"].choices = [(value, label) for value, label, _found in scopes]
        self.periods = {period.slug: period for period in periods_of_year(year)}
        self.fields["period"].choices = [(slug, period.label) for slug, period in self.periods.items()]

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            evidence_check(upload)
        return upload or None

    def clean(self):
        cleaned = super().clean()
        period = self.periods.get(cleaned.get("period"))
        day = cleaned.get("published_on")
        if period and day:
            if day < period.start:
                self.add_error("published_on", _("Hasil %(period)s tidak dapat terbit sebelum %(start)s.")
                               % {"period": period.label, "start": f"{period.start:%d-%m-%Y}"})
            elif day > timezone.localdate():
                self.add_error("published_on", _("Tanggal terbit tidak boleh setelah hari ini."))
        if not cleaned.get("url") and not cleaned.get("file") and "url" not in self.errors \
                and "file" not in self.errors:
            self.add_error("url", _("Isi tautan atau unggah foto sebagai bukti publikasi."))
        if period:
            cleaned["period"] = period
        cleaned["scope"] = self.scopes.get(cleaned.get("scope"))
        return cleaned
