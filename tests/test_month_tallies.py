"""The month tallies stay exact through every write, the check catches a corrupted row, and any period read
through them (whole months from the month tallies, edge days from the day level) equals a recount of the raw
answers."""

import random
import uuid
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from reports.periods import Period
from reports.selectors import (
    _month_split, pooled_scores, respondent_profile, respondents_by_channel, respondents_by_service,
    responses_in_period, scores_by_quarter, scores_by_unit,
)
from surveys.models import Answer, ElementMonthTally, ProfileMonthTally, Response, ResponseMonthTally
from surveys.services import NewResponse, response_delete, response_exclude, responses_submit_many
from surveys.tallies import age_band, tallies_differences
from tests.factories import local, make_service, submit

pytestmark = pytest.mark.django_db


def test_every_write_keeps_the_month_tallies_equal_to_a_recount(world):
    first = submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 1, 31, 23), gender="P", age=19)
    submit(world.unit, world.service, [3] * 8 + [None], answered_at=local(2026, 2, 1, 0), channel="qr", age=45)
    elements = list(world.unit.questionnaire.elements.order_by("position"))
    responses_submit_many([
        NewResponse(key=uuid.uuid4(), unit_id=world.unit.id, service_id=world.service.id,
                    questionnaire_id=world.unit.questionnaire_id, channel="paper", answered_at=local(2026, 2, 10),
                    answers={element.id: 2 for element in elements}, education="S1")
        for _ in range(3)
    ])
    january, february = date(2026, 1, 1), date(2026, 2, 1)
    assert ResponseMonthTally.objects.get(unit=world.unit, month=january).count == 1
    assert ElementMonthTally.objects.get(unit=world.unit, month=february, element=elements[0]).count_2 == 3
    assert ProfileMonthTally.objects.get(unit=world.unit, month=january, question="age", answer="< 20").count == 1
    assert ProfileMonthTally.objects.get(unit=world.unit, month=february, question="age", answer="").count == 3
    assert tallies_differences() == []

    response_exclude(Response.objects.get(pk=first), by=world.region_admin)
    assert ResponseMonthTally.objects.get(unit=world.unit, month=january).count == 0
    assert tallies_differences() == []
    response_exclude(Response.objects.get(pk=first), by=world.region_admin, excluded=False)
    assert tallies_differences() == []
    response_delete(Response.objects.filter(channel="paper").first(), by=world.region_admin)
    assert ElementMonthTally.objects.get(unit=world.unit, month=february, element=elements[0]).count_2 == 2
    assert tallies_differences() == []


@pytest.mark.parametrize("model", [ElementMonthTally, ResponseMonthTally, ProfileMonthTally])
def test_the_check_reports_a_corrupted_month_row_and_a_rebuild_repairs_it(world, capsys, model):
    submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 3, 5), gender="L", age=33)
    row = model.objects.filter(unit=world.unit).first()
    key = {name: getattr(row, name) for name in model._meta.constraints[0].fields}
    column = "count_4" if model is ElementMonthTally else "count"  # the value every answer gave
    model.objects.filter(pk=row.pk).update(**{column: getattr(row, column) + 1})
    with pytest.raises(CommandError, match="differ"):
        call_command("rebuild_tallies", "--check")
    assert "by month" in capsys.readouterr().out
    call_command("rebuild_tallies")
    call_command("rebuild_tallies", "--check")
    assert getattr(model.objects.get(**key), column) == getattr(row, column)


def test_the_month_split_covers_every_day_once():
    generator = random.Random(7)
    for _ in range(300):
        start = date(2025, 1, 1) + timedelta(days=generator.randrange(500))
        period = Period.custom(start, start + timedelta(days=generator.randrange(200)))
        whole, edges = _month_split(period)
        days = [edge.start + timedelta(days=i) for edge in edges for i in range(edge.days)]
        if whole:
            day = whole[0]
            while day <= whole[1]:
                assert day.day == 1
                following = (day + timedelta(days=31)).replace(day=1)
                days += [day + timedelta(days=i) for i in range((following - day).days)]
                day = following
        assert sorted(days) == [period.start + timedelta(days=i) for i in range(period.days)]


def raw_scores(unit_ids, period):
    """Respondents and answer counts per unit straight from the raw responses and answers."""
    responses = responses_in_period(unit_ids=unit_ids, period=period)
    respondents = dict(responses.order_by().values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n"))
    counts = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))
    rows = (Answer.objects.filter(response__in=responses).values("response__unit_id", "element_id", "value")
            .annotate(n=Count("id")))
    for row in rows:
        counts[row["response__unit_id"]][row["element_id"]][row["value"] - 1] = row["n"]
    return respondents, {unit_id: {element_id: tuple(values) for element_id, values in found.items()}
                         for unit_id, found in counts.items()}


def test_random_periods_read_through_the_months_equal_the_raw_answers(world):
    generator = random.Random(2026)
    units = [world.unit, world.sub_unit, world.other_unit]
    services = {unit.id: [unit.services.first(), make_service(unit, f"Lain {unit.code}")] for unit in units}
    for _ in range(160):
        unit = generator.choice(units)
        day = date(2025, 11, 1) + timedelta(days=generator.randrange(150))
        hour = generator.choice([0, 8, 13, 23])  # local midnight edges of days and months
        submit(unit, generator.choice(services[unit.id]), [generator.choice([1, 2, 3, 4, None]) for _ in range(9)],
               answered_at=local(day.year, day.month, day.day, hour), channel=generator.choice(["kiosk", "qr"]),
               gender=generator.choice(["", "L", "P"]), age=generator.choice([None, 17, 25, 64]))
    for response in Response.objects.order_by("?")[:15]:
        response_exclude(response, by=world.region_admin)
    unit_ids = [unit.id for unit in units]
    for _ in range(12):
        start = date(2025, 10, 20) + timedelta(days=generator.randrange(120))
        period = Period.custom(start, start + timedelta(days=generator.randrange(10, 110)))
        respondents, counts = raw_scores(unit_ids, period)
        read = scores_by_unit(unit_ids=unit_ids, period=period)
        assert {unit_id: scores.respondents for unit_id, scores in read.items()} == respondents, period
        assert {unit_id: scores.value_counts for unit_id, scores in read.items()} == counts, period
        pooled = pooled_scores(unit_ids=unit_ids, period=period)
        assert sum(scores.respondents for scores in pooled) == sum(respondents.values())
        raw = responses_in_period(unit_ids=unit_ids, period=period)
        assert respondents_by_channel(unit_ids=unit_ids, period=period) == dict(
            raw.order_by().values("channel").annotate(n=Count("id")).values_list("channel", "n"))
        assert respondents_by_service(unit_ids=unit_ids, period=period) == dict(
            raw.order_by().values("service_id").annotate(n=Count("id")).values_list("service_id", "n"))
        profile = respondent_profile(unit_ids=unit_ids, period=period)
        assert profile["age"] == Counter(age_band(age) for age in raw.values_list("age", flat=True))
        assert profile["gender"] == dict(raw.order_by().values("gender").annotate(n=Count("id"))
                                         .values_list("gender", "n"))
    quarters = [Period.quarter(2025, 4), Period.quarter(2026, 1), Period.quarter(2026, 2)]
    by_quarter = scores_by_quarter(unit_ids=unit_ids, quarters=quarters,
                                   questionnaire_id=world.unit.questionnaire_id)
    for quarter in quarters:
        respondents, counts = raw_scores(unit_ids, quarter)
        if not respondents:
            assert quarter not in by_quarter
            continue
        pooled_counts = defaultdict(lambda: [0, 0, 0, 0])
        for per_element in counts.values():
            for element_id, values in per_element.items():
                pooled_counts[element_id] = [a + b for a, b in zip(pooled_counts[element_id], values, strict=True)]
        assert by_quarter[quarter].respondents == sum(respondents.values())
        assert by_quarter[quarter].value_counts == dict(pooled_counts)
    assert tallies_differences() == []


def test_a_large_import_in_one_write_keeps_every_tally_exact(world):
    """Hundreds of responses over many days in one call: the tallies take the array form on PostgreSQL."""
    elements = list(world.unit.questionnaire.elements.order_by("position"))
    generator = random.Random(5)
    stored = responses_submit_many([
        NewResponse(key=uuid.uuid4(), unit_id=world.unit.id, service_id=world.service.id,
                    questionnaire_id=world.unit.questionnaire_id, channel=generator.choice(["paper", "kiosk"]),
                    answered_at=local(2026, 1 + n % 6, 1 + n % 28, generator.choice([0, 12, 23])),
                    answers={element.id: generator.randint(1, 4) for element in elements}, age=n % 70 + 10)
        for n in range(400)
    ], batch_size=400)
    assert stored == 400
    assert sum(ResponseMonthTally.objects.filter(unit=world.unit).values_list("count", flat=True)) == 400
    assert tallies_differences() == []
