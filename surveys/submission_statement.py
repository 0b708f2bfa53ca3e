"""One submission in one SQL statement on PostgreSQL (docs/performance.md, "A submission in one statement").

The response, its answers, every tally row it adds and its unit's data version are written by a single
statement, a chain of data-modifying CTEs:

    WITH new_response AS (INSERT INTO surveys_response ... ON CONFLICT (key) DO NOTHING RETURNING id),
         given        AS (SELECT * FROM unnest(<element ids>, <values>)),      -- the answers, by element
         counted      AS (SELECT <unit, service, ..., day, month, channel, counts> WHERE EXISTS (new_response)),
         answers      AS (INSERT INTO surveys_answer SELECT new_response.id, given.* FROM new_response, given),
         t_responses  AS (INSERT INTO surveys_responsetally AS t SELECT ... FROM counted
                          ON CONFLICT (key columns) DO UPDATE SET count = t.count + EXCLUDED.count, ...),
         t_elements, t_responses_month, t_elements_month, t_profiles_month   (the same, one per tally table),
         version      AS (INSERT INTO surveys_unitdataversion ... WHERE EXISTS (SELECT FROM new_response)
                          ON CONFLICT (unit_id) DO UPDATE SET version = EXCLUDED.version)
    SELECT id, true FROM new_response UNION ALL SELECT id, false FROM surveys_response WHERE key = <key>

- A known key inserts nothing: `new_response` is empty, so `counted` is empty and no answer, tally or version
  row is written, and the final SELECT returns the stored response's id (the replay). No savepoint and no
  IntegrityError: the statement runs in the caller's transaction as it is (its own transaction in autocommit,
  which PostgreSQL commits before answering, so the acknowledgement follows the commit).
- A key being inserted by a concurrent transaction at that moment makes ON CONFLICT wait for it; when it
  commits, this statement returns no row at all (the final SELECT's snapshot predates it) and the caller
  reads the id in a second statement.
- A response excluded at the door (surveys.integrity) is stored with its answers but gets no tally rows,
  exactly as the ORM path; its unit's version still changes (its integrity figures do).
- The answers and profile answers travel as arrays, so the statement's text is the same for every submission
  of a kind (counted or excluded at the door) and it has fewer than 50 parameters: psycopg parses it once per
  process instead of splitting a text of hundreds of placeholders on every call.
- The tally CTEs are not read by the final SELECT, so PostgreSQL runs them to completion after it, in the
  order written: the same table order as every other writer (surveys.tallies), each table's rows sorted, and
  the version row last, so concurrent writers lock rows in the same order.

They produce the same keys as surveys.tallies.tallies_add, which `rebuild_tallies --check` verifies.
"""

import functools
from datetime import date

from django.db import connection

from surveys.data_versions import new_version, version_upsert_params, version_upsert_sql
from surveys.models import (
    Answer, ElementMonthTally, ElementTally, ProfileMonthTally, Response, ResponseMonthTally, ResponseTally,
)
from surveys.tallies import (
    ELEMENT_KEY, ELEMENT_MONTH_KEY, PROFILE_MONTH_KEY, PROFILE_QUESTIONS, RESPONSE_KEY, RESPONSE_MONTH_KEY,
    count_columns, month_of, profile_answers,
)

INSERTED = "EXISTS (SELECT FROM new_response)"


def _quoted(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _tally_insert(model, key_columns, source: str, values: dict[str, str]) -> str:
    """INSERT of the rows of `source` (`values`: the SQL of each column) into a tally, each row's counts
    (surveys.tallies.count_columns) added to an existing row."""
    counts = count_columns(model)
    columns = (*key_columns, *counts)
    added = ", ".join(f"{count} = t.{count} + EXCLUDED.{count}" for count in counts)
    return (f"INSERT INTO {_quoted(model)} AS t ({', '.join(columns)}) "
            f"SELECT {', '.join(values[column] for column in columns)} FROM {source} "
            f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {added}")


# The rows one response adds to each tally table: `counted` holds its key values and respondent counts (one row,
# only when the response was inserted and is counted), `given` its answers, `profile` its profile answers.

def _respondent_tally(model, key_columns) -> str:
    columns = {column: f"c.{column}" for column in key_columns}
    return _tally_insert(model, key_columns, "counted c", {
        **columns, "count": "1", "assisted": "c.assisted", "with_suggestion": "c.with_suggestion"})


def response_tally_sql() -> str:
    return _respondent_tally(ResponseTally, RESPONSE_KEY)


def response_month_tally_sql() -> str:
    return _respondent_tally(ResponseMonthTally, RESPONSE_MONTH_KEY)


def element_tally_sql() -> str:
    return _tally_insert(ElementTally, ELEMENT_KEY, "counted c CROSS JOIN given g ORDER BY g.element_id", {
        **{column: f"c.{column}" for column in RESPONSE_KEY}, "element_id": "g.element_id", "value": "g.value",
        "count": "1"})


def element_month_tally_sql() -> str:
    # One row per element with its four value counts: the answer's value counted once.
    counts = {column: f"(g.value = {value})::int" for value, column in enumerate(ElementMonthTally.COUNTS, start=1)}
    return _tally_insert(ElementMonthTally, ELEMENT_MONTH_KEY, "counted c CROSS JOIN given g ORDER BY g.element_id", {
        "unit_id": "c.unit_id", "questionnaire_id": "c.questionnaire_id", "month": "c.month",
        "element_id": "g.element_id", **counts})


def profile_month_tally_sql() -> str:
    return _tally_insert(ProfileMonthTally, PROFILE_MONTH_KEY,
                         "counted c CROSS JOIN unnest(%s::text[], %s::text[]) AS p(question, answer) "
                         "ORDER BY p.question, p.answer", {
                             "unit_id": "c.unit_id", "month": "c.month", "question": "p.question",
                             "answer": "p.answer", "count": "1"})


# The statement ----------------------------------------------------------------------------------------------

INSERTED_FIELDS = [field for field in Response._meta.concrete_fields if not field.primary_key]


def _response_insert_sql() -> str:
    """INSERT of the response as Django would write it, skipped for a known key."""
    columns = ", ".join(connection.ops.quote_name(field.column) for field in INSERTED_FIELDS)
    return (f"INSERT INTO {_quoted(Response)} ({columns}) VALUES ({', '.join(['%s'] * len(INSERTED_FIELDS))}) "
            f"ON CONFLICT (key) DO NOTHING RETURNING id")


def _response_values(response: Response) -> list:
    """The response's column values as Django would write them (auto_now_add included)."""
    return [field.get_db_prep_save(field.pre_save(response, add=True), connection) for field in INSERTED_FIELDS]


# The response's tally key values and respondent counts (ResponseTally.COUNTS), one row if it was inserted.
COUNTED = ("SELECT %s::bigint AS unit_id, %s::bigint AS service_id, %s::bigint AS questionnaire_id, "
           "%s::date AS day, %s::date AS month, %s::text AS channel, %s::int AS assisted, "
           f"%s::int AS with_suggestion WHERE {INSERTED}")
GIVEN = "SELECT * FROM unnest(%s::bigint[], %s::smallint[]) AS g(element_id, value)"


@functools.cache
def _statement_text(counted: bool) -> str:
    """The statement for a counted response, or for one excluded at the door (stored, not counted): the same
    text for every submission of its kind, so it is built once per process."""
    parts = [
        ("new_response", _response_insert_sql()),
        ("given", GIVEN),
        ("answers", f"INSERT INTO {_quoted(Answer)} (response_id, element_id, value) "
                    f"SELECT new_response.id, given.element_id, given.value FROM new_response CROSS JOIN given"),
    ]
    if counted:
        parts += [
            ("counted", COUNTED),
            ("t_responses", response_tally_sql()),
            ("t_elements", element_tally_sql()),
            ("t_responses_month", response_month_tally_sql()),
            ("t_elements_month", element_month_tally_sql()),
            ("t_profiles_month", profile_month_tally_sql()),
        ]
    parts.append(("version", version_upsert_sql(1, when=INSERTED)))
    return ("WITH " + ", ".join(f"{name} AS ({statement})" for name, statement in parts)
            + f" SELECT id, true FROM new_response UNION ALL SELECT id, false FROM {_quoted(Response)} WHERE key = %s")


def submission_statement(response: Response, answers: list[Answer], *, day: date) -> tuple[str, list]:
    """The whole statement for one response (`day`: its local day in the unit's time zone) and its parameters,
    in the order of the statement's placeholders."""
    by_element = sorted((answer.element_id, answer.value) for answer in answers)
    params = [*_response_values(response),
              [element_id for element_id, _value in by_element], [value for _element_id, value in by_element]]
    counted = not response.is_excluded
    if counted:
        profile = sorted(zip(PROFILE_QUESTIONS, profile_answers(response), strict=True))
        params += [response.unit_id, response.service_id, response.questionnaire_id, day, month_of(day),
                   response.channel, int(response.assisted), int(bool(response.suggestion)),
                   [question for question, _answer in profile], [answer for _question, answer in profile]]
    params += version_upsert_params([response.unit_id], new_version())
    key = Response._meta.get_field("key").get_db_prep_value(response.key, connection)
    return _statement_text(counted), [*params, key]


def submission_execute(response: Response, answers: list[Answer], *, day: date) -> tuple[int | None, bool]:
    """Run the statement: (id, True) for a new response, (id, False) for a known key, (None, False) when
    the key was committed by a concurrent transaction during the statement (read it again)."""
    sql, params = submission_statement(response, answers, day=day)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None, False
    return row[0], row[1]
