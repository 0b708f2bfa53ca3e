"""The regional recap two ways: from the tallies (reports.selectors.scores_by_unit, what the app does) and
from the raw answers (GROUP BY over surveys_answer JOIN surveys_response), the first followed by the integer
IKM the app ranks with (reports.ikm.ikm_ranked), the second by the exact reports.ikm computation, timed in the
same run and compared."""

from __future__ import annotations

import statistics
import time
from datetime import datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.periods import Period
from reports.selectors import Scores, _elements_of, scores_by_unit
from surveys.models import Questionnaire

RAW_RESPONDENTS = """
SELECT unit_id, questionnaire_id, count(*) FROM surveys_response
WHERE excluded_at IS NULL AND answered_at >= %(start)s AND answered_at < %(end)s AND unit_id = ANY(%(units)s)
GROUP BY 1, 2
"""
RAW_ANSWERS = """
SELECT r.unit_id, a.element_id, a.value, count(*)
FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id
WHERE r.excluded_at IS NULL AND r.answered_at >= %(start)s AND r.answered_at < %(end)s
  AND r.unit_id = ANY(%(units)s)
GROUP BY 1, 2, 3
"""


def _summary(scores: dict[int, Scores]) -> dict[int, tuple]:
    """What a recap ranks per unit: respondents, answer counts per element and value, and the IKM, converted
    IKM and grade as the app ranks them (Scores.ranked, integers only)."""
    return {unit_id: (unit.respondents, unit.element_value_counts,
                      (ranked.ikm, ranked.ikm_converted, ranked.grade) if (ranked := unit.ranked) else None)
            for unit_id, unit in scores.items()}


def _summary_exact(scores: dict[int, Scores]) -> dict[int, tuple]:
    """The same from the full exact computation (Scores.result, every element's Fraction NRR and grade)."""
    return {unit_id: (unit.respondents, unit.element_value_counts,
                      (result.ikm, result.ikm_converted, result.grade) if (result := unit.result) else None)
            for unit_id, unit in scores.items()}


def recap_from_tallies(*, unit_ids: list[int], period: Period) -> dict[int, Scores]:
    return scores_by_unit(unit_ids=unit_ids, period=period)


def period_window(period: Period) -> tuple[datetime, datetime]:
    """The period's local days as a half-open range of aware datetimes, the days the tallies are kept by."""
    start = timezone.make_aware(datetime.combine(period.start, datetime.min.time()))
    return start, timezone.make_aware(datetime.combine(period.end + timedelta(days=1), datetime.min.time()))


def recap_from_raw(*, unit_ids: list[int], period: Period) -> dict[int, Scores]:
    start, end = period_window(period)
    params = {"start": start, "end": end, "units": list(unit_ids)}
    with connection.cursor() as cursor:
        cursor.execute(RAW_RESPONDENTS, params)
        respondents = cursor.fetchall()
        cursor.execute(RAW_ANSWERS, params)
        answers = cursor.fetchall()
    questionnaires = Questionnaire.objects.in_bulk({questionnaire for _, questionnaire, _ in respondents})
    elements = _elements_of(questionnaires)
    scores = {unit_id: Scores(questionnaire=questionnaires[questionnaire], elements=elements[questionnaire],
                              respondents=count)
              for unit_id, questionnaire, count in respondents}
    for unit_id, element_id, value, count in answers:
        if unit_id in scores:
            scores[unit_id].value_counts.setdefault(element_id, [0, 0, 0, 0])[value - 1] += count
    return scores


def _timed(reading, summary, repeats: int, **kwargs) -> tuple[dict, list[float], list[float]]:
    """Read the counts, then compute every unit's IKM from them: (the recap, total ms, reading ms) per run."""
    totals, readings = [], []
    for run in range(repeats + 1):
        started = time.perf_counter()
        scores = reading(**kwargs)
        read = time.perf_counter()
        recap = summary(scores)
        if run:  # the first run warms the connection, the plans and the buffers
            totals.append((time.perf_counter() - started) * 1000)
            readings.append((read - started) * 1000)
    return recap, totals, readings


def _database_only(*, unit_ids: list[int], period: Period, repeats: int) -> float:
    """The median time of the recap's own statements replayed on a cursor: what reading the tallies costs
    PostgreSQL (execution and sending the rows) without Django building or reading anything."""
    with CaptureQueriesContext(connection) as queries:
        recap_from_tallies(unit_ids=unit_ids, period=period)
    statements = [query["sql"] for query in queries.captured_queries]
    times = []
    with connection.cursor() as cursor:
        for run in range(repeats + 1):
            started = time.perf_counter()
            for statement in statements:
                cursor.execute(statement)
                cursor.fetchall()
            if run:
                times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def recap_measure(*, unit_ids: list[int], period: Period, repeats: int, raw_repeats: int) -> dict:
    # The app's way (tallies, integer IKMs) against raw answers with the exact reports.ikm computation: equal
    # results check the month tallies and ikm_ranked at once.
    from_tallies, times, reads = _timed(recap_from_tallies, _summary, repeats, unit_ids=unit_ids, period=period)
    from_raw, raw_times, _raw_reads = _timed(recap_from_raw, _summary_exact, raw_repeats, unit_ids=unit_ids,
                                             period=period)
    differing = sorted(unit for unit in set(from_tallies) | set(from_raw)
                       if from_tallies.get(unit) != from_raw.get(unit))
    ms, raw_ms = statistics.median(times), statistics.median(raw_times)
    return {
        "ms": round(ms, 1), "raw_ms": round(raw_ms, 1), "speedup": round(raw_ms / ms, 1),
        "equal": not differing, "units_differing": differing[:20],
        "query_ms": round(statistics.median(reads), 1), "compute_ms": round(ms - statistics.median(reads), 1),
        "database_ms": round(_database_only(unit_ids=unit_ids, period=period, repeats=repeats), 1),
        "units_scored": len(from_tallies), "respondents": sum(row[0] for row in from_tallies.values()),
        "period": period.slug, "runs_ms": [round(t, 1) for t in times], "raw_runs_ms": [round(t, 1) for t in raw_times],
    }
