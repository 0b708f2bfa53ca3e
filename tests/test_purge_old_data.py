from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from reports.periods import Period
from reports.selectors import scores_by_unit
from surveys.models import Answer, Response
from surveys.tallies import tallies_differences, tallies_rebuild
from tests.factories import local, sign_in, submit

pytestmark = pytest.mark.django_db


def test_it_deletes_old_raw_responses_and_keeps_the_scores(world, capsys):
    submit(world.unit, world.service, [4] * 9, answered_at=local(2024, 2, 5), suggestion="Lama")
    submit(world.unit, world.service, [2] * 9, answered_at=local(2024, 3, 31, 23))
    kept = submit(world.unit, world.service, [3] * 9, answered_at=local(2024, 4, 1, 8))
    quarter = Period.quarter(2024, 1)
    before = scores_by_unit(unit_ids=[world.unit.id], period=quarter)[world.unit.id].result.ikm_converted

    call_command("purge_old_data", "--before", "2024-04-01")

    assert list(Response.objects.values_list("id", flat=True)) == [kept]
    assert Answer.objects.count() == 9
    assert "2 responses answered before 2024-04-01 deleted" in capsys.readouterr().out
    after = scores_by_unit(unit_ids=[world.unit.id], period=quarter)[world.unit.id]
    assert after.respondents == 2 and after.result.ikm_converted == before == 75
    assert tallies_differences() == []
    tallies_rebuild()  # a rebuild must not wipe the purged days' tallies
    assert scores_by_unit(unit_ids=[world.unit.id], period=quarter)[world.unit.id].respondents == 2


@pytest.mark.parametrize("value, message", [("kemarin", "is not a date"), ("2999-01-01", "in the future")])
def test_it_refuses_a_bad_date(value, message):
    with pytest.raises(CommandError, match=message):
        call_command("purge_old_data", "--before", value)


def test_it_deletes_staff_login_and_lockout_records_past_their_retention(world, settings, capsys):
    """A successful login is kept with address and browser, a failure with the same; both go after
    LOGIN_RECORDS_RETENTION_DAYS (default 90), with or without --before."""
    assert settings.LOGIN_RECORDS_RETENTION_DAYS == 90
    client = Client()
    client.post("/accounts/login/", {"username": "camat", "password": "salah"}, REMOTE_ADDR="10.4.0.1",
                HTTP_USER_AGENT="Tablet lama")
    sign_in(Client(), "camat")
    sign_in(Client(), "operator")
    records = (AccessLog, AccessAttempt, AccessFailureLog)
    assert [model.objects.count() for model in records] == [2, 1, 0]  # axes' failure log is off
    for model in records:  # camat's happened 91 days ago, operator's today
        model.objects.filter(username="camat").update(attempt_time=timezone.now() - timedelta(days=91))
    recent = AccessLog.objects.get(username="operator").pk

    call_command("purge_old_data")

    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent]
    assert not AccessAttempt.objects.exists() and not AccessFailureLog.objects.exists()
    assert "1 logins, 0 failed logins, 1 lockout counters" in capsys.readouterr().out
    settings.LOGIN_RECORDS_RETENTION_DAYS = 0
    call_command("purge_old_data", "--before", "2024-04-01")
    assert not AccessLog.objects.exists()
