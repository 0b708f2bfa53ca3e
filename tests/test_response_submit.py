"""The one write path for responses: exactly once per key, tallies kept exact."""

import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from surveys.models import Answer, ElementTally, Response, ResponseTally
from surveys.services import response_delete, response_exclude
from surveys.tallies import tallies_differences, tallies_rebuild
from tests.factories import local, submit

pytestmark = pytest.mark.django_db


def test_it_stores_a_key_once(world):
    key = uuid.uuid4()
    first = submit(world.unit, world.service, [4] * 9, key=key)
    again = submit(world.unit, world.service, [1] * 9, key=key)
    assert first == again
    assert Response.objects.filter(key=key).count() == 1
    assert Answer.objects.filter(response_id=first).count() == 9
    assert sorted(set(Answer.objects.filter(response_id=first).values_list("value", flat=True))) == [4]
    assert ResponseTally.objects.get().count == 1


def test_it_counts_answers_per_day_and_value(world):
    submit(world.unit, world.service, [4, 3, 3, 3, 3, 3, 3, 3, 3], answered_at=local(2026, 3, 2))
    submit(world.unit, world.service, [3, 3, 3, 3, 3, 3, 3, 3, 3], answered_at=local(2026, 3, 2))
    submit(world.unit, world.service, [None, 3, 3, 3, 3, 3, 3, 3, 3], answered_at=local(2026, 3, 3), channel="paper")
    u1 = world.unit.questionnaire.elements.get(code="U1")
    counts = {(row.day.day, row.value): row.count for row in ElementTally.objects.filter(element=u1)}
    assert counts == {(2, 4): 1, (2, 3): 1}
    respondents = {(row.day.day, row.channel): row.count for row in ResponseTally.objects.all()}
    assert respondents == {(2, "kiosk"): 2, (3, "paper"): 1}
    assert tallies_differences() == []


def test_it_files_a_late_evening_answer_under_the_local_day(world):
    # 23:30 in Jakarta is 16:30 UTC the same day; 00:30 local is still the previous day in UTC.
    submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 3, 2, 0).replace(minute=30))
    assert ResponseTally.objects.get().day.isoformat() == "2026-03-02"
    assert tallies_differences() == []


def test_it_takes_excluded_responses_out_of_the_tallies_and_back(world):
    kept = submit(world.unit, world.service, [4] * 9)
    dropped = submit(world.unit, world.service, [1] * 9)
    response = Response.objects.get(pk=dropped)
    response_exclude(response, by=world.region_admin)
    response.refresh_from_db()
    assert response.excluded_by == world.region_admin and response.excluded_at is not None
    assert set(ElementTally.objects.filter(count__gt=0).values_list("value", flat=True)) == {4}
    assert tallies_differences() == []
    response_exclude(response, by=world.region_admin, excluded=False)
    assert set(ElementTally.objects.filter(count__gt=0).values_list("value", flat=True)) == {1, 4}
    assert tallies_differences() == []
    response_delete(Response.objects.get(pk=kept), by=world.region_admin)
    assert set(ElementTally.objects.filter(count__gt=0).values_list("value", flat=True)) == {1}
    assert tallies_differences() == []


def test_rebuild_tallies_check_finds_and_mends_a_drift(world, capsys):
    submit(world.unit, world.service, [4] * 9)
    call_command("rebuild_tallies", "--check")
    ElementTally.objects.filter(value=4).update(count=7)
    with pytest.raises(CommandError, match="differ"):
        call_command("rebuild_tallies", "--check")
    assert "stored 7, recount 1" in capsys.readouterr().out
    tallies_rebuild()
    call_command("rebuild_tallies", "--check")


def test_exclusions_and_deletions_are_audited(world):
    from agencies.models import AuditEvent

    response = Response.objects.get(pk=submit(world.unit, world.service, [4] * 9))
    response_exclude(response, by=world.agency_admin)
    response_delete(response, by=world.region_admin)
    events = list(AuditEvent.objects.order_by("at").values_list("action", "actor__username", "region__code"))
    assert events == [("response_excluded", "camat", "kota-uji"), ("response_deleted", "bagor", "kota-uji")]
