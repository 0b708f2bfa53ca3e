"""The public QR survey: the kiosk's form on a citizen's own phone, with abuse control.

Each rendered page carries a one-time form token, signed, holding the unit, the time it was served and a
random nonce: a submission needs a token for its unit, not older than FORM_MAX_AGE and not younger than the
minimum fill time, and consumes it when its response is stored; a second submission with it is refused.
Attempts count per network prefix and hour (surveys.ratelimit). A honeypot field catches simple bots.
"""

import hashlib
import secrets
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.api import ApiError, store_response
from surveys.kiosk import unit_form_cached
from surveys.models import Channel, FormTokenUse, Response
from surveys.ratelimit import client_attempt, rate_limit, seconds_to_next_hour

FORM_SALT = "surveys.qr-form"
# Short-lived: long enough to read and answer the questionnaire on a phone, not to be collected and reused.
FORM_MAX_AGE = 2 * 60 * 60
MIN_FILL_SECONDS = 8
HONEYPOT = "website"


def form_token_issue(*, unit_code: str) -> str:
    return signing.dumps({"u": unit_code, "t": int(time.time()), "n": secrets.token_urlsafe(12)},
                         salt=FORM_SALT, compress=True)


def _form_token_check(token, *, unit_code: str) -> str:
    """The token's nonce, or ApiError 400 saying what is wrong with the form token."""
    try:
        content = signing.loads(str(token or ""), salt=FORM_SALT)
    except (signing.BadSignature, UnicodeEncodeError):  # the signer encodes the text: half an emoji fails
        raise ApiError(400, _("Formulir tidak sah. Muat ulang halaman, lalu isi lagi."),
                       {"form_token": _("formulir tidak sah")}) from None
    if not isinstance(content, dict) or content.get("u") != unit_code or not isinstance(content.get("t"), int):
        raise ApiError(400, _("Formulir ini untuk unit layanan lain. Pindai kode QR unit ini."),
                       {"form_token": _("formulir untuk unit lain")})
    if not isinstance(content.get("n"), str) or not content["n"]:
        raise ApiError(400, _("Formulir tidak sah. Muat ulang halaman, lalu isi lagi."),
                       {"form_token": _("formulir tidak sah")})
    age = time.time() - content["t"]
    if age > FORM_MAX_AGE:
        raise ApiError(400, _("Halaman sudah terlalu lama dibuka. Muat ulang halaman, lalu isi lagi."),
                       {"form_token": _("halaman kedaluwarsa; muat ulang halaman")})
    if age < getattr(settings, "SKM_QR_MIN_FILL_SECONDS", MIN_FILL_SECONDS):
        raise ApiError(400, _("Terlalu cepat. Mohon baca kembali pertanyaannya, lalu kirim lagi."),
                       {"form_token": _("dikirim terlalu cepat")})
    return content["n"]


def _form_token_consume(nonce: str, *, now) -> None:
    """Mark the token used, in the caller's transaction; ApiError 409 when a response already used it."""
    digest = hashlib.sha256(f"{FORM_SALT}|{nonce}".encode()).hexdigest()
    today = timezone.localdate(now)
    FormTokenUse.objects.filter(expires_on__lt=today).delete()
    try:
        with transaction.atomic():
            FormTokenUse.objects.create(digest=digest, expires_on=timezone.localdate(
                now + timedelta(seconds=FORM_MAX_AGE)))
    except IntegrityError:
        raise ApiError(409, _("Formulir ini sudah dipakai untuk satu penilaian. Terima kasih; untuk penilaian "
                              "baru, pindai kode QR lagi."),
                       {"form_token": _("formulir sudah dipakai")}) from None


def qr_response_submit(data: dict, *, unit) -> tuple[int | None, bool, str | None]:
    """Store one QR response. Returns (id, created, key); (None, False, None) when the honeypot was filled,
    which is answered like a success so a bot learns nothing. Raises ApiError for refusals."""
    if data.get(HONEYPOT):
        return None, False, None
    nonce = _form_token_check(data.get("form_token"), unit_code=unit.code)
    with transaction.atomic():
        try:
            _form_token_consume(nonce, now=timezone.now())
        except ApiError:
            # A phone resending the answer it already sent (lost reply) gets its stored response back.
            known = Response.objects.filter(key=str(data.get("key", "")), unit_id=unit.id).values_list(
                "id", flat=True).first() if _is_uuid(data.get("key")) else None
            if known is None:
                raise
            return known, False, str(data["key"])
        return store_response(data, form=unit_form_cached(unit_id=unit.id), channel=Channel.QR)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def qr_attempt_check(*, client: str) -> None:
    """Count this attempt for the client's network; ApiError 429 once the hour's limit is passed."""
    now = timezone.now()
    if client_attempt(client=client, now=now) > rate_limit():
        raise ApiError(429, _("Terlalu banyak kiriman dari jaringan ini. Coba lagi nanti."),
                       retry_after=seconds_to_next_hour(now))
