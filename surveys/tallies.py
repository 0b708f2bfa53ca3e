"""Keeping the tallies exact: every write to responses goes through here.

Day level (ElementTally, ResponseTally) per unit, service, questionnaire, local day and channel; month level
(ElementMonthTally, ResponseMonthTally, ProfileMonthTally) for period-wide reads, which take whole months from
there and a period's partial edge months from the day level. All are updated in the writer's transaction."""

from collections import Counter
from collections.abc import Iterable
from datetime import date

from django.db import connection, transaction
from django.db.models import Case, CharField, Count, F, Q, Sum, Value, When
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from agencies.models import Region, ServiceUnit
from agencies.zones import unit_zones, zone
from surveys import official
from surveys.data_versions import units_data_changed
from surveys.models import (
    Answer, ElementMonthTally, ElementTally, ProfileMonthTally, Response, ResponseMonthTally, ResponseTally,
    RetentionPurge,
)

ELEMENT_KEY = ("unit_id", "service_id", "questionnaire_id", "day", "channel", "element_id", "value")
RESPONSE_KEY = ("unit_id", "service_id", "questionnaire_id", "day", "channel")
ELEMENT_MONTH_KEY = ("unit_id", "questionnaire_id", "month", "element_id")  # plus count_1..count_4
RESPONSE_MONTH_KEY = ("unit_id", "service_id", "questionnaire_id", "month", "channel")
PROFILE_MONTH_KEY = ("unit_id", "month", "question", "answer")
PROFILE_QUESTIONS = ("gender", "age", "education", "occupation")
CHUNK = 500
ARRAYS_FROM = 2000  # parameters; PostgreSQL takes at most 65,535 in one statement


def month_of(day: date) -> date:
    return day.replace(day=1)


def age_band(age: int | None) -> str:
    """The label of official.AGE_BANDS an age falls in ("" when not given)."""
    if age is None:
        return ""
    return next(label for low, label in reversed(official.AGE_BANDS) if age >= low)


def age_band_expression():
    """age_band in SQL."""
    return Case(*[When(age__gte=low, then=Value(label)) for low, label in reversed(official.AGE_BANDS)],
                default=Value(""), output_field=CharField())


def count_columns(model) -> tuple[str, ...]:
    """The columns a tally adds up: `count`, ElementMonthTally's count_1..count_4, or the response tallies'
    count, assisted and with_suggestion. Deltas of a tally with several are keyed (..., column number from 1)."""
    return getattr(model, "COUNTS", ("count",))


def by_value(deltas: Counter, width: int = 4) -> dict[tuple, tuple[int, ...]]:
    """Deltas keyed (..., column number) as rows keyed (...) with the deltas of each of `width` columns
    (ElementMonthTally: the number is the value 1..4)."""
    rows = {}
    for (*key, value), delta in deltas.items():
        rows.setdefault(tuple(key), [0] * width)[value - 1] += delta
    return {key: tuple(counts) for key, counts in rows.items()}


def _sorted_rows(model, deltas: Counter) -> list[tuple]:
    # A fixed order of rows means concurrent transactions lock them in the same order: no deadlock.
    width = len(count_columns(model))
    if width > 1:
        return [(*key, *counts) for key, counts in sorted(by_value(deltas, width).items()) if any(counts)]
    return [(*key, delta) for key, delta in sorted(deltas.items()) if delta]


def _added(table: str, model) -> str:
    return ", ".join(f"{name} = {table}.{name} + EXCLUDED.{name}" for name in count_columns(model))


def _upsert(model, key_columns, deltas: Counter):
    """Add each delta to its tally row in one statement per chunk (INSERT .. ON CONFLICT .. DO UPDATE).

    ElementMonthTally's deltas are keyed (..., value) like ElementTally's and go into its count_<value>."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = (*key_columns, *count_columns(model))
    conflict = ", ".join(key_columns)
    items = _sorted_rows(model, deltas)
    for start in range(0, len(items), CHUNK):
        chunk = items[start:start + CHUNK]
        row = "(" + ", ".join(["%s"] * len(names)) + ")"
        sql = (
            f"INSERT INTO {table} ({', '.join(names)}) VALUES {', '.join([row] * len(chunk))} "
            f"ON CONFLICT ({conflict}) DO UPDATE SET {_added(table, model)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for item in chunk for value in item])


def _upsert_together(parts: list[tuple]):
    """Every table's deltas in ONE statement on PostgreSQL (data-modifying CTEs): one round trip per write, and
    the same order of tables for every writer, so concurrent writers lock them in the same order. Rows go in
    as VALUES (cheapest for a submission) or, for large writes, as arrays (a fixed number of parameters).
    Elsewhere one upsert per table, in the same fixed order."""
    if connection.vendor != "postgresql":
        for model, key_columns, deltas in parts:
            _upsert(model, key_columns, deltas)
        return
    tables = [(model, (*key_columns, *count_columns(model)), _sorted_rows(model, deltas))
              for model, key_columns, deltas in parts]
    as_arrays = sum(len(columns) * len(rows) for _model, columns, rows in tables) > ARRAYS_FROM
    statements, params = [], []
    for model, columns, rows in tables:
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(columns)
        if as_arrays or not rows:
            arrays = ", ".join(f"%s::{model._meta.get_field(column).db_type(connection)}[]" for column in columns)
            source = f"SELECT {names} FROM unnest({arrays}) WITH ORDINALITY AS u({names}, n) ORDER BY n"
            params += [[row[i] for row in rows] for i in range(len(columns))]
        else:
            source = "VALUES " + ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
            params += [value for row in rows for value in row]
        keys = columns[:len(columns) - len(count_columns(model))]
        statements.append(f"INSERT INTO {table} ({names}) {source} ON CONFLICT ({', '.join(keys)}) "
                          f"DO UPDATE SET {_added(table, model)}")
    *first, last = statements
    sql = "WITH " + ", ".join(f"t{i} AS ({statement})" for i, statement in enumerate(first)) + " " + last
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def response_key(response: Response, zone):
    """The day-level tally key; the day is the local date in the unit's region time zone (agencies.zones)."""
    return (response.unit_id, response.service_id, response.questionnaire_id,
            timezone.localdate(response.answered_at, zone), response.channel)


def profile_answers(response: Response) -> tuple[str, str, str, str]:
    return (response.gender, age_band(response.age), response.education, response.occupation)


def tallies_add(responses: Iterable[tuple[Response, Iterable[Answer]]], sign: int = 1):
    """Count (sign=1) or uncount (sign=-1) responses with their answers, in the caller's transaction."""
    responses_d, elements_d, responses_m, elements_m, profiles_m = Counter(), Counter(), Counter(), Counter(), Counter()
    responses = list(responses)
    zones = unit_zones(response.unit_id for response, _answers in responses)
    for response, answers in responses:
        unit_id, service_id, questionnaire_id, day, channel = key = response_key(response, zones[response.unit_id])
        month = month_of(day)
        month_key = (unit_id, service_id, questionnaire_id, month, channel)
        for column, counted in enumerate((True, response.assisted, bool(response.suggestion)), start=1):
            if counted:
                responses_d[(*key, column)] += sign
                responses_m[(*month_key, column)] += sign
        for question, answer in zip(PROFILE_QUESTIONS, profile_answers(response), strict=True):
            profiles_m[(unit_id, month, question, answer)] += sign
        for answer in answers:
            elements_d[(*key, answer.element_id, answer.value)] += sign
            elements_m[(unit_id, questionnaire_id, month, answer.element_id, answer.value)] += sign
    _upsert_together([
        (ResponseTally, RESPONSE_KEY, responses_d), (ElementTally, ELEMENT_KEY, elements_d),
        (ResponseMonthTally, RESPONSE_MONTH_KEY, responses_m), (ElementMonthTally, ELEMENT_MONTH_KEY, elements_m),
        (ProfileMonthTally, PROFILE_MONTH_KEY, profiles_m),
    ])


def _counter(rows, key_columns) -> Counter:
    return Counter({tuple(row[c] for c in key_columns): row["n"] for row in rows if row["n"]})


def _counters(rows, key_columns, names) -> Counter:
    """Rows with several sums as a Counter keyed (..., column number) like the deltas."""
    return Counter({(*(row[c] for c in key_columns), number): row[name] for row in rows
                    for number, name in enumerate(names, start=1) if row[name]})


RESPONSE_COUNTS = {"n": Count("id"), "n_assisted": Count("id", filter=Q(assisted=True)),
                   "n_suggestion": Count("id", filter=~Q(suggestion=""))}


def _zones_in_use() -> list[str]:
    return list(Region.objects.order_by().values_list("time_zone", flat=True).distinct())


def _counted_from_raw(since):
    """The day-level tallies as the raw, non-excluded responses give them (from day `since` on), each day
    local to its unit's region: one grouped query per time zone in use."""
    responses_n, answers_n = Counter(), Counter()
    answer_key = ("response__unit_id", "response__service_id", "response__questionnaire_id", "day",
                  "response__channel", "element_id", "value")
    for name in _zones_in_use():
        responses = (Response.objects.filter(excluded_at__isnull=True, unit__agency__region__time_zone=name)
                     .annotate(day=TruncDate("answered_at", tzinfo=zone(name))))
        answers = (Answer.objects.filter(response__excluded_at__isnull=True,
                                         response__unit__agency__region__time_zone=name)
                   .annotate(day=TruncDate("response__answered_at", tzinfo=zone(name))))
        if since:
            responses, answers = responses.filter(day__gte=since), answers.filter(day__gte=since)
        responses_n += _counters(responses.values(*RESPONSE_KEY).annotate(**RESPONSE_COUNTS), RESPONSE_KEY,
                                 RESPONSE_COUNTS)
        answers_n += _counter(answers.values(*answer_key).annotate(n=Count("id")), answer_key)
    return responses_n, answers_n


def _profiles_from_raw(since) -> Counter:
    """ProfileMonthTally as the raw responses give it, for the months that start on or after `since`."""
    counts = Counter()
    for name in _zones_in_use():
        months = (Response.objects.filter(excluded_at__isnull=True, unit__agency__region__time_zone=name)
                  .annotate(day=TruncDate("answered_at", tzinfo=zone(name)))
                  .annotate(month=TruncMonth("day")))
        if since:
            months = months.filter(month__gte=since)
        for question, expression in zip(PROFILE_QUESTIONS, (F("gender"), age_band_expression(), F("education"),
                                                            F("occupation")), strict=True):
            rows = months.annotate(answer=expression).values("unit_id", "month", "answer").annotate(n=Count("id"))
            for row in rows:
                counts[(row["unit_id"], row["month"], question, row["answer"])] += row["n"]
    return counts


def _months_from_days():
    """The element and response month tallies as the day-level tallies (primary) sum up."""
    day_level = {"month": TruncMonth("day")}
    responses = (ResponseTally.objects.using("default").annotate(**day_level)
                 .values("unit_id", "service_id", "questionnaire_id", "month", "channel")
                 .annotate(**{name: Sum(name) for name in count_columns(ResponseTally)}))
    elements = (ElementTally.objects.using("default").annotate(**day_level)
                .values("unit_id", "questionnaire_id", "month", "element_id", "value").annotate(n=Sum("count")))
    return (_counters(responses, RESPONSE_MONTH_KEY, count_columns(ResponseTally)),
            _counter(elements, (*ELEMENT_MONTH_KEY, "value")))


def _stored(model, key_columns, **filters) -> Counter:
    """The tally's non-zero counts keyed like the recount: a tally with several count columns keyed (..., column
    number), ElementMonthTally's count_<value> under (..., value)."""
    # The primary, not a replica: a check must see what was just written.
    counts = count_columns(model)
    rows = model.objects.using("default").filter(**filters).values_list(*key_columns, *counts)
    if len(counts) == 1:
        return Counter({tuple(row[:-1]): row[-1] for row in rows if row[-1]})
    width = len(key_columns)
    return Counter({(*row[:width], number): row[width + number - 1] for row in rows
                    for number in range(1, len(counts) + 1) if row[width + number - 1]})


def tallies_differences() -> list[str]:
    """Every tally that differs from a recount, described for a person: day-level tallies and the profile
    months against the raw responses, the element and response months against the day-level tallies.

    Days before the latest retention purge have no raw responses left; their tallies stand as they were."""
    since = RetentionPurge.retained_from()
    day_filter = {"day__gte": since} if since else {}
    month_filter = {"month__gte": since} if since else {}
    raw_responses, raw_elements = _counted_from_raw(since)
    month_responses, month_elements = _months_from_days()
    differences = []
    for label, recount, stored in (
        ("respondents", raw_responses, _stored(ResponseTally, RESPONSE_KEY, **day_filter)),
        ("answers", raw_elements, _stored(ElementTally, ELEMENT_KEY, **day_filter)),
        ("respondents by month", month_responses, _stored(ResponseMonthTally, RESPONSE_MONTH_KEY)),
        ("answers by month", month_elements, _stored(ElementMonthTally, ELEMENT_MONTH_KEY)),
        ("profile by month", _profiles_from_raw(since), _stored(ProfileMonthTally, PROFILE_MONTH_KEY, **month_filter)),
    ):
        for key in sorted(set(recount) | set(stored), key=str):
            if recount[key] != stored[key]:
                differences.append(f"{label} {key}: stored {stored[key]}, recount {recount[key]}")
    return differences


@transaction.atomic
def tallies_rebuild():
    since = RetentionPurge.retained_from()
    raw_responses, raw_elements = _counted_from_raw(since)
    for model in (ResponseTally, ElementTally):
        (model.objects.filter(day__gte=since) if since else model.objects.all()).delete()
    _upsert(ResponseTally, RESPONSE_KEY, raw_responses)
    _upsert(ElementTally, ELEMENT_KEY, raw_elements)
    month_responses, month_elements = _months_from_days()
    ResponseMonthTally.objects.all().delete()
    ElementMonthTally.objects.all().delete()
    _upsert(ResponseMonthTally, RESPONSE_MONTH_KEY, month_responses)
    _upsert(ElementMonthTally, ELEMENT_MONTH_KEY, month_elements)
    profiles = _profiles_from_raw(since)
    (ProfileMonthTally.objects.filter(month__gte=since) if since else ProfileMonthTally.objects.all()).delete()
    _upsert(ProfileMonthTally, PROFILE_MONTH_KEY, profiles)
    units_data_changed(unit_ids=ServiceUnit.objects.values_list("id", flat=True))
