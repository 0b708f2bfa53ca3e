"""The dashboard's 95% confidence interval and its verdict on the change against the previous period, on
constructed data: the numbers are reports.ikm's, and a change is called significant only beyond the noise."""

import pytest
from django.urls import reverse

from agencies.models import ServiceUnit
from reports.ikm import change_is_significant, ikm_confidence_interval
from reports.periods import Period
from reports.selectors import scores_by_unit, scores_change
from surveys.models import Questionnaire
from tests.dashboard_helpers import by_testid, client_for, text
from tests.factories import local, make_service, submit

pytestmark = pytest.mark.django_db


def answer(unit, service, rows, month):
    for number, row in enumerate(rows):
        submit(unit, service, row, answered_at=local(2026, month, 1 + number % 28))


def page(world, period):
    response = client_for(world.operator).get(reverse("reports:unit_dashboard", args=[world.unit.code]),
                                              {"period": period})
    return response.content.decode()


def spread(low, high, count):
    """count respondents alternating between all-`low` and all-`high` answers."""
    return [[low if number % 2 else high] * 9 for number in range(count)]


def test_it_shows_the_engines_confidence_interval(world):
    answer(world.unit, world.service, spread(3, 4, 10) + [[2, 3, 4, 3, 2, 3, 4, 3, 2]], month=5)
    scores = scores_by_unit(unit_ids=[world.unit.id], period=Period.quarter(2026, 2))[world.unit.id]
    low, high = ikm_confidence_interval(scores.element_value_counts, scores.questionnaire.rules)

    shown = text(page(world, "2026-Q2"))

    assert low < scores.result.ikm_converted < high
    assert f"Selang kepercayaan 95%: {low:.2f} – {high:.2f}".replace(".", ",") in shown


def test_it_calls_a_large_change_on_large_samples_significant(world):
    answer(world.unit, world.service, spread(2, 3, 40), month=2)
    answer(world.unit, world.service, spread(3, 4, 40), month=5)

    change = by_testid(page(world, "2026-Q2"), "change")
    shown = text(page(world, "2026-Q2"))

    assert change.startswith("▲ +25,00 dibanding Triwulan I 2026 (62,50)")
    assert "Perubahan ini lebih besar dari ketidakpastian sampel (bermakna)." in shown


def test_it_calls_a_small_change_on_small_samples_noise(world):
    answer(world.unit, world.service, spread(3, 4, 6), month=2)
    answer(world.unit, world.service, spread(3, 4, 5) + [[3] * 9] * 2, month=5)

    change = by_testid(page(world, "2026-Q2"), "change")
    shown = text(page(world, "2026-Q2"))

    assert change.startswith("▼ -1,79 dibanding Triwulan I 2026 (87,50)")
    assert "Perubahan ini masih dalam batas ketidakpastian sampel (belum bermakna)." in shown


def test_it_agrees_with_the_engine_on_the_verdict(world):
    answer(world.unit, world.service, spread(3, 4, 12), month=2)
    answer(world.unit, world.service, spread(3, 4, 8) + spread(4, 4, 4), month=5)
    now, before = (scores_by_unit(unit_ids=[world.unit.id], period=Period.quarter(2026, quarter))[world.unit.id]
                   for quarter in (2, 1))

    change = scores_change(current=now, previous=before)

    assert change.significant == change_is_significant(now.element_value_counts, before.element_value_counts,
                                                       now.questionnaire.rules)
    assert change.delta == now.result.ikm_converted - before.result.ikm_converted


def test_it_compares_nothing_without_a_previous_result(world):
    answer(world.unit, world.service, spread(3, 4, 4), month=5)

    shown = text(page(world, "2026-Q2"))

    assert "Belum ada nilai Triwulan I 2026 untuk dibandingkan." in shown


def test_it_does_not_compare_results_of_different_questionnaires(world):
    old = Questionnaire.objects.get(code="kepmenpan-25-2004")
    answer(world.unit, world.service, spread(3, 4, 4), month=5)
    ServiceUnit.objects.filter(pk=world.unit.pk).update(questionnaire=old)
    world.unit.refresh_from_db()
    answer(world.unit, make_service(world.unit), [[3] * 14] * 4, month=8)
    now, before = (scores_by_unit(unit_ids=[world.unit.id], period=Period.quarter(2026, quarter))[world.unit.id]
                   for quarter in (3, 2))

    assert scores_change(current=now, previous=before) is None
