from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.models import KioskMode


class KioskCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Nama kios"), max_length=100,
        help_text=_("Agar mudah dikenali, misalnya “Tablet loket 1”."),
        widget=forms.TextInput(attrs={"placeholder": _("Tablet loket 1"), "autocomplete": "off"}),
    )
    mode = forms.ChoiceField(
        label=_("Mode kios"), choices=KioskMode.choices, initial=KioskMode.SURVEY, widget=forms.RadioSelect,
        required=False, help_text=_("Denyut harian: satu pertanyaan dengan empat wajah, terpisah dari IKM."),
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Isi nama kios."))
        return name

    def clean_mode(self):
        return self.cleaned_data["mode"] or KioskMode.SURVEY
