"""Kiosks: pairing a tablet with a unit, authenticating its token, and what an offline kiosk caches.

The submission path reads the kiosk row and the unit's form from the Django cache, so a steady stream of
kiosk submissions costs only the writes. Revoking deletes the cached row; with a per-process cache (the
default) other processes notice within KIOSK_CACHE_SECONDS.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from agencies.audit import audit_record
from agencies.models import AuditEvent, Service, ServiceUnit
from agencies.zones import unit_zone_remember
from surveys import official
from surveys.models import Kiosk, KioskMode, _hash_token
from surveys.translations import translations_for_unit
from surveys.validation import UnitForm

KIOSK_CACHE_SECONDS = 5
FORM_CACHE_SECONDS = 30
# last_seen_at is written at most this often per kiosk, not on every request.
SEEN_EVERY = timedelta(minutes=1)
TOKEN_MAX_LENGTH = 200


@dataclass(frozen=True)
class KioskAuth:
    """The cached facts about one kiosk token that the API needs on every request."""

    kiosk_id: int
    unit_id: int
    name: str
    revoked: bool
    unit_active: bool
    last_seen_at: datetime | None
    mode: str = KioskMode.SURVEY
    read_aloud: bool = False


def _kiosk_cache_key(token_hash: str) -> str:
    return f"surveys:kiosk:{token_hash}"


def kiosk_link(*, base_url: str, token: str) -> str:
    """The link that pairs a tablet: the token sits in the fragment, which never reaches server logs."""
    return f"{base_url.rstrip('/')}/kiosk/#{token}"


def kiosk_create(*, unit: ServiceUnit, name: str, by=None, mode: str = KioskMode.SURVEY) -> tuple[Kiosk, str]:
    """Register a tablet for a unit; returns the kiosk and its clear token, which is never stored."""
    kiosk = Kiosk(unit=unit, name=name.strip(), created_by=by, mode=mode)
    token = kiosk.issue_token()
    kiosk.save()
    return kiosk, token


def kiosk_revoke(*, kiosk: Kiosk) -> Kiosk:
    """Refuse the kiosk's submissions from now on (403). Queued surveys on the tablet stay there."""
    if kiosk.revoked_at is None:
        kiosk.revoked_at = timezone.now()
        kiosk.save(update_fields=["revoked_at"])
    # Now, and again after the commit, so a request in between cannot cache the row as it was before.
    cache.delete(_kiosk_cache_key(kiosk.token_hash))
    transaction.on_commit(lambda: cache.delete(_kiosk_cache_key(kiosk.token_hash)))
    return kiosk


def kiosk_mode_set(*, kiosk: Kiosk, mode: str, by=None) -> Kiosk:
    """Switch the kiosk between the full survey and the daily pulse; the tablet shows the new screen the
    next time it loads the kiosk page. Audited."""
    if mode not in KioskMode.values:
        raise ValueError(f"unknown kiosk mode {mode!r}")
    if kiosk.mode == mode:
        return kiosk
    previous, kiosk.mode = kiosk.mode, mode
    with transaction.atomic():
        kiosk.save(update_fields=["mode"])
        audit_record(actor=by, action=AuditEvent.Action.KIOSK_MODE_CHANGED, target=kiosk,
                     region=kiosk.unit.agency.region, unit=kiosk.unit.code, kiosk=kiosk.id, before=previous,
                     after=mode)
    cache.delete(_kiosk_cache_key(kiosk.token_hash))
    transaction.on_commit(lambda: cache.delete(_kiosk_cache_key(kiosk.token_hash)))
    return kiosk


def kiosk_read_aloud_set(*, kiosk: Kiosk, read_aloud: bool) -> Kiosk:
    """Have the tablet read every question aloud on arrival (or stop); it follows on its next page load."""
    if kiosk.read_aloud != read_aloud:
        kiosk.read_aloud = read_aloud
        kiosk.save(update_fields=["read_aloud"])
    cache.delete(_kiosk_cache_key(kiosk.token_hash))
    transaction.on_commit(lambda: cache.delete(_kiosk_cache_key(kiosk.token_hash)))
    return kiosk


def kiosk_authenticate(*, token: str) -> KioskAuth | None:
    """The kiosk for a clear token, or None for an unknown one. Revoked kiosks are returned (the caller
    answers 403 with a clear message rather than 401)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    token_hash = _hash_token(token)
    key = _kiosk_cache_key(token_hash)
    auth = cache.get(key)
    if auth is None:
        kiosk = Kiosk.for_token(token)
        if kiosk is None:
            return None
        auth = KioskAuth(kiosk_id=kiosk.id, unit_id=kiosk.unit_id, name=kiosk.name, revoked=kiosk.is_revoked,
                         unit_active=kiosk.unit.is_active, last_seen_at=kiosk.last_seen_at, mode=kiosk.mode,
                         read_aloud=kiosk.read_aloud)
        cache.set(key, auth, KIOSK_CACHE_SECONDS)
    return auth


def kiosk_touch(*, auth: KioskAuth, token: str, now: datetime | None = None) -> None:
    """Record that the kiosk was seen, writing at most once per SEEN_EVERY."""
    now = now or timezone.now()
    if auth.last_seen_at is not None and now - auth.last_seen_at < SEEN_EVERY:
        return
    Kiosk.objects.filter(pk=auth.kiosk_id).update(last_seen_at=now)
    key = _kiosk_cache_key(_hash_token(token))
    cache.set(key, KioskAuth(**{**auth.__dict__, "last_seen_at": now}), KIOSK_CACHE_SECONDS)


def unit_form_cached(*, unit_id: int) -> UnitForm:
    """The unit's questionnaire and active services for validation, cached briefly."""
    key = f"surveys:unitform:{unit_id}"
    form = cache.get(key)
    if form is None:
        unit = ServiceUnit.objects.select_related("agency__region").get(pk=unit_id)
        unit_zone_remember(unit)  # the tallies' day needs it next: no query of its own
        form = UnitForm.load(unit)
        cache.set(key, form, FORM_CACHE_SECONDS)
    return form


def _choices(pairs) -> list[dict]:
    with translation.override("id"):
        labels = [{"code": code, "label": str(label)} for code, label in pairs]
    with translation.override("en"):
        for item, (_code, label) in zip(labels, pairs, strict=True):
            item["label_en"] = str(label)
    return labels


def survey_payload(*, unit_id: int) -> dict:
    """Everything a kiosk (or the QR page) needs to show the form with no server: the unit, its active
    services, the questionnaire's elements in both languages and the allowed profile values."""
    key = f"surveys:payload:{unit_id}"
    payload = cache.get(key)
    if payload is not None:
        return payload
    unit = ServiceUnit.objects.select_related("agency__region").get(pk=unit_id)
    form = unit_form_cached(unit_id=unit_id)
    payload = {
        "unit": {"code": unit.code, "name": unit.name, "agency": unit.agency.name,
                 "region": unit.agency.region.name, "faces": unit.show_faces},
        "services": [{"id": service_id, "name": name} for service_id, name in
                     Service.objects.filter(unit_id=unit_id, is_active=True).order_by("name")
                     .values_list("id", "name")],
        "elements": [
            {"code": element.code, "name": element.name, "name_en": element.name_en,
             "question": element.question, "question_en": element.question_en,
             "labels": element.labels, "labels_en": element.labels_en}
            for element in form.elements
        ],
        "profile": {
            "gender": _choices(official.GENDERS),
            "education": _choices(official.EDUCATIONS),
            "occupation": _choices(official.OCCUPATIONS),
            "age": {"min": official.AGE_MIN, "max": official.AGE_MAX},
        },
        "languages": translations_for_unit(unit),
    }
    cache.set(key, payload, FORM_CACHE_SECONDS)
    return payload


# The kiosk page switches language without the server (it may be offline), so it carries its texts in
# both languages. Indonesian is the source; the English catalog translates them.
PAGE_TEXTS = {
    "title": _("Survei Kepuasan Masyarakat"),
    "intro": _("Bantu kami memperbaiki pelayanan. Survei ini tanpa nama dan hanya butuh satu menit."),
    "about_you": _("Tentang Anda"),
    "service": _("Layanan yang Anda terima"),
    "gender": _("Jenis kelamin"),
    "age": _("Usia (tahun)"),
    "education": _("Pendidikan terakhir"),
    "occupation": _("Pekerjaan"),
    "next": _("Lanjut"),
    "back": _("Kembali"),
    "question_of": _("Pertanyaan %(n)s dari %(total)s"),
    "suggestion": _("Saran atau masukan (boleh dikosongkan)"),
    "suggestion_hint": _("Tulis saran Anda untuk perbaikan pelayanan."),
    "submit": _("Kirim penilaian"),
    "sending": _("Mengirim…"),
    "thanks": _("Terima kasih!"),
    "thanks_sent": _("Penilaian Anda sudah kami terima."),
    "thanks_queued": _("Penilaian Anda tersimpan di perangkat ini dan akan dikirim otomatis saat koneksi kembali."),
    "thanks_reset": _("Formulir akan dikosongkan dalam %(n)s detik."),
    "new_survey": _("Isi survei baru"),
    "pending": _("%(n)s menunggu dikirim"),
    "rejected": _("%(n)s ditolak server"),
    "online": _("Terhubung"),
    "offline": _("Tidak terhubung"),
    "required": _("Wajib diisi"),
    "choose": _("Silakan pilih salah satu"),
    "age_range": _("Isi usia %(min)s sampai %(max)s tahun"),
    "check_answers": _("Mohon periksa kembali isian yang ditandai."),
    "idle": _("Tidak ada aktivitas. Formulir akan dikosongkan dalam %(n)s detik."),
    "continue": _("Lanjutkan mengisi"),
    "loading": _("Memuat formulir…"),
    "unpaired": _("Tablet ini belum terhubung sebagai kios. Buka tautan kios yang diberikan petugas."),
    "unknown_token": _("Kode kios tidak dikenal. Minta tautan kios baru kepada petugas."),
    "revoked": _("Kios ini telah dicabut dan tidak menerima penilaian lagi. Hubungi petugas."),
    "no_form": _("Formulir belum bisa dimuat. Periksa koneksi internet, lalu coba lagi."),
    "retry": _("Coba lagi"),
    "reload": _("Muat ulang halaman"),
    "anonymous": _("Tanpa nama: kami tidak mencatat identitas Anda."),
    # The daily pulse screen (docs/pulse.md).
    "pulse_title": _("Denyut Kepuasan Harian"),
    "pulse_question": _("Bagaimana kepuasan Anda terhadap pelayanan hari ini?"),
    "pulse_hint": _("Sentuh salah satu wajah."),
    "pulse_1": _("Sangat tidak puas"),
    "pulse_2": _("Tidak puas"),
    "pulse_3": _("Puas"),
    "pulse_4": _("Sangat puas"),
    "pulse_thanks": _("Terima kasih atas penilaian Anda!"),
    # Reading aloud, display modes and the assisted switch (kiosk-access.js).
    "read_aloud": _("Bacakan"),
    "no_voice": _("Perangkat ini belum punya suara untuk membacakan dalam bahasa ini. Minta petugas memasang suara, "
                  "atau minta bantuan petugas."),
    "large_text": _("Huruf besar"),
    "high_contrast": _("Kontras tinggi"),
    "assisted": _("Dibantu petugas"),
    "assisted_hint": _("Diisi petugas: centang bila petugas membantu responden mengisi survei ini."),
}


def page_texts() -> dict[str, dict[str, str]]:
    texts = {}
    for language in ("id", "en"):
        with translation.override(language):
            texts[language] = {key: str(text) for key, text in PAGE_TEXTS.items()}
    return texts
