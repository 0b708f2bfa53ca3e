"""Citizen pages (kiosk, QR survey) and the staff pages that pair kiosks and print QR posters."""

from functools import lru_cache
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.models import Service, ServiceUnit
from agencies.selectors import get_unit_for_user
from surveys.api import ApiError, citizen_language, read_json
from surveys.forms import KioskCreateForm
from surveys.kiosk import (kiosk_create, kiosk_link, kiosk_mode_set, kiosk_read_aloud_set, kiosk_revoke, page_texts,
                           survey_payload)
from surveys.models import Kiosk, KioskMode
from surveys.poster import poster_pdf, qr_svg
from surveys.qr import HONEYPOT, form_token_issue, qr_attempt_check, qr_response_submit
from surveys.ratelimit import client_hash, client_ip


def _survey_page(request, config: dict):
    response = render(request, "surveys/kiosk.html", {
        "config": config, "texts": page_texts(), "public": config["mode"] == "public", "honeypot": HONEYPOT,
    })
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def kiosk_page(request):
    """The kiosk app. It reads its token from the link's fragment and talks to the API only."""
    return _survey_page(request, {
        "mode": "kiosk",
        "api": {"kiosk": reverse("surveys:api_kiosk"), "responses": reverse("surveys:api_responses"),
                "pulse": reverse("pulse_api:create")},
        "sw": reverse("surveys:kiosk_sw"), "scope": reverse("surveys:kiosk"),
    })


@lru_cache(maxsize=1)
def _service_worker_source() -> bytes:
    return Path(finders.find("surveys/sw.js")).read_bytes()


@require_GET
def kiosk_service_worker(request):
    """The service worker, served under /kiosk/ so that its scope covers the kiosk page."""
    response = HttpResponse(_service_worker_source(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("surveys:kiosk")
    return response


def _public_unit(unit_code: str) -> ServiceUnit:
    return get_object_or_404(ServiceUnit.objects.filter(is_active=True, agency__is_active=True), code=unit_code)


@csrf_exempt  # anonymous JSON submission: no session is read or changed, so there is nothing to forge
@never_cache
@require_http_methods(["GET", "POST"])
def qr_survey(request, unit_code: str, service_id: int | None = None):
    """GET: the survey form for a citizen's phone (the kiosk's form). POST: store one answer as JSON."""
    unit = _public_unit(unit_code)
    if request.method == "POST":
        return _qr_submit(request, unit)
    if service_id is not None:
        get_object_or_404(Service, pk=service_id, unit=unit, is_active=True)
    return _survey_page(request, {
        "mode": "public", "submit": reverse("surveys:qr", args=[unit.code]),
        "payload": survey_payload(unit_id=unit.id), "service": service_id,
        "form_token": form_token_issue(unit_code=unit.code),
    })


def _qr_submit(request, unit):
    try:
        qr_attempt_check(client=client_hash(ip=client_ip(request), now=timezone.now()))
        data = read_json(request)
        with citizen_language(data):
            response_id, created, key = qr_response_submit(data, unit=unit)
    except ApiError as error:
        return error.response()
    if response_id is None:
        return JsonResponse({"detail": _("Terima kasih.")}, status=202)
    return JsonResponse({"id": response_id, "key": key, "created": created}, status=201 if created else 200)


def _public_links(request, unit) -> list[dict]:
    """The unit's public survey link and one per active service, each with its QR code."""
    links = [{"service": None, "url": request.build_absolute_uri(reverse("surveys:qr", args=[unit.code]))}]
    for service in unit.services.filter(is_active=True).order_by("name"):
        links.append({"service": service, "url": request.build_absolute_uri(
            reverse("surveys:qr_service", args=[unit.code, service.id]))})
    for link in links:
        link["qr"] = qr_svg(link["url"], scale=3)
    return links


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def kiosk_list(request, unit_code: str):
    """A unit's kiosks: register one (its link and QR code are shown once), see when each was last seen,
    revoke one; and the unit's public QR links and posters."""
    unit = get_unit_for_user(request.user, unit_code)
    created = None
    form = KioskCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kiosk, token = kiosk_create(unit=unit, name=form.cleaned_data["name"], by=request.user,
                                    mode=form.cleaned_data["mode"])
        link = kiosk_link(base_url=request.build_absolute_uri("/"), token=token)
        created = {"kiosk": kiosk, "link": link, "token": token, "qr": qr_svg(link, scale=5),
                   "wall": request.build_absolute_uri(reverse("pulse:wall")) + "#" + token}
        form = KioskCreateForm()
    return render(request, "surveys/kiosk_list.html", {
        "unit": unit, "form": form, "created": created,
        "kiosks": Kiosk.objects.filter(unit=unit).order_by("revoked_at", "name"),
        "modes": KioskMode.choices,
        "links": _public_links(request, unit),
    })


@login_required
@require_POST
def kiosk_revoke_view(request, unit_code: str, kiosk_id: int):
    unit = get_unit_for_user(request.user, unit_code)
    kiosk = get_object_or_404(Kiosk, pk=kiosk_id, unit=unit)
    kiosk_revoke(kiosk=kiosk)
    messages.success(request, _("Kios “%(name)s” dicabut; kiriman berikutnya darinya ditolak.")
                     % {"name": kiosk.name})
    return redirect("surveys:kiosks", unit_code=unit.code)


@login_required
@require_POST
def kiosk_mode_view(request, unit_code: str, kiosk_id: int):
    """Switch a kiosk between the full survey and the daily pulse (audited)."""
    unit = get_unit_for_user(request.user, unit_code)
    kiosk = get_object_or_404(Kiosk, pk=kiosk_id, unit=unit, revoked_at__isnull=True)
    mode = request.POST.get("mode", "")
    if mode not in KioskMode.values:
        messages.error(request, _("Pilih mode kios: survei lengkap atau denyut harian."))
    else:
        kiosk_mode_set(kiosk=kiosk, mode=mode, by=request.user)
        messages.success(request, _("Kios “%(name)s” kini dalam mode %(mode)s. Tablet yang sedang tidak "
                                    "dipakai beralih dalam satu menit.")
                         % {"name": kiosk.name, "mode": KioskMode(mode).label})
    return redirect("surveys:kiosks", unit_code=unit.code)


@login_required
@require_POST
def kiosk_read_aloud_view(request, unit_code: str, kiosk_id: int):
    """Turn on or off reading every question aloud on arrival at one kiosk."""
    unit = get_unit_for_user(request.user, unit_code)
    kiosk = get_object_or_404(Kiosk, pk=kiosk_id, unit=unit, revoked_at__isnull=True)
    read_aloud = request.POST.get("read_aloud") == "1"
    kiosk_read_aloud_set(kiosk=kiosk, read_aloud=read_aloud)
    messages.success(request, (_("Kios “%(name)s” kini membacakan setiap pertanyaan.") if read_aloud else
                               _("Kios “%(name)s” tidak lagi membacakan pertanyaan dengan sendirinya."))
                     % {"name": kiosk.name})
    return redirect("surveys:kiosks", unit_code=unit.code)


@login_required
@require_GET
def qr_poster(request, unit_code: str):
    """The A4 poster PDF with the QR code of the unit's (or, with ?service=, one service's) survey link."""
    unit = get_unit_for_user(request.user, unit_code)
    service = None
    service_id = request.GET.get("service", "")
    if service_id:
        if not (service_id.isascii() and service_id.isdigit() and len(service_id) < 12):
            raise Http404
        service = get_object_or_404(Service, pk=int(service_id), unit=unit, is_active=True)
        url = request.build_absolute_uri(reverse("surveys:qr_service", args=[unit.code, service.id]))
    else:
        url = request.build_absolute_uri(reverse("surveys:qr", args=[unit.code]))
    pdf = poster_pdf(unit=unit, url=url, service=service)
    name = f"poster-skm-{unit.code}{f'-{service.id}' if service else ''}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
