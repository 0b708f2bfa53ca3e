"""The migration that adds the assisted and with_suggestion counts to the response tallies fills them from the
existing responses, day and month rows alike."""

from datetime import date

import pytest

from surveys.models import Response
from surveys.services import response_exclude
from tests.factories import local, submit
from tests.migration_helpers import migrate_to, migrate_to_latest

BEFORE = ("surveys", "0014_unit_data_version")
AFTER = ("surveys", "0015_response_tally_assisted_and_suggestion_counts")


def counts(apps, model, date_field):
    return {(row.unit_id, getattr(row, date_field), row.channel): (row.count, row.assisted, row.with_suggestion)
            for row in apps.get_model("surveys", model).objects.all()}


# serialized_rollback: like the other transactional tests, leave the data migration's rows for the next ones.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_counts_are_filled_from_the_responses(world):
    submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 2, 3), assisted=True, suggestion="Cepat")
    submit(world.unit, world.service, [3] * 9, answered_at=local(2026, 2, 3, 23), suggestion="Ramah")
    submit(world.unit, world.service, [3] * 9, answered_at=local(2026, 2, 20), assisted=True)
    submit(world.other_unit, world.service, [2] * 9, answered_at=local(2026, 3, 1), channel="qr", suggestion="Bersih")
    excluded = submit(world.unit, world.service, [1] * 9, answered_at=local(2026, 2, 4), assisted=True,
                      suggestion="Tidak dihitung")
    response_exclude(Response.objects.get(pk=excluded), by=world.region_admin)
    try:
        migrate_to(BEFORE)
        new = migrate_to(AFTER)
        days = counts(new, "ResponseTally", "day")
        months = counts(new, "ResponseMonthTally", "month")
        assert days[(world.unit.id, date(2026, 2, 3), "kiosk")] == (2, 1, 2)
        assert days[(world.unit.id, date(2026, 2, 20), "kiosk")] == (1, 1, 0)
        assert days[(world.unit.id, date(2026, 2, 4), "kiosk")] == (0, 0, 0)
        assert months[(world.unit.id, date(2026, 2, 1), "kiosk")] == (3, 2, 2)
        assert months[(world.other_unit.id, date(2026, 3, 1), "qr")] == (1, 0, 1)
    finally:
        migrate_to_latest()
