"""The migration that folds ElementMonthTally's per-value rows into one row per element keeps every count,
and its reverse spreads them out again."""

from datetime import date

import pytest

from tests.factories import local, submit
from tests.migration_helpers import migrate_to, migrate_to_latest

BEFORE = ("surveys", "0012_integrity_flags_and_qr_rate_counts")
AFTER = ("surveys", "0013_element_month_tally_value_counts")


# serialized_rollback: like the other transactional tests, leave the data migration's rows for the next ones.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_per_value_rows_fold_into_one_row_per_element_and_back(world):
    submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 2, 3))
    submit(world.unit, world.service, [2] * 8 + [None], answered_at=local(2026, 2, 4))
    submit(world.unit, world.service, [1] * 9, answered_at=local(2026, 3, 4))
    elements = list(world.unit.questionnaire.elements.order_by("position"))
    february = date(2026, 2, 1)
    try:
        old = migrate_to(BEFORE).get_model("surveys", "ElementMonthTally")
        spread = {(row.month, row.element_id, row.value): row.count for row in old.objects.all()}
        assert spread[(february, elements[0].id, 4)] == 1 and spread[(february, elements[0].id, 2)] == 1
        assert (february, elements[8].id, 2) not in spread and len(spread) == 9 + 8 + 9

        new = migrate_to(AFTER).get_model("surveys", "ElementMonthTally")
        folded = {(row.month, row.element_id): (row.count_1, row.count_2, row.count_3, row.count_4)
                  for row in new.objects.all()}
        assert folded[(february, elements[0].id)] == (0, 1, 0, 1)
        assert folded[(february, elements[8].id)] == (0, 0, 0, 1)
        assert folded[(date(2026, 3, 1), elements[4].id)] == (1, 0, 0, 0)
        assert len(folded) == 9 + 9

        again = migrate_to(BEFORE).get_model("surveys", "ElementMonthTally")
        assert {(row.month, row.element_id, row.value): row.count for row in again.objects.all()} == spread
    finally:
        migrate_to_latest()
