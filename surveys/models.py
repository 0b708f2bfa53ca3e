import hashlib
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import RespondentType
from surveys import official
from surveys.themes import Tone


class Regulation(models.TextChoices):
    PERMENPAN_14_2017 = "permenpan-14-2017", "Permenpan RB 14/2017"
    KEPMENPAN_25_2004 = "kepmenpan-25-2004", "Kepmenpan 25/2004"


class Questionnaire(models.Model):
    """A versioned questionnaire. Past responses keep pointing at the version they answered."""

    code = models.CharField(_("kode"), max_length=40, unique=True)
    version = models.PositiveSmallIntegerField(_("versi"), default=1)
    regulation = models.CharField(_("regulasi"), max_length=40, choices=Regulation.choices)
    title = models.CharField(_("judul"), max_length=200)
    legal_basis = models.TextField(_("dasar hukum"))
    is_default = models.BooleanField(_("bawaan"), default=False)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["-is_default", "code"]
        verbose_name = _("kuesioner")
        verbose_name_plural = _("kuesioner")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                    name="questionnaire_single_default"),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    @property
    def rules(self):
        """The grade table and weighting of this questionnaire's regulation."""
        from reports.ikm import REGULATIONS

        return REGULATIONS[self.regulation]

    @property
    def in_use(self) -> bool:
        """Answered at least once: from then on its regulation and elements are fixed (a new version instead),
        so no edit can change a past score."""
        return self.pk is not None and self.responses.exists()


class Element(models.Model):
    """An unsur: one question with its four official answer labels, scored 1..4."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="elements")
    position = models.PositiveSmallIntegerField(_("urutan"))
    code = models.CharField(_("kode"), max_length=4, help_text="U1..Un")
    slug = models.SlugField(_("slug"), max_length=40)
    name = models.CharField(_("nama unsur"), max_length=120)
    name_en = models.CharField(_("nama unsur (Inggris)"), max_length=120)
    question = models.TextField(_("pertanyaan"))
    question_en = models.TextField(_("pertanyaan (Inggris)"))
    label_1 = models.CharField(_("jawaban 1"), max_length=60)
    label_2 = models.CharField(_("jawaban 2"), max_length=60)
    label_3 = models.CharField(_("jawaban 3"), max_length=60)
    label_4 = models.CharField(_("jawaban 4"), max_length=60)
    label_en_1 = models.CharField(_("jawaban 1 (Inggris)"), max_length=60)
    label_en_2 = models.CharField(_("jawaban 2 (Inggris)"), max_length=60)
    label_en_3 = models.CharField(_("jawaban 3 (Inggris)"), max_length=60)
    label_en_4 = models.CharField(_("jawaban 4 (Inggris)"), max_length=60)

    @property
    def name_shown(self) -> str:
        """The name in the language of the screen; documents are built in Indonesian."""
        return self.name_en if translation.get_language() == "en" and self.name_en else self.name

    class Meta:
        ordering = ["questionnaire", "position"]
        verbose_name = _("unsur")
        verbose_name_plural = _("unsur")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "position"], name="element_unique_position"),
            models.UniqueConstraint(fields=["questionnaire", "code"], name="element_unique_code"),
            models.UniqueConstraint(fields=["questionnaire", "slug"], name="element_unique_slug"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def labels(self):
        return [self.label_1, self.label_2, self.label_3, self.label_4]

    @property
    def labels_en(self):
        return [self.label_en_1, self.label_en_2, self.label_en_3, self.label_en_4]


class Channel(models.TextChoices):
    KIOSK = "kiosk", _("Kios (tablet di loket)")
    QR = "qr", _("QR / ponsel")
    PAPER = "paper", _("Lembar kertas")
    IMPORT = "import", _("Impor berkas")


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class KioskMode(models.TextChoices):
    SURVEY = "survey", _("Survei SKM lengkap")
    PULSE = "pulse", _("Denyut harian (satu pertanyaan)")


class Kiosk(models.Model):
    """A tablet paired to one service unit. Only a hash of its token is stored."""

    unit = models.ForeignKey("agencies.ServiceUnit", verbose_name=_("unit layanan"), on_delete=models.CASCADE,
                             related_name="kiosks")
    name = models.CharField(_("nama"), max_length=100)
    mode = models.CharField(_("mode"), max_length=10, choices=KioskMode.choices, default=KioskMode.SURVEY)
    read_aloud = models.BooleanField(
        _("bacakan setiap pertanyaan"), default=False,
        help_text=_("Tablet membacakan pertanyaan dan keempat jawabannya begitu pertanyaan tampil."))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("dibuat oleh"))
    last_seen_at = models.DateTimeField(_("terakhir aktif"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)

    class Meta:
        ordering = ["unit", "name"]
        verbose_name = _("kios")
        verbose_name_plural = _("kios")

    def __str__(self):
        return f"{self.name} ({self.unit})"

    def issue_token(self) -> str:
        """Give the kiosk a new secret; returns the clear token, which is shown once and never stored."""
        token = secrets.token_urlsafe(32)
        self.set_token(token)
        return token

    def set_token(self, token: str):
        """Pair the kiosk with a given token (the published demo kiosk); real kiosks use issue_token."""
        self.token_hash = _hash_token(token)

    @classmethod
    def for_token(cls, token: str):
        return cls.objects.select_related("unit").filter(token_hash=_hash_token(token)).first()

    @property
    def is_revoked(self):
        return self.revoked_at is not None


class Flag(models.TextChoices):
    """Why a response is suspect (docs/integrity.md). The door flags exclude at once; the others wait for review."""

    TOO_FAST = "too_fast", _("terlalu cepat setelah isian sebelumnya")
    OVER_RATE = "over_rate", _("melebihi batas isian per jam")
    OUTSIDE_HOURS = "outside_hours", _("di luar jam layanan")
    IDENTICAL_RUN = "identical_run", _("rangkaian jawaban identik")
    UNIFORM_SHARE = "uniform_share", _("porsi jawaban seragam jauh di atas unit")
    REPEATED_SUGGESTION = "repeated_suggestion", _("teks saran berulang")
    BURST_AFTER_SILENCE = "burst_after_silence", _("lonjakan setelah lama sepi")


DOOR_FLAGS = (Flag.TOO_FAST, Flag.OVER_RATE)
REVIEW_FLAGS = tuple(flag for flag in Flag if flag not in DOOR_FLAGS)


class FlagGroup(models.Model):
    """Responses of one unit that share a self-filling pattern, held for one staff decision."""

    class Decision(models.TextChoices):
        EXCLUDE = "exclude", _("dikecualikan")
        KEEP = "keep", _("tetap dihitung")

    unit = models.ForeignKey("agencies.ServiceUnit", verbose_name=_("unit layanan"), on_delete=models.CASCADE,
                             related_name="+")
    reason = models.CharField(_("alasan"), max_length=20, choices=Flag.choices)
    pattern = models.CharField(_("pola"), max_length=255)
    found_at = models.DateTimeField(_("ditemukan"), auto_now_add=True)
    decision = models.CharField(_("keputusan"), max_length=8, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("diputuskan oleh"))

    class Meta:
        ordering = ["decided_at", "-found_at"]
        verbose_name = _("kelompok isian mencurigakan")
        verbose_name_plural = _("kelompok isian mencurigakan")

    def __str__(self):
        return f"{self.get_reason_display()}: {self.pattern}"


class ImportBatch(models.Model):
    """One uploaded spreadsheet; the file's hash keeps the same file from being counted twice."""

    unit = models.ForeignKey("agencies.ServiceUnit", on_delete=models.PROTECT, related_name="import_batches",
                             verbose_name=_("unit layanan"))
    filename = models.CharField(_("nama berkas"), max_length=255)
    sha256 = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField(_("jumlah baris"))
    imported_at = models.DateTimeField(_("diimpor"), auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("diimpor oleh"))

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("impor berkas")
        verbose_name_plural = _("impor berkas")
        constraints = [models.UniqueConstraint(fields=["unit", "sha256"], name="import_file_once_per_unit")]

    def __str__(self):
        return self.filename


class Response(models.Model):
    """One completed questionnaire. Anonymous: no name, NIK, phone or IP address is kept."""

    key = models.UUIDField(_("kunci idempoten"), unique=True, editable=False,
                           help_text=_("Dibuat oleh perangkat; pengiriman ulang dengan kunci sama tidak dihitung dua kali."))
    # No index of its own: response_unit_time starts with the unit (one index less to update per submission).
    unit = models.ForeignKey("agencies.ServiceUnit", verbose_name=_("unit layanan"), on_delete=models.PROTECT,
                             related_name="responses", db_index=False)
    service = models.ForeignKey("agencies.Service", verbose_name=_("jenis layanan"), on_delete=models.PROTECT,
                                related_name="responses")
    questionnaire = models.ForeignKey(Questionnaire, verbose_name=_("kuesioner"), on_delete=models.PROTECT,
                                      related_name="responses")
    channel = models.CharField(_("saluran"), max_length=8, choices=Channel.choices)
    # No index of its own: response_kiosk_time starts with the kiosk.
    kiosk = models.ForeignKey(Kiosk, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses",
                              verbose_name=_("kios"), db_index=False)
    # Indexed only where set (Meta.indexes), as excluded_by and flag_group: most responses have none of them.
    import_batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="responses", verbose_name=_("impor"), db_index=False)
    answered_at = models.DateTimeField(_("waktu mengisi"), db_index=True)
    received_at = models.DateTimeField(_("waktu diterima"), auto_now_add=True)
    gender = models.CharField(_("jenis kelamin"), max_length=1, choices=official.GENDERS, blank=True)
    age = models.PositiveSmallIntegerField(
        _("usia"), null=True, blank=True,
        validators=[MinValueValidator(official.AGE_MIN), MaxValueValidator(official.AGE_MAX)],
    )
    education = models.CharField(_("pendidikan"), max_length=8, choices=official.EDUCATIONS, blank=True)
    occupation = models.CharField(_("pekerjaan"), max_length=10, choices=official.OCCUPATIONS, blank=True)
    respondent_type = models.CharField(_("jenis responden"), max_length=10, choices=RespondentType.choices,
                                       default=RespondentType.PUBLIC)
    suggestion = models.TextField(_("saran"), max_length=2000, blank=True)
    # Themes of the suggestion (surveys.themes), tagged when it arrives: "U3 U7" or "lainnya"; blank without one.
    suggestion_elements = models.CharField(_("unsur yang disebut saran"), max_length=40, blank=True)
    suggestion_tone = models.CharField(_("nada saran"), max_length=8, choices=Tone.choices, blank=True)
    suspected_repeat = models.BooleanField(_("diduga isian berulang"), default=False)
    assisted = models.BooleanField(_("dibantu petugas"), default=False,
                                   help_text=_("Petugas membantu responden mengisi (membacakan atau menekan)."))
    excluded_at = models.DateTimeField(_("dikecualikan pada"), null=True, blank=True)
    excluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("dikecualikan oleh"), db_index=False)
    # The staff member who keyed in a paper sheet, for their running count of the day. No index of its own: the
    # count reads one unit's rows of one day, found through response_unit_time.
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("diketik oleh"), db_index=False)
    flag = models.CharField(_("tanda integritas"), max_length=20, choices=Flag.choices, blank=True)
    flag_group = models.ForeignKey(FlagGroup, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="responses", verbose_name=_("kelompok tinjauan"), db_index=False)

    class Meta:
        ordering = ["-answered_at"]
        verbose_name = _("respons")
        verbose_name_plural = _("respons")
        indexes = [models.Index(fields=["unit", "answered_at"], name="response_unit_time"),
                   models.Index(fields=["kiosk", "answered_at"], name="response_kiosk_time"),
                   # The dashboards' complaint themes read complaints only, not every response of the period.
                   models.Index(fields=["unit", "answered_at"], name="response_complaint_time",
                                condition=models.Q(suggestion_tone=Tone.COMPLAINT)),
                   # A submission adds no entry to these: a kiosk or QR answer has no import, exclusion or group.
                   models.Index(fields=["import_batch"], name="response_import_batch",
                                condition=models.Q(import_batch__isnull=False)),
                   models.Index(fields=["excluded_by"], name="response_excluded_by",
                                condition=models.Q(excluded_by__isnull=False)),
                   models.Index(fields=["flag_group"], name="response_flag_group",
                                condition=models.Q(flag_group__isnull=False))]

    def __str__(self):
        return f"{self.unit} {self.answered_at:%Y-%m-%d %H:%M}"

    @property
    def is_excluded(self):
        return self.excluded_at is not None


class SuggestionTagCorrection(models.Model):
    """A staff member's correction of a suggestion's themes, kept with what it replaced."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="tag_corrections",
                                 verbose_name=_("respons"))
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("dikoreksi oleh"))
    corrected_at = models.DateTimeField(_("dikoreksi pada"), auto_now_add=True)
    elements_before = models.CharField(_("unsur sebelumnya"), max_length=40, blank=True)
    tone_before = models.CharField(_("nada sebelumnya"), max_length=8, blank=True)
    elements_after = models.CharField(_("unsur sesudahnya"), max_length=40)
    tone_after = models.CharField(_("nada sesudahnya"), max_length=8, choices=Tone.choices)

    class Meta:
        ordering = ["-corrected_at", "-id"]
        verbose_name = _("koreksi tema saran")
        verbose_name_plural = _("koreksi tema saran")


class Answer(models.Model):
    # No index of its own: the unique (response, element) key starts with the response.
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", db_index=False)
    element = models.ForeignKey(Element, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])

    class Meta:
        verbose_name = _("jawaban")
        verbose_name_plural = _("jawaban")
        constraints = [
            models.UniqueConstraint(fields=["response", "element"], name="answer_once_per_element"),
            models.CheckConstraint(condition=Q(value__gte=1, value__lte=4), name="answer_value_1_to_4"),
        ]


class ElementTally(models.Model):
    """Exact answer counts per unit, service, day, channel, element and value: what every score is read from.

    Kept in step with responses inside the same transaction (surveys.services), so they are exact whenever
    anybody looks; `rebuild_tallies --check` proves it against the raw answers.
    """

    # No index of its own: the unique key starts with the unit.
    unit = models.ForeignKey("agencies.ServiceUnit", on_delete=models.CASCADE, related_name="+", db_index=False)
    service = models.ForeignKey("agencies.Service", on_delete=models.CASCADE, related_name="+")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    channel = models.CharField(max_length=8, choices=Channel.choices)
    element = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("rekap harian jawaban per unsur")
        verbose_name_plural = pgettext_lazy("jamak", "rekap harian jawaban per unsur")
        constraints = [
            models.UniqueConstraint(fields=["unit", "service", "questionnaire", "day", "channel", "element", "value"],
                                    name="element_tally_key"),
        ]
        indexes = [models.Index(fields=["day", "unit"], name="element_tally_day_unit")]


class ResponseTally(models.Model):
    """Respondent counts per unit, service, day and channel (blank answers make these differ from answers)."""

    # No index of its own: the unique key starts with the unit.
    unit = models.ForeignKey("agencies.ServiceUnit", on_delete=models.CASCADE, related_name="+", db_index=False)
    service = models.ForeignKey("agencies.Service", on_delete=models.CASCADE, related_name="+")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    channel = models.CharField(max_length=8, choices=Channel.choices)
    count = models.IntegerField(default=0)
    # Of those respondents: helped by staff, and with a (non-blank) suggestion; the dashboard reads these
    # instead of the responses.
    assisted = models.IntegerField(default=0)
    with_suggestion = models.IntegerField(default=0)

    COUNTS = ("count", "assisted", "with_suggestion")

    class Meta:
        verbose_name = _("rekap harian respons")
        verbose_name_plural = pgettext_lazy("jamak", "rekap harian respons")
        constraints = [
            models.UniqueConstraint(fields=["unit", "service", "questionnaire", "day", "channel"],
                                    name="response_tally_key"),
        ]
        indexes = [models.Index(fields=["day", "unit"], name="response_tally_day_unit")]


class ElementMonthTally(models.Model):
    """ElementTally summed per calendar month (`month` is its first day) over services and channels, the four
    value counts of an element in one row (count_1..count_4: answers valued 1..4).

    Period-wide reads take whole months from here and only a period's partial edge months from the day-level
    tallies; one row per element instead of one per value makes a region's quarter four times fewer rows to
    add up. Kept in the same transactions as ElementTally."""

    # No index of its own: the unique key starts with the unit.
    unit = models.ForeignKey("agencies.ServiceUnit", on_delete=models.CASCADE, related_name="+", db_index=False)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    element = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="+")
    count_1 = models.IntegerField(default=0)
    count_2 = models.IntegerField(default=0)
    count_3 = models.IntegerField(default=0)
    count_4 = models.IntegerField(default=0)

    COUNTS = ("count_1", "count_2", "count_3", "count_4")  # the column of each value 1..4

    class Meta:
        verbose_name = _("rekap bulanan jawaban per unsur")
        verbose_name_plural = pgettext_lazy("jamak", "rekap bulanan jawaban per unsur")
        constraints = [
            models.UniqueConstraint(fields=["unit", "questionnaire", "month", "element"],
                                    name="element_month_tally_key"),
        ]


class ResponseMonthTally(models.Model):
    """ResponseTally summed per calendar month (`month` is its first day)."""

    # No index of its own: the unique key starts with the unit.
    unit = models.ForeignKey("agencies.ServiceUnit", on_delete=models.CASCADE, related_name="+", db_index=False)
    service = models.ForeignKey("agencies.Service", on_delete=models.CASCADE, related_name="+")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    channel = models.CharField(max_length=8, choices=Channel.choices)
    count = models.IntegerField(default=0)
    assisted = models.IntegerField(default=0)
    with_suggestion = models.IntegerField(default=0)

    COUNTS = ResponseTally.COUNTS

    class Meta:
        verbose_name = _("rekap bulanan respons")
        verbose_name_plural = pgettext_lazy("jamak", "rekap bulanan respons")
        constraints = [
            models.UniqueConstraint(fields=["unit", "service", "questionnaire", "month", "channel"],
                                    name="response_month_tally_key"),
        ]


class ProfileMonthTally(models.Model):
    """Counted respondents per unit, calendar month and answer to one profile question ("" when left blank;
    ages by band of official.AGE_BANDS)."""

    # No index of its own: the unique key starts with the unit.
    unit = models.ForeignKey("agencies.ServiceUnit", on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField()
    question = models.CharField(max_length=10)
    answer = models.CharField(max_length=10, blank=True)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("rekap bulanan profil responden")
        verbose_name_plural = pgettext_lazy("jamak", "rekap bulanan profil responden")
        constraints = [
            models.UniqueConstraint(fields=["unit", "month", "question", "answer"], name="profile_month_tally_key"),
        ]


class RateSalt(models.Model):
    """The random key of one local day for hashing network prefixes; deleted after two days, after which
    that day's hashes can no longer be computed by anyone."""

    day = models.DateField(primary_key=True)
    salt = models.CharField(max_length=64)


class PublicRateCount(models.Model):
    """Attempts on the public (QR) survey per hashed network prefix and local hour, kept two days.

    Only counts: no address, no unit, no time finer than the hour, nothing of a response (docs/privacy.md)."""

    # "client:day:hour": no sequential id that could line up with the responses stored meanwhile.
    bucket = models.CharField(max_length=90, primary_key=True)
    client = models.CharField(max_length=64)
    day = models.DateField(db_index=True)
    hour = models.PositiveSmallIntegerField()
    attempts = models.PositiveIntegerField(default=0)


class FormTokenUse(models.Model):
    """A QR form token that a stored submission consumed: a hash of its random part, kept until the token
    has expired anyway. The hash is the key, so nothing orders these rows like the responses."""

    digest = models.CharField(max_length=64, primary_key=True)
    expires_on = models.DateField()


class RetentionPurge(models.Model):
    """A removal of raw responses answered before a date. The tallies of those days are kept, so scores and
    published results stay as they were; recounts only cover days after the latest purge."""

    before = models.DateField(_("sebelum tanggal"))
    purged_at = models.DateTimeField(_("dihapus pada"), auto_now_add=True)
    responses_deleted = models.PositiveIntegerField(_("respons dihapus"))

    class Meta:
        ordering = ["-before"]
        verbose_name = _("penghapusan data lama")
        verbose_name_plural = _("penghapusan data lama")

    def __str__(self):
        return f"< {self.before}: {self.responses_deleted}"

    @classmethod
    def retained_from(cls):
        """The first day whose raw responses are all still stored (None: nothing was ever purged)."""
        return cls.objects.aggregate(latest=models.Max("before"))["latest"]


class QuestionnaireTranslation(models.Model):
    """The questionnaire in another language (e.g. `jv`, `su`, `mad`), written by a Pemda's own translators.

    `content` holds {"elements": {"U1": {"question": str, "labels": [4 str]}, ...}, "profile": {"gender": {code:
    str}, "education": {...}, "occupation": {...}}, "texts": {kiosk phrase key: str}}. It may be saved unfinished;
    it can only be enabled for a region once complete (surveys.translations, docs/languages.md)."""

    questionnaire = models.ForeignKey(Questionnaire, verbose_name=_("kuesioner"), on_delete=models.CASCADE,
                                      related_name="translations")
    language = models.CharField(
        _("kode bahasa"), max_length=12,
        validators=[RegexValidator(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$",
                                   _("Kode bahasa ISO 639, huruf kecil, misalnya jv, su atau mad."))],
        help_text=_("Kode ISO 639, misalnya jv (Basa Jawa), su (Basa Sunda), mad (Basa Madhura)."))
    name = models.CharField(_("nama bahasa"), max_length=60, help_text=_("Dalam bahasa itu sendiri, misalnya “Basa Jawa”."))
    content = models.JSONField(_("terjemahan"), default=dict, blank=True)
    regions = models.ManyToManyField("agencies.Region", verbose_name=_("dipakai di daerah"), blank=True,
                                     related_name="questionnaire_translations")

    class Meta:
        ordering = ["questionnaire", "language"]
        verbose_name = _("terjemahan kuesioner")
        verbose_name_plural = _("terjemahan kuesioner")
        constraints = [models.UniqueConstraint(fields=["questionnaire", "language"],
                                               name="translation_once_per_language")]

    def __str__(self):
        return f"{self.name} ({self.language}) · {self.questionnaire}"


class UnitDataVersion(models.Model):
    """The version of a unit's data: every write that changes what a figure of the unit can show (a response,
    an exclusion, a deletion, an import, a publication) sets a new one in its own transaction, so cached
    figures keyed on it are never served older than the data (surveys.data_versions).

    The version is random rather than counted: a write rolled back cannot leave its number to a later write."""

    unit = models.OneToOneField("agencies.ServiceUnit", on_delete=models.CASCADE, primary_key=True,
                                related_name="+")
    version = models.BigIntegerField()
