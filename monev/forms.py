from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monev.models import Assessment, ChecklistItem
from monev.services import evidence_check


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
