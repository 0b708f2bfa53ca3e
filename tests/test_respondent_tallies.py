"""The response tallies' assisted and with_suggestion counts stay exact through every write, `rebuild_tallies
--check` catches a wrong one, and the dashboard's assisted share and suggestion count read from them equal a
recount of the raw responses, for any period and narrowing."""

import random
import uuid
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.urls import reverse

from reports.periods import Period
from reports.selectors import assisted_share, responses_in_period, suggestions_count
from surveys.models import Response, ResponseMonthTally, ResponseTally
from surveys.services import NewResponse, response_delete, response_exclude, responses_submit_many
from surveys.tallies import tallies_differences
from tests.dashboard_helpers import client_for
from tests.factories import local, submit

pytestmark = pytest.mark.django_db


def month_row(unit, month):
    row = ResponseMonthTally.objects.get(unit=unit, month=month, channel="kiosk")
    return row.count, row.assisted, row.with_suggestion


def test_every_write_keeps_the_counts_equal_to_a_recount(world):
    first = submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 2, 3), assisted=True,
                   suggestion="Antrean terlalu lama")
    submit(world.unit, world.service, [3] * 9, answered_at=local(2026, 2, 4), assisted=True)
    submit(world.unit, world.service, [3] * 9, answered_at=local(2026, 2, 5), suggestion="Ruang tunggu panas")
    submit(world.unit, world.service, [2] * 9, answered_at=local(2026, 2, 6), channel="qr", suggestion="Parkir")
    elements = list(world.unit.questionnaire.elements.order_by("position"))
    responses_submit_many([
        NewResponse(key=uuid.uuid4(), unit_id=world.unit.id, service_id=world.service.id,
                    questionnaire_id=world.unit.questionnaire_id, channel="paper", answered_at=local(2026, 2, 10),
                    answers={element.id: 3 for element in elements}, assisted=n < 2, suggestion="Kertas" * (n % 2))
        for n in range(5)
    ])
    february = date(2026, 2, 1)
    assert month_row(world.unit, february) == (3, 2, 2)
    paper = ResponseMonthTally.objects.get(unit=world.unit, month=february, channel="paper")
    assert (paper.count, paper.assisted, paper.with_suggestion) == (5, 2, 2)
    assert ResponseTally.objects.get(unit=world.unit, day=date(2026, 2, 3), channel="kiosk").assisted == 1
    assert tallies_differences() == []

    response_exclude(Response.objects.get(pk=first), by=world.region_admin)
    assert month_row(world.unit, february) == (2, 1, 1)
    assert tallies_differences() == []
    response_exclude(Response.objects.get(pk=first), by=world.region_admin, excluded=False)
    assert month_row(world.unit, february) == (3, 2, 2)
    response_delete(Response.objects.get(pk=first), by=world.region_admin)
    assert month_row(world.unit, february) == (2, 1, 1)
    assert tallies_differences() == []


def test_a_purge_keeps_the_counts_of_the_purged_days(world):
    submit(world.unit, world.service, [4] * 9, answered_at=local(2024, 2, 5), assisted=True, suggestion="Lama")
    submit(world.unit, world.service, [3] * 9, answered_at=local(2024, 4, 2), suggestion="Baru")
    call_command("purge_old_data", "--before", "2024-04-01")
    assert month_row(world.unit, date(2024, 2, 1)) == (1, 1, 1)
    assert tallies_differences() == []
    call_command("rebuild_tallies", "--check")


@pytest.mark.parametrize("column", ["assisted", "with_suggestion"])
@pytest.mark.parametrize("model", [ResponseTally, ResponseMonthTally])
def test_the_check_reports_a_wrong_count_and_a_rebuild_repairs_it(world, capsys, model, column):
    submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 3, 5), assisted=True, suggestion="Cepat")
    row = model.objects.get(unit=world.unit)
    model.objects.filter(pk=row.pk).update(**{column: 0})
    with pytest.raises(CommandError, match="differ"):
        call_command("rebuild_tallies", "--check")
    assert "respondents" in capsys.readouterr().out
    call_command("rebuild_tallies")
    call_command("rebuild_tallies", "--check")
    assert getattr(model.objects.get(unit=world.unit), column) == 1


def raw_counts(unit_ids, period, **narrowing):
    return responses_in_period(unit_ids=unit_ids, period=period, **narrowing).aggregate(
        total=Count("id"), assisted=Count("id", filter=Q(assisted=True)),
        suggestions=Count("id", filter=~Q(suggestion="")))


def test_random_periods_read_through_the_tallies_equal_the_raw_responses(world):
    rng = random.Random(16)
    units = [world.unit, world.sub_unit, world.other_unit]
    start = date(2026, 1, 1)
    for _ in range(60):
        day = start + timedelta(days=rng.randrange(120))
        submit(rng.choice(units), world.service, [rng.randint(1, 4)] * 9, channel=rng.choice(["kiosk", "qr"]),
               answered_at=local(day.year, day.month, day.day, rng.choice([0, 10, 23])),
               assisted=rng.random() < 0.4, suggestion=rng.choice(["", "", "Lebih cepat"]))
    excluded = Response.objects.order_by("id")[5]
    response_exclude(excluded, by=world.region_admin)
    unit_ids = [unit.id for unit in units]
    for _ in range(25):
        first = start + timedelta(days=rng.randrange(110))
        period = Period.custom(first, first + timedelta(days=rng.randrange(1, 70)))
        for narrowing in ({}, {"channel": "qr"}, {"service_id": world.service.id}):
            raw = raw_counts(unit_ids, period, **narrowing)
            share = assisted_share(unit_ids=unit_ids, period=period, **narrowing)
            assert (share.total, share.assisted) == (raw["total"], raw["assisted"])
            assert suggestions_count(unit_ids=unit_ids, period=period, **narrowing) == raw["suggestions"]


def test_the_region_dashboard_shows_the_recounted_share_and_suggestion_count(world):
    for n in range(7):
        submit(world.unit if n % 2 else world.other_unit, world.service, [3] * 9, answered_at=local(2026, 7, 1 + n),
               assisted=n < 3, suggestion="Saran" if n % 3 else "")
    excluded = submit(world.unit, world.service, [3] * 9, answered_at=local(2026, 8, 1), assisted=True,
                      suggestion="Tidak dihitung")
    response_exclude(Response.objects.get(pk=excluded), by=world.region_admin)
    client = client_for(world.region_admin)
    page = client.get(reverse("reports:region_dashboard", args=[world.region.code]), {"period": "2026-Q3"})
    details = client.get(reverse("reports:region_details", args=[world.region.code]), {"period": "2026-Q3"})
    raw = raw_counts([world.unit.id, world.other_unit.id], Period.quarter(2026, 3))
    assert (raw["total"], raw["assisted"], raw["suggestions"]) == (7, 3, 4)
    assert page.context["suggestion_count"] == raw["suggestions"]
    assert (details.context["assisted"].total, details.context["assisted"].assisted) == (raw["total"], raw["assisted"])
    assert f"Saran ({raw['suggestions']})" in page.content.decode()
