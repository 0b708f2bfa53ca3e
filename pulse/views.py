"""The daily pulse board for a unit's staff, and the wall display for a waiting room's TV."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from agencies.selectors import get_unit_for_user
from pulse.charts import pulse_days_chart
from pulse.models import PulseValue
from pulse.selectors import BOARD_DAYS, pulse_board
from surveys.models import Kiosk, KioskMode

# A TV in the waiting room: fresh enough to see one's own tap, light on the server.
WALL_POLL_SECONDS = 20


@login_required
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


@require_GET
def wall(request):
    """Public page: it reads the kiosk token from the link's fragment and polls GET /api/v1/pulse/board."""
    response = render(request, "pulse/wall.html", {
        "config": {"board": reverse("pulse_api:board"), "poll_seconds": WALL_POLL_SECONDS},
        "faces": PulseValue.choices,
    })
    response["Cache-Control"] = "no-cache"
    return response
