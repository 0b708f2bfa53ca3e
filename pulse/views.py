"""The daily pulse board for a unit's staff, the region's view of every unit for Bagian Organisasi, and the wall
display for a waiting room's TV."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from agencies.selectors import get_region_for_user, get_unit_for_user, units_for_user
from pulse.charts import pulse_days_chart
from pulse.models import PulseValue
from pulse.selectors import BOARD_DAYS, REGION_RECENT_DAYS, pulse_board, pulse_region_units, pulse_wall_payload
from surveys.models import Kiosk, KioskMode

# A TV in the waiting room: fresh enough to see one's own tap, light on the server.
WALL_POLL_SECONDS = 20


@login_required
@never_cache
@require_GET
def board(request, unit_code: str):
    """Today's counts per face (from zero at local midnight) and the days before it."""
    unit = get_unit_for_user(request.user, unit_code)
    days = pulse_board(unit_id=unit.id)
    return render(request, "pulse/board.html", {
        "unit": unit, "today": days[0], "previous": days[1:], "board_days": BOARD_DAYS,
        "faces": PulseValue.choices, "chart": pulse_days_chart(days=days[::-1]),
        "pulse_kiosks": Kiosk.objects.filter(unit=unit, mode=KioskMode.PULSE, revoked_at__isnull=True)
                                     .order_by("name"),
    })


@login_required
@never_cache
@require_GET
def region(request, region_code: str):
    """Every unit of the region with pulse answers lately: today's and the last days' counts, and the unhappy
    share, so Bagian Organisasi sees where a counter is having a bad day."""
    region = get_region_for_user(request.user, region_code)
    units = units_for_user(request.user).filter(agency__region=region)
    rows = pulse_region_units(units=units)
    return render(request, "pulse/region.html", {
        "region": region, "rows": rows, "recent_days": REGION_RECENT_DAYS,
        "today": sum(row.today for row in rows), "today_unhappy": sum(row.today_unhappy for row in rows),
    })


def _wall_page(request, config: dict):
    response = render(request, "pulse/wall.html", {
        "config": {**config, "poll_seconds": WALL_POLL_SECONDS}, "faces": PulseValue.choices,
    })
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def wall(request):
    """Public page: it reads the kiosk token from the link's fragment and polls GET /api/v1/pulse/board."""
    return _wall_page(request, {"board": reverse("pulse_api:board"), "signed_in": False})


@login_required
@require_GET
def wall_staff(request, unit_code: str):
    """The same display for a signed-in staff member (a screen in the office, or a look before pairing a TV)."""
    unit = get_unit_for_user(request.user, unit_code)
    return _wall_page(request, {"board": reverse("pulse:wall_counts", args=[unit.code]), "signed_in": True})


@login_required
@never_cache
@require_GET
def wall_counts(request, unit_code: str):
    """The wall display's counts for a signed-in staff member: the JSON of GET /api/v1/pulse/board."""
    unit = get_unit_for_user(request.user, unit_code)
    return JsonResponse(pulse_wall_payload(unit_id=unit.id, unit_name=unit.name))
