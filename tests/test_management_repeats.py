"""Responses suspected to be repeats can be taken out of the scores and put back; who did it and when is
kept, and the dashboard's numbers follow at once."""

import pytest
from django.urls import reverse

from agencies.models import AuditEvent
from surveys.models import Response
from tests.dashboard_helpers import by_testid, client_for
from tests.factories import local, submit

pytestmark = pytest.mark.django_db


def dashboard_respondents(world):
    page = client_for(world.agency_admin).get(reverse("reports:unit_dashboard", args=[world.unit.code]),
                                              {"period": "2026-Q2"})
    return by_testid(page.content.decode(), "respondents")


def test_it_lists_the_suspected_repeats_of_the_period_in_scope(world):
    submit(world.unit, world.service, [1] * 9, answered_at=local(2026, 5, 4), suspected_repeat=True,
           suggestion="isian ganda")
    submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 5, 4), suggestion="isian biasa")
    submit(world.other_unit, world.other_unit.services.get(), [1] * 9, answered_at=local(2026, 5, 4),
           suspected_repeat=True, suggestion="dinas lain")

    page = client_for(world.agency_admin).get(reverse("agencies:agency_repeats", args=[world.agency.code]),
                                              {"period": "2026-Q2"})

    rows = by_testid(page.content.decode(), "repeats")
    assert "isian ganda" in rows and "U1 1 U2 1" in rows
    assert "isian biasa" not in rows and "dinas lain" not in rows


def test_it_excludes_and_includes_a_response_recording_who_and_when(world):
    submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 5, 4))
    repeat = submit(world.unit, world.service, [1] * 9, answered_at=local(2026, 5, 4), suspected_repeat=True)
    url = reverse("agencies:agency_repeat_toggle", args=[world.agency.code, repeat])
    client = client_for(world.agency_admin)
    assert dashboard_respondents(world) == "2"

    response = client.post(url, {"exclude": "1", "period": "2026-Q2"})

    assert response.status_code == 302 and response["Location"].endswith("?period=2026-Q2")
    excluded = Response.objects.get(pk=repeat)
    assert excluded.excluded_by == world.agency_admin and excluded.excluded_at is not None
    assert dashboard_respondents(world) == "1"
    listed = by_testid(client.get(response["Location"]).content.decode(), "repeats")
    assert "dikecualikan" in listed and "camat" in listed

    client.post(url, {"exclude": "0", "period": "2026-Q2"})

    assert Response.objects.get(pk=repeat).excluded_at is None
    assert dashboard_respondents(world) == "2"
    assert list(AuditEvent.objects.order_by("at", "id").values_list("action", flat=True)) == [
        AuditEvent.Action.RESPONSE_EXCLUDED, AuditEvent.Action.RESPONSE_INCLUDED]


def test_it_cannot_touch_a_response_outside_the_scope(world):
    foreign = submit(world.other_unit, world.other_unit.services.get(), [1] * 9, suspected_repeat=True)

    response = client_for(world.agency_admin).post(
        reverse("agencies:agency_repeat_toggle", args=[world.agency.code, foreign]), {"exclude": "1"})

    assert response.status_code == 404
    assert Response.objects.get(pk=foreign).excluded_at is None
