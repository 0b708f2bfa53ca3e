"""Keeping ElementTally and ResponseTally exact: every write to responses goes through here."""

from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from surveys.models import Answer, ElementTally, Response, ResponseTally, RetentionPurge

ELEMENT_KEY = ("unit_id", "service_id", "questionnaire_id", "day", "channel", "element_id", "value")
RESPONSE_KEY = ("unit_id", "service_id", "questionnaire_id", "day", "channel")
CHUNK = 500


def _upsert(model, key_columns, deltas: Counter):
    """Add each delta to its tally row in one statement per chunk (INSERT .. ON CONFLICT .. DO UPDATE)."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join((*key_columns, "count"))
    conflict = ", ".join(key_columns)
    # A fixed order of rows means concurrent transactions lock them in the same order: no deadlock.
    items = [(*key, delta) for key, delta in sorted(deltas.items()) if delta]
    for start in range(0, len(items), CHUNK):
        chunk = items[start:start + CHUNK]
        row = "(" + ", ".join(["%s"] * (len(key_columns) + 1)) + ")"
        sql = (
            f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(chunk))} "
            f"ON CONFLICT ({conflict}) DO UPDATE SET count = {table}.count + EXCLUDED.count"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for item in chunk for value in item])


def response_key(response: Response):
    return (response.unit_id, response.service_id, response.questionnaire_id,
            timezone.localdate(response.answered_at), response.channel)


def tallies_add(responses: Iterable[tuple[Response, Iterable[Answer]]], sign: int = 1):
    """Count (sign=1) or uncount (sign=-1) responses with their answers, in the caller's transaction."""
    response_deltas, element_deltas = Counter(), Counter()
    for response, answers in responses:
        key = response_key(response)
        response_deltas[key] += sign
        for answer in answers:
            element_deltas[(*key, answer.element_id, answer.value)] += sign
    _upsert(ResponseTally, RESPONSE_KEY, response_deltas)
    _upsert(ElementTally, ELEMENT_KEY, element_deltas)


def _counted_from_raw(since):
    """The tallies as the raw, non-excluded responses give them (from day `since` on), counted in the database."""
    local_day = TruncDate("answered_at", tzinfo=timezone.get_current_timezone())
    responses = Response.objects.filter(excluded_at__isnull=True).annotate(day=local_day)
    answers = (
        Answer.objects.filter(response__excluded_at__isnull=True)
        .annotate(day=TruncDate("response__answered_at", tzinfo=timezone.get_current_timezone()))
    )
    if since:
        responses, answers = responses.filter(day__gte=since), answers.filter(day__gte=since)
    responses = responses.values("unit_id", "service_id", "questionnaire_id", "day", "channel").annotate(n=Count("id"))
    answers = (
        answers.values("response__unit_id", "response__service_id", "response__questionnaire_id", "day",
                "response__channel", "element_id", "value")
        .annotate(n=Count("id"))
    )
    response_counts = Counter({tuple(row[c] for c in RESPONSE_KEY): row["n"] for row in responses})
    element_counts = Counter({
        (row["response__unit_id"], row["response__service_id"], row["response__questionnaire_id"], row["day"],
         row["response__channel"], row["element_id"], row["value"]): row["n"]
        for row in answers
    })
    return response_counts, element_counts


def _tallies_since(model, since):
    # The primary, not a replica: a check must see what was just written.
    rows = model.objects.using("default").filter(count__gt=0)
    return rows.filter(day__gte=since) if since else rows


def _stored(since):
    responses = Counter({tuple(row[:-1]): row[-1] for row in
                         _tallies_since(ResponseTally, since).values_list(*RESPONSE_KEY, "count")})
    elements = Counter({tuple(row[:-1]): row[-1] for row in
                        _tallies_since(ElementTally, since).values_list(*ELEMENT_KEY, "count")})
    return responses, elements


def tallies_differences() -> list[str]:
    """Every tally that differs from a recount of the raw responses, described for a person.

    Days before the latest retention purge have no raw responses left; their tallies stand as they were."""
    since = RetentionPurge.retained_from()
    raw_responses, raw_elements = _counted_from_raw(since)
    stored_responses, stored_elements = _stored(since)
    differences = []
    for label, raw, stored in (("respondents", raw_responses, stored_responses),
                               ("answers", raw_elements, stored_elements)):
        for key in sorted(set(raw) | set(stored), key=str):
            if raw[key] != stored[key]:
                differences.append(f"{label} {key}: stored {stored[key]}, recount {raw[key]}")
    return differences


@transaction.atomic
def tallies_rebuild():
    since = RetentionPurge.retained_from()
    raw_responses, raw_elements = _counted_from_raw(since)
    for model in (ResponseTally, ElementTally):
        (model.objects.filter(day__gte=since) if since else model.objects.all()).delete()
    _upsert(ResponseTally, RESPONSE_KEY, raw_responses)
    _upsert(ElementTally, ELEMENT_KEY, raw_elements)
