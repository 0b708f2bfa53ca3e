import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.periods import Period
from reports.selectors import scores_by_unit
from surveys.models import Answer, Response
from surveys.tallies import tallies_differences, tallies_rebuild
from tests.factories import local, submit

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
