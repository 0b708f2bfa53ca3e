from datetime import time

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.periods import ROMAN, Period

code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{0,39}$", _("Kode hanya huruf kecil, angka dan tanda hubung (maks. 40).")
)


class RespondentType(models.TextChoices):
    PUBLIC = "public", _("Masyarakat umum")
    INTERNAL = "internal", _("ASN / instansi pemerintah")


class TimeZone(models.TextChoices):
    """Indonesia's three time zones: a region's periods, days and printed dates are in its own."""

    WIB = "Asia/Jakarta", _("WIB (Asia/Jakarta)")
    WITA = "Asia/Makassar", _("WITA (Asia/Makassar)")
    WIT = "Asia/Jayapura", _("WIT (Asia/Jayapura)")


class Region(models.Model):
    """A Pemerintah Daerah: provinsi, kabupaten or kota."""

    class Kind(models.TextChoices):
        PROVINSI = "provinsi", _("Provinsi")
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")

    code = models.CharField(_("kode"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("nama"), max_length=120)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    kemendagri_code = models.CharField(
        _("kode Kemendagri/BPS"), max_length=13, unique=True, help_text=_("Misalnya 32.76 untuk Kota Depok.")
    )
    province = models.ForeignKey(
        "self", verbose_name=_("provinsi"), null=True, blank=True, on_delete=models.PROTECT,
        limit_choices_to={"kind": "provinsi"}, related_name="+",
    )
    time_zone = models.CharField(
        _("zona waktu"), max_length=20, choices=TimeZone.choices, default=TimeZone.WIB, db_default=TimeZone.WIB,
        help_text=_("Hari, periode dan tanggal dokumen daerah ini. Setelah diubah, jalankan rebuild_tallies."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("pemerintah daerah")
        verbose_name_plural = _("pemerintah daerah")

    def __str__(self):
        return self.name


class Agency(models.Model):
    """A Perangkat Daerah (OPD) or a body under one, such as a Kelurahan under its Kecamatan."""

    class Kind(models.TextChoices):
        DINAS = "dinas", _("Dinas")
        BADAN = "badan", _("Badan")
        KECAMATAN = "kecamatan", _("Kecamatan")
        KELURAHAN = "kelurahan", _("Kelurahan")
        PUSKESMAS = "puskesmas", _("Puskesmas")
        RSUD = "rsud", _("RSUD")
        UPTD = "uptd", _("UPTD")
        SEKRETARIAT = "sekretariat", _("Sekretariat")
        OTHER = "other", _("Lainnya")

    region = models.ForeignKey(Region, verbose_name=_("pemerintah daerah"), on_delete=models.PROTECT,
                               related_name="agencies")
    parent = models.ForeignKey("self", verbose_name=_("induk"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    code = models.CharField(_("kode"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    address = models.CharField(_("alamat"), max_length=250, blank=True)
    head_name = models.CharField(_("nama kepala"), max_length=120, blank=True)
    head_title = models.CharField(_("jabatan kepala"), max_length=120, blank=True)
    head_nip = models.CharField(_("NIP kepala"), max_length=30, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("perangkat daerah")
        verbose_name_plural = _("perangkat daerah")

    def __str__(self):
        return self.name


class ServiceUnit(models.Model):
    """The counter or unit where a service is given and surveyed."""

    agency = models.ForeignKey(Agency, verbose_name=_("perangkat daerah"), on_delete=models.PROTECT,
                               related_name="units")
    code = models.CharField(_("kode"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("nama"), max_length=200)
    address = models.CharField(_("alamat"), max_length=250, blank=True)
    respondent_type = models.CharField(_("jenis responden"), max_length=10, choices=RespondentType.choices,
                                       default=RespondentType.PUBLIC)
    questionnaire = models.ForeignKey("surveys.Questionnaire", verbose_name=_("kuesioner"),
                                      on_delete=models.PROTECT, related_name="units")
    head_name = models.CharField(_("nama kepala unit"), max_length=120, blank=True)
    head_title = models.CharField(_("jabatan kepala unit"), max_length=120, blank=True)
    head_nip = models.CharField(_("NIP kepala unit"), max_length=30, blank=True)
    show_faces = models.BooleanField(
        _("tampilkan wajah di samping jawaban"), default=False,
        help_text=_("Empat wajah (sangat tidak puas sampai sangat puas) di samping label resmi, untuk responden "
                    "yang tidak membaca."))
    is_active = models.BooleanField(_("aktif"), default=True)
    # Integrity rules (docs/integrity.md).
    kiosk_min_interval = models.PositiveSmallIntegerField(
        _("jeda minimum isian kios (detik)"), default=20,
        help_text=_("Isian kios yang lebih cepat dari ini setelah isian sebelumnya tidak dihitung."))
    kiosk_hourly_ceiling = models.PositiveSmallIntegerField(
        _("batas isian kios per jam"), default=90,
        help_text=_("Isian kios melebihi batas ini dalam satu jam tidak dihitung."))
    service_days = models.CharField(_("hari layanan"), max_length=7, default="12345",
                                    help_text=_("Angka hari: 1 = Senin ... 7 = Minggu."))
    service_opens = models.TimeField(_("jam buka layanan"), default=time(7, 30))
    service_closes = models.TimeField(_("jam tutup layanan"), default=time(16, 0))

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit layanan")
        verbose_name_plural = _("unit layanan")

    def __str__(self):
        return self.name


class Service(models.Model):
    """A jenis layanan given at a unit, e.g. "Perekaman KTP-el"."""

    unit = models.ForeignKey(ServiceUnit, verbose_name=_("unit layanan"), on_delete=models.PROTECT,
                             related_name="services")
    name = models.CharField(_("nama"), max_length=200)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("jenis layanan")
        verbose_name_plural = _("jenis layanan")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="service_name_unique_per_unit")]

    def __str__(self):
        return self.name


class Population(models.Model):
    """Number of service users of a unit in a quarter (or a whole year), for the required sample size."""

    unit = models.ForeignKey(ServiceUnit, verbose_name=_("unit layanan"), on_delete=models.CASCADE,
                             related_name="populations")
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(
        _("triwulan"), null=True, blank=True, choices=[(number, f"TW {roman}") for number, roman in ROMAN.items()],
        help_text=_("Kosongkan untuk jumlah setahun."),
    )
    service_users = models.PositiveIntegerField(_("jumlah pengguna layanan"))

    class Meta:
        ordering = ["unit", "-year", "quarter"]
        verbose_name = _("populasi pengguna layanan")
        verbose_name_plural = _("populasi pengguna layanan")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "quarter"], name="population_unique_quarter"),
            models.UniqueConstraint(fields=["unit", "year"], condition=Q(quarter__isnull=True),
                                    name="population_unique_year"),
            models.CheckConstraint(condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                                   name="population_quarter_1_to_4"),
        ]

    LATEST_FIRST = ("-year", models.F("quarter").desc(nulls_last=True))

    @property
    def period(self) -> Period:
        return Period.quarter(self.year, self.quarter) if self.quarter else Period.year_of(self.year)

    def __str__(self):
        return f"{self.unit} {self.period.short_label}: {self.service_users}"


class StaffRole(models.Model):
    """A staff member's scope. A user may hold several roles."""

    class Role(models.TextChoices):
        REGION_ADMIN = "region_admin", _("Admin pemda (Bagian Organisasi)")
        AGENCY_ADMIN = "agency_admin", _("Admin perangkat daerah")
        UNIT_OPERATOR = "unit_operator", _("Operator unit layanan")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("pengguna"), on_delete=models.CASCADE,
                             related_name="staff_roles")
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(Region, verbose_name=_("pemerintah daerah"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, verbose_name=_("perangkat daerah"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(ServiceUnit, verbose_name=_("unit layanan"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("peran staf")
        verbose_name_plural = _("peran staf")
        constraints = [
            models.CheckConstraint(
                name="staffrole_scope_matches_role",
                condition=(
                    Q(role="region_admin", region__isnull=False, agency__isnull=True, unit__isnull=True)
                    | Q(role="agency_admin", region__isnull=True, agency__isnull=False, unit__isnull=True)
                    | Q(role="unit_operator", region__isnull=True, agency__isnull=True, unit__isnull=False)
                ),
            ),
            models.UniqueConstraint(fields=["user", "region"], condition=Q(role="region_admin"),
                                    name="staffrole_unique_region"),
            models.UniqueConstraint(fields=["user", "agency"], condition=Q(role="agency_admin"),
                                    name="staffrole_unique_agency"),
            models.UniqueConstraint(fields=["user", "unit"], condition=Q(role="unit_operator"),
                                    name="staffrole_unique_unit"),
        ]

    @property
    def scope(self):
        return self.region or self.agency or self.unit

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.scope}"


class StaffAccount(models.Model):
    """Where a staff account was created on the staff pages. An admin gives roles only to accounts created in
    their scope or already holding a role in it (agencies.services.staff_role_grant)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("pengguna"), on_delete=models.CASCADE,
                                primary_key=True, related_name="staff_account")
    region = models.ForeignKey(Region, verbose_name=_("pemerintah daerah"), on_delete=models.CASCADE,
                               related_name="+")
    agency = models.ForeignKey(Agency, verbose_name=_("perangkat daerah"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("dibuat oleh"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("akun staf")
        verbose_name_plural = _("akun staf")

    def __str__(self):
        return f"{self.user} · {self.agency or self.region}"


class AuditEvent(models.Model):
    """Who did what and when, for acts that change scores, access or what the public sees. Append-only."""

    class Action(models.TextChoices):
        RESPONSE_EXCLUDED = "response_excluded", _("Respons dikecualikan dari nilai")
        RESPONSE_INCLUDED = "response_included", _("Respons dihitung kembali")
        RESPONSE_DELETED = "response_deleted", _("Respons dihapus")
        ROLE_GRANTED = "role_granted", _("Peran diberikan")
        ROLE_REVOKED = "role_revoked", _("Peran dicabut")
        QUESTIONNAIRE_CHANGED = "questionnaire_changed", _("Kuesioner diubah")
        RESULTS_PUBLISHED = "results_published", _("Hasil diterbitkan")
        RESULTS_WITHDRAWN = "results_withdrawn", _("Terbitan ditarik")
        DATA_PURGED = "data_purged", _("Data lama dihapus")
        KIOSK_MODE_CHANGED = "kiosk_mode_changed", _("Mode kios diubah")
        INTEGRITY_REVIEWED = "integrity_reviewed", _("Isian mencurigakan ditinjau")
        MONEV_CHECKLIST_CHANGED = "monev_checklist_changed", _("Daftar periksa monev diubah")
        MONEV_EVIDENCE_ADDED = "monev_evidence_added", _("Bukti monev diunggah")
        MONEV_EVIDENCE_DELETED = "monev_evidence_deleted", _("Bukti monev dihapus")
        MONEV_ASSESSED = "monev_assessed", _("Temuan monev dicatat")
        CAMPAIGN_CREATED = "campaign_created", _("Kampanye dibuat")
        CAMPAIGN_CHANGED = "campaign_changed", _("Kampanye diubah")
        PASSWORD_SET = "password_set", _("Kata sandi staf diatur ulang")
        COVERAGE_REMINDED = "coverage_reminded", _("Pengingat cakupan survei dikirim")
        MEDIUM_RECORDED = "medium_recorded", _("Media publikasi dicatat")
        MEDIUM_DELETED = "medium_deleted", _("Media publikasi dihapus")
        THIRD_PARTY_RECORDED = "third_party_recorded", _("Hasil survei pihak ketiga dicatat")
        THIRD_PARTY_MIXING_DECIDED = "third_party_mixing", _("Cara memakai hasil pihak ketiga ditetapkan")
        THIRD_PARTY_WITHDRAWN = "third_party_withdrawn", _("Hasil survei pihak ketiga ditarik")

    at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("pelaku"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("tindakan"), max_length=30, choices=Action.choices)
    region = models.ForeignKey(Region, verbose_name=_("pemerintah daerah"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    target = models.CharField(_("objek"), max_length=255)
    detail = models.JSONField(_("rincian"), default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.get_action_display()} {self.target}"

    def detail_shown(self) -> list[tuple[str, str]]:
        """The recorded details as a staff member reads them: named in words, a role by its label, a default
        monev item in the screen's language; anything else as it was recorded."""
        roles = dict(StaffRole.Role.choices)
        changes = {"added": _("ditambahkan"), "updated": _("diubah"), "deleted": _("dihapus")}
        shown = []
        for key, value in self.detail.items():
            if key == "role":
                value = roles.get(value, value)
            elif key == "change":
                value = changes.get(value, value)
            elif key == "item" and isinstance(value, str):
                value = gettext(value)
            shown.append((str(AUDIT_DETAIL_NAMES.get(key, key)), value))
        return shown


# The keys audit_record() is given, in words (agencies.audit).
AUDIT_DETAIL_NAMES = {
    "user": _("pengguna"), "role": _("peran"), "scope": _("cakupan"), "before": _("sebelum"),
    "after": _("sesudah"), "unit": _("unit"), "kiosk": _("kios"), "item": _("butir"), "year": _("tahun"),
    "status": _("status"), "visited_on": _("tanggal kunjungan"), "file": _("berkas"), "change": _("perubahan"),
    "name": _("nama"), "start": _("mulai"), "end": _("selesai"), "seed": _("seed"), "units": _("unit"),
    "services": _("layanan"), "services_added": _("layanan ditambahkan"), "questionnaire": _("kuesioner"),
    "copied_from": _("disalin dari"), "deleted": _("dihapus"), "first": _("pertama"),
    "answered_at": _("waktu mengisi"),
    "period": _("periode"), "recipients": _("penerima"), "kind": _("jenis"), "published_on": _("tanggal terbit"),
}
