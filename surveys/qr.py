"""The public QR survey: the kiosk's form on a citizen's own phone, with abuse control.

Each page carries a signed form token holding the unit and the time it was served: a submission needs a
token for its unit, not older than FORM_MAX_AGE and not younger than the minimum fill time. A honeypot
field catches simple bots; a client that already had a response stored for the same unit a few minutes ago
gets its next one stored but flagged `suspected_repeat`, so staff can exclude it.
"""

import time

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.api import ApiError, store_response
from surveys.kiosk import unit_form_cached
from surveys.models import Channel
from surveys.ratelimit import (client_rate_limited, public_hit_record, public_hit_stored, repeat_suspected)

FORM_SALT = "surveys.qr-form"
FORM_MAX_AGE = 24 * 60 * 60
MIN_FILL_SECONDS = 8
HONEYPOT = "website"


def form_token_issue(*, unit_code: str) -> str:
    return signing.dumps({"u": unit_code, "t": int(time.time())}, salt=FORM_SALT, compress=True)


def _form_token_check(token, *, unit_code: str) -> None:
    try:
        content = signing.loads(str(token or ""), salt=FORM_SALT)
    except (signing.BadSignature, UnicodeEncodeError):  # the signer encodes the text: half an emoji fails
        raise ApiError(400, _("Formulir tidak sah. Muat ulang halaman, lalu isi lagi."),
                       {"form_token": _("formulir tidak sah")}) from None
    if not isinstance(content, dict) or content.get("u") != unit_code or not isinstance(content.get("t"), int):
        raise ApiError(400, _("Formulir ini untuk unit layanan lain. Pindai kode QR unit ini."),
                       {"form_token": _("formulir untuk unit lain")})
    age = time.time() - content["t"]
    if age > FORM_MAX_AGE:
        raise ApiError(400, _("Halaman sudah terlalu lama dibuka. Muat ulang halaman, lalu isi lagi."),
                       {"form_token": _("halaman kedaluwarsa; muat ulang halaman")})
    if age < getattr(settings, "SKM_QR_MIN_FILL_SECONDS", MIN_FILL_SECONDS):
        raise ApiError(400, _("Terlalu cepat. Mohon baca kembali pertanyaannya, lalu kirim lagi."),
                       {"form_token": _("dikirim terlalu cepat")})


def qr_response_submit(data: dict, *, unit, client: str) -> tuple[int | None, bool, str | None]:
    """Store one QR response. Returns (id, created, key); (None, False, None) when the honeypot was filled,
    which is answered like a success so a bot learns nothing. Raises ApiError for refusals."""
    now = timezone.now()
    hit = public_hit_record(client=client, unit_id=unit.id, now=now)
    if data.get(HONEYPOT):
        return None, False, None
    _form_token_check(data.get("form_token"), unit_code=unit.code)
    repeat = repeat_suspected(client=client, unit_id=unit.id, now=now)
    response_id, created, key = store_response(
        data, form=unit_form_cached(unit_id=unit.id), channel=Channel.QR, suspected_repeat=repeat)
    if created:
        public_hit_stored(hit=hit)
    return response_id, created, key


def qr_rate_check(*, client: str) -> None:
    if client_rate_limited(client=client, now=timezone.now()):
        raise ApiError(429, _("Terlalu banyak kiriman dari jaringan ini. Coba lagi beberapa menit lagi."))
