"""Forms of the management screens. Every choice of agency, unit or role is limited to the manager's scope."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.models import Population, Service, ServiceUnit, StaffRole
from agencies.services import ROLE_REFUSED
from reports.models import QUARTERS
from surveys.models import Questionnaire


class UnitForm(forms.ModelForm):
    class Meta:
        model = ServiceUnit
        fields = ["agency", "code", "name", "address", "respondent_type", "questionnaire", "head_name", "head_title",
                  "head_nip", "show_faces", "is_active"]
        help_texts = {"code": gettext_lazy("Dipakai di alamat halaman dan kode QR; tidak dapat diubah kemudian.")}

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["questionnaire"].queryset = Questionnaire.objects.filter(is_active=True)
        if self.instance.pk:
            # Printed QR posters and bookmarks carry the code.
            self.fields["code"].disabled = True


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = ["name", "is_active"]

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.unit = unit

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        duplicate = Service.objects.filter(unit=self.instance.unit, name__iexact=name).exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise forms.ValidationError(_("Unit ini sudah punya jenis layanan dengan nama itu."))
        return name


class PopulationForm(forms.ModelForm):
    quarter = forms.TypedChoiceField(label=gettext_lazy("Triwulan"), coerce=int, empty_value=None, required=False,
                                     choices=[("", gettext_lazy("Setahun penuh"))] + QUARTERS)

    class Meta:
        model = Population
        fields = ["year", "quarter", "service_users"]
        help_texts = {"service_users": gettext_lazy("Jumlah pengguna layanan pada periode itu (N), untuk "
                                                    "menghitung jumlah responden minimal.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Tahun antara 2000 dan 2100."))
        return year

    def validate_unique(self):
        """Setting a period twice replaces its number (population_set), so no uniqueness error here."""


class RoleGrantForm(forms.Form):
    """A role for an existing account, or for a new one when the username is not taken yet."""

    username = forms.CharField(label=gettext_lazy("Nama pengguna"), max_length=150)
    grant = forms.ChoiceField(label=gettext_lazy("Peran"))
    first_name = forms.CharField(label=gettext_lazy("Nama depan"), max_length=150, required=False,
                                 help_text=gettext_lazy("Hanya untuk akun baru."))
    last_name = forms.CharField(label=gettext_lazy("Nama belakang"), max_length=150, required=False)
    password = forms.CharField(label=gettext_lazy("Kata sandi awal"), required=False, strip=False,
                               widget=forms.PasswordInput(render_value=False),
                               help_text=gettext_lazy("Hanya untuk akun baru; sampaikan secara pribadi."))

    def __init__(self, *args, regions=(), agencies=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes = {}
        choices = []
        for role, objects in ((StaffRole.Role.REGION_ADMIN, regions), (StaffRole.Role.AGENCY_ADMIN, agencies),
                              (StaffRole.Role.UNIT_OPERATOR, units)):
            group = []
            for scope in objects:
                key = f"{role}:{scope.pk}"
                self.scopes[key] = (role, scope)
                group.append((key, f"{StaffRole.Role(role).label}: {scope.name}"))
            if group:
                choices.append((StaffRole.Role(role).label, group))
        self.fields["grant"].choices = choices

    def clean_username(self):
        return self.cleaned_data["username"].strip()

    def clean(self):
        cleaned = super().clean()
        username = cleaned.get("username")
        if not username:
            return cleaned
        user = get_user_model().objects.filter(username=username).first()
        cleaned["user"] = user
        # The same checks and messages whether or not the username exists (no account enumeration): a given
        # password is always validated, and a missing one for a new account gets the one refusal message.
        if user is None:
            try:
                get_user_model()._meta.get_field("username").run_validators(username)
            except forms.ValidationError as error:
                self.add_error("username", error)
                return cleaned
        if cleaned.get("password"):
            probe = get_user_model()(username=username, first_name=cleaned.get("first_name", ""),
                                     last_name=cleaned.get("last_name", ""))
            try:
                validate_password(cleaned["password"], probe)
            except forms.ValidationError as error:
                self.add_error("password", error)
        elif user is None:
            self.add_error("username", str(ROLE_REFUSED))
        return cleaned

    @property
    def role_and_scope(self):
        return self.scopes[self.cleaned_data["grant"]]


class StaffLoginForm(AuthenticationForm):
    """Django's login form with its error in our own words: Django's Indonesian message already says "nama
    pengguna" before the field's name, so the field's label was printed twice."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy("Masukkan nama pengguna dan kata sandi yang benar. Huruf besar dan kecil "
                                      "dibedakan."),
    }
