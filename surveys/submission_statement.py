"""One submission in one SQL statement on PostgreSQL (docs/performance.md, "A submission in one statement").

The response, its answers, every tally row it adds and its unit's data version are written by a single
statement, a chain of data-modifying CTEs:

    WITH new_response AS (INSERT INTO surveys_response ... ON CONFLICT (key) DO NOTHING RETURNING id),
         answers      AS (INSERT INTO surveys_answer SELECT new_response.id, ... FROM new_response, (VALUES ...)),
         t_responses  AS (INSERT INTO surveys_responsetally ... WHERE EXISTS (SELECT FROM new_response)
                          ON CONFLICT (key columns) DO UPDATE SET count = count + EXCLUDED.count;
                          ElementMonthTally adds its count_1..count_4 the same way),
         t_elements, t_responses_month, t_elements_month, t_profiles_month   (the same, one per tally table),
         version      AS (INSERT INTO surveys_unitdataversion ... WHERE EXISTS (SELECT FROM new_response)
                          ON CONFLICT (unit_id) DO UPDATE SET version = EXCLUDED.version)
    SELECT id, true FROM new_response UNION ALL SELECT id, false FROM surveys_response WHERE key = <key>

- A known key inserts nothing: `new_response` is empty, so no answer, tally or version row is written, and
  the final SELECT returns the stored response's id (the replay). No savepoint and no IntegrityError: the
  statement runs in the caller's transaction as it is (its own transaction in autocommit, which PostgreSQL
  commits before answering, so the acknowledgement follows the commit).
- A key being inserted by a concurrent transaction at that moment makes ON CONFLICT wait for it; when it
  commits, this statement returns no row at all (the final SELECT's snapshot predates it) and the caller
  reads the id in a second statement.
- A response excluded at the door (surveys.integrity) is stored with its answers but gets no tally rows,
  exactly as the ORM path; its unit's version still changes (its integrity figures do).
- The tally CTEs are not read by the final SELECT, so PostgreSQL runs them to completion after it, in the
  order written: the same table order as every other writer (surveys.tallies), each table's rows sorted, and
  the version row last, so concurrent writers lock rows in the same order.

Each tally table's CTE is built by its own function below; they produce the same keys as
surveys.tallies.tallies_add, which `rebuild_tallies --check` verifies.
"""

from datetime import date

from django.db import connection
from django.db.models import CharField

from surveys.data_versions import new_version, version_upsert_sql
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


def _cast(field) -> str:
    # Text, not varchar(n): an explicit cast to varchar(n) would cut a long value where the INSERT refuses it.
    return "text" if isinstance(field, CharField) else field.db_type(connection)


def _values(model, columns, rows) -> tuple[str, list]:
    """`(VALUES (..), ..) AS v(columns)` with every parameter cast to its column's type."""
    casts = [_cast(model._meta.get_field(column)) for column in columns]
    row = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
    return (f"(VALUES {', '.join([row] * len(rows))}) AS v({', '.join(columns)})",
            [value for values in rows for value in values])


def _tally_cte(model, key_columns, rows) -> tuple[str, list] | None:
    """Add each row's counts (surveys.tallies.count_columns) to its tally row, if the
    response was inserted (None without rows)."""
    if not rows:
        return None
    counts = count_columns(model)
    columns = (*key_columns, *counts)
    source, params = _values(model, columns, sorted(rows))
    table = _quoted(model)
    added = ", ".join(f"{count} = {table}.{count} + EXCLUDED.{count}" for count in counts)
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM {source} "
           f"WHERE {INSERTED} ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {added}")
    return sql, params


# One function per tally table: the rows one response adds to it ------------------------------------------

def _respondent_counts(response: Response) -> tuple[int, int, int]:
    # count, assisted, with_suggestion (ResponseTally.COUNTS)
    return 1, int(response.assisted), int(bool(response.suggestion))


def response_tally_cte(response: Response, day: date) -> tuple[str, list] | None:
    return _tally_cte(ResponseTally, RESPONSE_KEY, [
        (response.unit_id, response.service_id, response.questionnaire_id, day, response.channel,
         *_respondent_counts(response))])


def element_tally_cte(response: Response, answers: list[Answer], day: date) -> tuple[str, list] | None:
    return _tally_cte(ElementTally, ELEMENT_KEY, [
        (response.unit_id, response.service_id, response.questionnaire_id, day, response.channel,
         answer.element_id, answer.value, 1) for answer in answers])


def response_month_tally_cte(response: Response, month: date) -> tuple[str, list] | None:
    return _tally_cte(ResponseMonthTally, RESPONSE_MONTH_KEY, [
        (response.unit_id, response.service_id, response.questionnaire_id, month, response.channel,
         *_respondent_counts(response))])


def element_month_tally_cte(response: Response, answers: list[Answer], month: date) -> tuple[str, list] | None:
    # One row per element with its four value counts: the answer's value counted once.
    return _tally_cte(ElementMonthTally, ELEMENT_MONTH_KEY, [
        (response.unit_id, response.questionnaire_id, month, answer.element_id,
         *(int(answer.value == value) for value in (1, 2, 3, 4)))
        for answer in answers])


def profile_month_tally_cte(response: Response, month: date) -> tuple[str, list] | None:
    return _tally_cte(ProfileMonthTally, PROFILE_MONTH_KEY, [
        (response.unit_id, month, question, answer, 1)
        for question, answer in zip(PROFILE_QUESTIONS, profile_answers(response), strict=True)])


# The statement ----------------------------------------------------------------------------------------------

def _response_insert(response: Response) -> tuple[str, list]:
    """INSERT of the response as Django would write it (auto_now_add included), skipped for a known key."""
    fields = [field for field in Response._meta.concrete_fields if not field.primary_key]
    params = [field.get_db_prep_save(field.pre_save(response, add=True), connection) for field in fields]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    sql = (f"INSERT INTO {_quoted(Response)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) "
           f"ON CONFLICT (key) DO NOTHING RETURNING id")
    return sql, params


def _answers_insert(answers: list[Answer]) -> tuple[str, list]:
    source, params = _values(Answer, ("element_id", "value"),
                             [(answer.element_id, answer.value) for answer in answers])
    return (f"INSERT INTO {_quoted(Answer)} (response_id, element_id, value) "
            f"SELECT new_response.id, v.element_id, v.value FROM new_response CROSS JOIN {source}"), params


def submission_statement(response: Response, answers: list[Answer], *, day: date) -> tuple[str, list]:
    """The whole statement for one response (`day`: its local day in the unit's time zone)."""
    parts = [("new_response", _response_insert(response))]
    if answers:
        parts.append(("answers", _answers_insert(answers)))
    if not response.is_excluded:  # excluded at the door: stored, not counted
        month = month_of(day)
        parts += [(name, cte) for name, cte in (
            ("t_responses", response_tally_cte(response, day)),
            ("t_elements", element_tally_cte(response, answers, day)),
            ("t_responses_month", response_month_tally_cte(response, month)),
            ("t_elements_month", element_month_tally_cte(response, answers, month)),
            ("t_profiles_month", profile_month_tally_cte(response, month)),
        ) if cte is not None]
    parts.append(("version", version_upsert_sql([response.unit_id], new_version(), when=INSERTED)))
    sql = "WITH " + ", ".join(f"{name} AS ({statement})" for name, (statement, _params) in parts)
    sql += (f" SELECT id, true FROM new_response UNION ALL "
            f"SELECT id, false FROM {_quoted(Response)} WHERE key = %s")
    params = [value for _name, (_statement, values) in parts for value in values]
    key = Response._meta.get_field("key").get_db_prep_value(response.key, connection)
    return sql, [*params, key]


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
