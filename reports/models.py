import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reports.periods import ROMAN

QUARTERS = [(number, f"TW {roman}") for number, roman in ROMAN.items()]


class FollowUpPlan(models.Model):
    """A Rencana Tindak Lanjut item: what a unit will do about a weak element after a period's survey. Its status
    changes are kept with the day each happened (FollowUpStatusChange); completing it needs evidence."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Direncanakan")
        IN_PROGRESS = "in_progress", _("Sedang berjalan")
        DONE = "done", _("Selesai")

    unit = models.ForeignKey("agencies.ServiceUnit", verbose_name=_("unit layanan"), on_delete=models.CASCADE,
                             related_name="follow_up_plans")
    element = models.ForeignKey("surveys.Element", verbose_name=_("unsur"), on_delete=models.PROTECT,
                                related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun survei"))
    quarter = models.PositiveSmallIntegerField(_("triwulan survei"), choices=QUARTERS)
    action = models.TextField(_("program/kegiatan"), max_length=2000)
    responsible = models.CharField(_("penanggung jawab"), max_length=200)
    due_date = models.DateField(_("target selesai"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    evidence_note = models.TextField(_("keterangan bukti"), max_length=2000, blank=True)
    evidence_file = models.FileField(_("berkas atau foto bukti"), max_length=200, blank=True)
    evidence_name = models.CharField(_("nama berkas bukti asli"), max_length=200, blank=True)
    evidence_type = models.CharField(_("jenis isi berkas bukti"), max_length=40, blank=True)
    evidence_link = models.URLField(_("tautan bukti"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("dibuat oleh"))

    class Meta:
        ordering = ["unit", "-year", "-quarter", "element__position"]
        verbose_name = _("rencana tindak lanjut")
        verbose_name_plural = _("rencana tindak lanjut")
        constraints = [
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="rtl_quarter_1_to_4"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.element.code} · {self.action[:40]}"

    # The dates below read the history; list pages prefetch "status_changes" so they cost no query per plan.
    def history(self) -> list["FollowUpStatusChange"]:
        return sorted(self.status_changes.all(), key=lambda change: (change.date, change.recorded_at, change.id))

    @property
    def planned_on(self):
        """The day of the plan's first recorded status."""
        changes = self.history()
        return changes[0].date if changes else None

    @property
    def started_on(self):
        """The first day it was marked in progress."""
        return next((change.date for change in self.history() if change.status == self.Status.IN_PROGRESS), None)

    @property
    def completed_on(self):
        """The day of the last completion, while the plan is completed (a reopened plan has none)."""
        if self.status != self.Status.DONE:
            return None
        return next((change.date for change in reversed(self.history()) if change.status == self.Status.DONE), None)


class FollowUpStatusChange(models.Model):
    """One step in a plan's history: the status it took and the day that happened (which the user gives; it may
    be earlier than the day it was recorded)."""

    plan = models.ForeignKey(FollowUpPlan, verbose_name=_("rencana tindak lanjut"), on_delete=models.CASCADE,
                             related_name="status_changes")
    status = models.CharField(_("status"), max_length=12, choices=FollowUpPlan.Status.choices)
    date = models.DateField(_("tanggal"))
    note = models.CharField(_("catatan"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("dicatat oleh"))
    recorded_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "date", "recorded_at", "id"]
        verbose_name = _("perubahan status RTL")
        verbose_name_plural = _("perubahan status RTL")

    def __str__(self):
        return f"{self.plan_id} · {self.get_status_display()} · {self.date:%Y-%m-%d}"


class Publication(models.Model):
    """A region's results for a period, released to the public page, frozen: `snapshot` holds every unit,
    agency and region figure as published and `checksum` its SHA-256, so later responses never change what
    was published. A revision is a new row with the next `revision`; earlier ones stay readable."""

    region = models.ForeignKey("agencies.Region", verbose_name=_("pemerintah daerah"), on_delete=models.CASCADE,
                               related_name="publications")
    year = models.PositiveSmallIntegerField(_("tahun"))
    quarter = models.PositiveSmallIntegerField(_("triwulan"), null=True, blank=True, choices=QUARTERS,
                                               help_text=_("Kosongkan untuk hasil setahun."))
    revision = models.PositiveSmallIntegerField(_("versi"), default=1)
    published_at = models.DateTimeField(_("diterbitkan"), auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("diterbitkan oleh"))
    provisional = models.BooleanField(_("sementara"), default=False,
                                      help_text=_("Ada unit di bawah sampel minimal atau tanpa data."))
    snapshot = models.JSONField(_("angka yang diterbitkan"), default=dict, blank=True)
    checksum = models.CharField(_("checksum SHA-256"), max_length=64, blank=True)

    class Meta:
        ordering = ["region", "-year", "-quarter", "-revision"]
        verbose_name = _("publikasi hasil")
        verbose_name_plural = _("publikasi hasil")
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "quarter", "revision"],
                                    name="publication_unique_quarter_revision"),
            models.UniqueConstraint(fields=["region", "year", "revision"], condition=Q(quarter__isnull=True),
                                    name="publication_unique_year_revision"),
        ]

    def __str__(self):
        period = f"TW {ROMAN[self.quarter]} {self.year}" if self.quarter else str(self.year)
        return f"{self.region} {period} v{self.revision}"


class GeneratedDocument(models.Model):
    """A document built in the background (regional recap, large export), kept a while for download."""

    class Kind(models.TextChoices):
        RECAP_XLSX = "recap_xlsx", _("Rekap SKM daerah (Excel)")
        RECAP_PDF = "recap_pdf", _("Rekap SKM daerah (PDF)")
        RESPONSES_XLSX = "responses_xlsx", _("Data responden (Excel)")
        EVIDENCE_PACK = "evidence_pack", _("Paket bukti evaluasi SKM (PEKPPP, zip)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        RUNNING = "running", _("Sedang dibuat")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey("agencies.Region", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("pemerintah daerah"))
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("perangkat daerah"))
    unit = models.ForeignKey("agencies.ServiceUnit", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("unit layanan"))
    period = models.CharField(_("periode"), max_length=30)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("kemajuan (%)"), default=0)
    message = models.CharField(_("pesan"), max_length=500, blank=True)
    file = models.FileField(_("berkas"), upload_to="documents/%Y/%m/", blank=True)
    filename = models.CharField(_("nama berkas"), max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("diminta oleh"))
    created_at = models.DateTimeField(_("diminta"), auto_now_add=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    expires_at = models.DateTimeField(_("disimpan sampai"), db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("dokumen yang dibuat")
        verbose_name_plural = _("dokumen yang dibuat")
        constraints = [
            models.CheckConstraint(
                name="generated_document_one_scope",
                condition=(Q(region__isnull=False, agency__isnull=True, unit__isnull=True)
                           | Q(region__isnull=True, agency__isnull=False, unit__isnull=True)
                           | Q(region__isnull=True, agency__isnull=True, unit__isnull=False)),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.region or self.agency or self.unit} · {self.period}"

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)


class WorkerHeartbeat(models.Model):
    """The last sign of life of each task worker (`manage.py db_worker`); /health reads the newest one."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.host}:{self.pid} {self.seen_at:%Y-%m-%d %H:%M:%S}"

class AlertSubscription(models.Model):
    """A unit head's opt-in to the daily e-mail digest of alerts (reports.alerts) about the units they see."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_subscription",
                                verbose_name=_("pengguna"))
    is_active = models.BooleanField(_("kirim ringkasan peringatan harian"), default=False)
    hour = models.PositiveSmallIntegerField(
        _("jam pengiriman (waktu setempat)"), default=16, validators=[MaxValueValidator(23)])
    unhappy_share = models.PositiveSmallIntegerField(
        _("ambang denyut tidak puas (%)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Peringatan bila bagian ketukan Tidak puas dan Sangat tidak puas hari itu mencapai angka ini."))
    last_sent_on = models.DateField(_("terakhir dikirim"), null=True, blank=True)

    class Meta:
        verbose_name = _("langganan peringatan")
        verbose_name_plural = _("langganan peringatan")
        constraints = [models.CheckConstraint(condition=Q(hour__lte=23), name="alert_hour_0_to_23"),
                       models.CheckConstraint(condition=Q(unhappy_share__gte=1, unhappy_share__lte=100),
                                              name="alert_unhappy_share_1_to_100")]


class ThirdPartyResult(models.Model):
    """The result of a survey a provider ran for a unit outside the app (docs/third-party.md): per element either
    the counts of answers valued 1..4 or, where the provider only reports them, the sum and number of answers. It
    enters the figures like captured responses, pooled by sums and counts, and is always marked as such."""

    class Mixing(models.TextChoices):
        # Only asked when the unit has captured responses in the same period.
        PENDING = "", _("belum diputuskan")
        THIRD_PARTY_ONLY = "third_party_only", _("gunakan hasil pihak ketiga saja")
        POOLED = "pooled", _("gabungkan dengan respons aplikasi")

    unit = models.ForeignKey("agencies.ServiceUnit", verbose_name=_("unit layanan"), on_delete=models.CASCADE,
                             related_name="third_party_results")
    period = models.CharField(_("periode"), max_length=10, help_text="2026-Q2, 2026-S1 or 2026")
    start = models.DateField(_("awal periode"))
    end = models.DateField(_("akhir periode"))
    questionnaire = models.ForeignKey("surveys.Questionnaire", verbose_name=_("kuesioner"), on_delete=models.PROTECT,
                                      related_name="+")
    provider = models.CharField(_("penyelenggara survei"), max_length=200)
    method = models.CharField(_("metode"), max_length=300)
    respondents = models.PositiveIntegerField(_("responden"))
    report = models.FileField(_("laporan penyelenggara (PDF)"), max_length=200)
    report_name = models.CharField(_("nama berkas"), max_length=200)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("dicatat oleh"))
    entered_at = models.DateTimeField(_("dicatat pada"), auto_now_add=True)
    mixing = models.CharField(_("pilihan penggabungan"), max_length=20, choices=Mixing.choices, blank=True,
                              default=Mixing.PENDING)
    mixing_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("diputuskan oleh"))
    mixing_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)

    class Meta:
        ordering = ["unit", "-start", "-id"]
        verbose_name = _("hasil survei pihak ketiga")
        verbose_name_plural = _("hasil survei pihak ketiga")
        indexes = [models.Index(fields=["unit", "start", "end"], name="third_party_unit_period")]

    def __str__(self):
        return f"{self.unit} · {self.period} · {self.provider}"


class ThirdPartyElement(models.Model):
    """One element of a third-party result: counts of 1..4 (count_1..count_4), or only `total` and `answers`
    when the provider reports sums (the counts are then empty). `total` and `answers` are always filled."""

    result = models.ForeignKey(ThirdPartyResult, on_delete=models.CASCADE, related_name="elements")
    element = models.ForeignKey("surveys.Element", verbose_name=_("unsur"), on_delete=models.PROTECT,
                                related_name="+")
    count_1 = models.PositiveIntegerField(null=True, blank=True)
    count_2 = models.PositiveIntegerField(null=True, blank=True)
    count_3 = models.PositiveIntegerField(null=True, blank=True)
    count_4 = models.PositiveIntegerField(null=True, blank=True)
    total = models.PositiveIntegerField(_("jumlah nilai"))
    answers = models.PositiveIntegerField(_("jumlah jawaban"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["result", "element"], name="third_party_element_once")]

    @property
    def counts(self) -> list[int] | None:
        values = [self.count_1, self.count_2, self.count_3, self.count_4]
        return None if any(value is None for value in values) else values


class CoverageReminder(models.Model):
    """A reminder e-mailed from the coverage board to an agency's admins about its units short of data in a
    period (reports.coverage): kept so the board shows who chased whom, when, and about which units."""

    region = models.ForeignKey("agencies.Region", verbose_name=_("pemerintah daerah"), on_delete=models.CASCADE,
                               related_name="+")
    agency = models.ForeignKey("agencies.Agency", verbose_name=_("perangkat daerah"), on_delete=models.CASCADE,
                               related_name="coverage_reminders")
    period = models.CharField(_("periode"), max_length=30, help_text=_("Misalnya 2026-Q3 atau 2026."))
    sent_at = models.DateTimeField(_("dikirim"), auto_now_add=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("dikirim oleh"))
    recipients = models.JSONField(_("penerima"), default=list,
                                  help_text=_("Nama dan alamat e-mail admin perangkat daerah yang dikirimi."))
    units = models.JSONField(_("unit"), default=list,
                             help_text=_("Kode, nama, responden dan sampel minimal setiap unit yang kurang data."))

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("pengingat cakupan survei")
        verbose_name_plural = _("pengingat cakupan survei")
        indexes = [models.Index(fields=["region", "period"], name="coverage_reminder_period")]

    def __str__(self):
        return f"{self.agency} · {self.period} · {self.sent_at:%Y-%m-%d %H:%M}"

    @property
    def recipients_shown(self) -> str:
        return ", ".join(f"{person['name']} <{person['email']}>" for person in self.recipients)
