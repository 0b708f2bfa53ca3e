"""The kiosk API (docs/api.md). A kiosk authenticates with `Authorization: Kiosk <token>`; no cookies, no CSRF.

Every answer is JSON: {"detail": message} and, for bad input, {"errors": {field path: message}}, in the
citizen's language (the body's `lang`, else Accept-Language).
"""

import json
from contextlib import nullcontext

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from surveys.kiosk import kiosk_authenticate, kiosk_touch, survey_payload, unit_form_cached
from surveys.integrity import kiosk_door_flag, kiosk_flood_wait
from surveys.models import Channel, Response
from surveys.services import response_submit
from surveys.validation import ResponseInvalid, response_validate

BODY_LIMIT = 16 * 1024


class ApiError(Exception):
    def __init__(self, status: int, detail: str, errors: dict[str, str] | None = None, retry_after: int = 0):
        super().__init__(detail)
        self.status, self.detail, self.errors, self.retry_after = status, detail, errors, retry_after

    def response(self) -> JsonResponse:
        body = {"detail": self.detail}
        if self.errors:
            body["errors"] = self.errors
        response = JsonResponse(body, status=self.status)
        if self.status == 401:
            response["WWW-Authenticate"] = "Kiosk"
        if self.retry_after:
            response["Retry-After"] = str(self.retry_after)
        return response


def read_json(request) -> dict:
    """The request's JSON object, or ApiError 413 (too big), 415 (not JSON) or 400 (malformed)."""
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise ApiError(415, _("Kirim isian sebagai JSON (Content-Type: application/json)."),
                       {"body": _("jenis isi harus application/json")})
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    too_big = ApiError(413, _("Isian terlalu besar."),
                       {"body": _("paling banyak %(n)s bita") % {"n": BODY_LIMIT}})
    if declared > BODY_LIMIT:
        raise too_big
    # Read one byte past the limit instead of trusting the header.
    raw = request.read(BODY_LIMIT + 1) if declared else _unsized_body(request)
    if len(raw) > BODY_LIMIT:
        raise too_big
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        raise ApiError(400, _("Isian bukan JSON yang sah."), {"body": _("JSON tidak sah")}) from None
    if not isinstance(data, dict):
        raise ApiError(400, _("Isian harus berupa objek JSON."), {"body": _("isian harus berupa objek JSON")})
    return data


def _unsized_body(request) -> bytes:
    """A body sent without Content-Length (Transfer-Encoding: chunked). Django reads nothing then; a server that
    decodes chunks and ends the stream (gunicorn sets wsgi.input_terminated) lets us read it up to the limit.
    Any other server: 411, so the client sends Content-Length instead of having its answer read as empty."""
    if "chunked" not in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
        return b""
    if not request.META.get("wsgi.input_terminated"):
        raise ApiError(411, _("Kirim isian dengan Content-Length (server ini tidak membaca isian chunked)."),
                       {"body": _("Content-Length diperlukan")})
    return request.META["wsgi.input"].read(BODY_LIMIT + 1)


def citizen_language(data: dict):
    """Answer in the language the kiosk shows, when it says so; otherwise Accept-Language already applies."""
    lang = data.get("lang")
    if isinstance(lang, str) and lang in dict(settings.LANGUAGES):
        return translation.override(lang)
    return nullcontext()


def store_response(data: dict, *, form, channel: str, **extra) -> tuple[int, bool, str]:
    """Validate and store one response; ApiError 400 with every field problem, 409 for a key that belongs
    to another unit's response."""
    try:
        new = response_validate(data, form=form, channel=channel)
    except ResponseInvalid as problem:
        raise ApiError(400, _("Periksa kembali isian Anda."), problem.errors) from None
    for name, value in extra.items():
        setattr(new, name, value)
    if new.kiosk_id is not None:
        new.flag = kiosk_door_flag(kiosk_id=new.kiosk_id, answered_at=new.answered_at,
                                   min_interval=form.kiosk_min_interval, ceiling=form.kiosk_hourly_ceiling)
    response_id, created = response_submit(new)
    if not created and not Response.objects.filter(pk=response_id, unit_id=form.unit_id).exists():
        raise ApiError(409, _("Kunci ini sudah dipakai untuk penilaian lain."),
                       {"key": _("kunci sudah dipakai; buat UUID baru")})
    return response_id, created, str(new.key)


def kiosk_from_request(request):
    """The authenticated kiosk and its token, or ApiError 401 (missing/unknown) or 403 (revoked)."""
    scheme, _sep, token = request.META.get("HTTP_AUTHORIZATION", "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "kiosk" or not token:
        raise ApiError(401, _("Kios belum terhubung: kirim header Authorization: Kiosk <token>."))
    auth = kiosk_authenticate(token=token)
    if auth is None:
        raise ApiError(401, _("Kode kios tidak dikenal. Minta tautan kios baru kepada petugas."))
    if auth.revoked:
        raise ApiError(403, _("Kios ini telah dicabut dan tidak menerima penilaian lagi. Hubungi petugas."))
    if not auth.unit_active:
        raise ApiError(403, _("Unit layanan kios ini sedang tidak aktif. Hubungi petugas."))
    return auth, token


def no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_GET
def kiosk_detail(request):
    """GET /api/v1/kiosk: what an offline kiosk caches to show the form."""
    try:
        auth, token = kiosk_from_request(request)
    except ApiError as error:
        return no_store(error.response())
    kiosk_touch(auth=auth, token=token)
    payload = {**survey_payload(unit_id=auth.unit_id), "kiosk": {"name": auth.name, "read_aloud": auth.read_aloud}, "mode": auth.mode}
    return no_store(JsonResponse(payload))


@csrf_exempt
@require_POST
def response_create(request):
    """POST /api/v1/responses: store one survey; a known key answers 200 with the stored id."""
    try:
        auth, token = kiosk_from_request(request)
        wait = kiosk_flood_wait(kiosk_id=auth.kiosk_id)
        if wait:
            raise ApiError(429, _("Terlalu banyak kiriman sekaligus dari kios ini. Kios akan mengirim ulang "
                                  "setelah %(n)s detik.") % {"n": wait}, retry_after=wait)
        data = read_json(request)
        with citizen_language(data):
            response_id, created, key = store_response(
                data, form=unit_form_cached(unit_id=auth.unit_id), channel=Channel.KIOSK, kiosk_id=auth.kiosk_id)
    except ApiError as error:
        return no_store(error.response())
    kiosk_touch(auth=auth, token=token)
    return no_store(JsonResponse({"id": response_id, "key": key, "created": created},
                                 status=201 if created else 200))
