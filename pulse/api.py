"""The pulse API (docs/api.md): a kiosk in pulse mode posts one tap; a wall display reads today's counts.
Authentication, JSON reading and error bodies are the kiosk API's own (surveys/api.py)."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from pulse.selectors import pulse_wall_payload
from pulse.services import PulseInvalid, pulse_answer_record, pulse_validate
from surveys.api import ApiError, citizen_language, kiosk_from_request, no_store, read_json
from surveys.kiosk import kiosk_touch, survey_payload
from surveys.models import KioskMode


@csrf_exempt
@require_POST
def pulse_create(request):
    """POST /api/v1/pulse: store one tap; a known key answers 200 with the stored id."""
    try:
        auth, token = kiosk_from_request(request)
        data = read_json(request)
        with citizen_language(data):
            if auth.mode != KioskMode.PULSE:
                raise ApiError(409, _("Kios ini tidak dalam mode denyut harian: kirim survei lengkap ke "
                                      "/api/v1/responses, atau minta petugas mengubah mode kios."),
                               {"kiosk": _("kios dalam mode survei lengkap")})
            try:
                new = pulse_validate(data)
            except PulseInvalid as problem:
                raise ApiError(400, _("Periksa kembali isian Anda."), problem.errors) from None
            answer_id, unit_id, created = pulse_answer_record(new, unit_id=auth.unit_id, kiosk_id=auth.kiosk_id)
            if unit_id != auth.unit_id:
                raise ApiError(409, _("Kunci ini sudah dipakai untuk penilaian lain."),
                               {"key": _("kunci sudah dipakai; buat UUID baru")})
    except ApiError as error:
        return no_store(error.response())
    kiosk_touch(auth=auth, token=token)
    return no_store(JsonResponse({"id": answer_id, "key": str(new.key), "created": created},
                                 status=201 if created else 200))


@csrf_exempt
@require_GET
def pulse_board(request):
    """GET /api/v1/pulse/board: today's counts of the kiosk's unit for the wall display. No personal data."""
    try:
        auth, _token = kiosk_from_request(request)
    except ApiError as error:
        return no_store(error.response())
    return no_store(JsonResponse(pulse_wall_payload(
        unit_id=auth.unit_id, unit_name=survey_payload(unit_id=auth.unit_id)["unit"]["name"])))
