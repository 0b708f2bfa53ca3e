from django import forms
from django.utils.translation import gettext_lazy as _


class KioskCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Nama kios"), max_length=100,
        help_text=_("Agar mudah dikenali, misalnya “Tablet loket 1”."),
        widget=forms.TextInput(attrs={"placeholder": _("Tablet loket 1"), "autocomplete": "off"}),
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Isi nama kios."))
        return name
