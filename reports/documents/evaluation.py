"""The quarterly evaluation (PDF): this quarter against the previous one and the same quarter a year before,
per element and overall, with the confidence interval and last quarter's follow-up plans."""

from __future__ import annotations

from agencies.zones import region_today
from reports.documents.common import (
    DocumentScope, change, change_notes, count, date_text, element_rows, grade_tables, number, render_pdf,
    result_summary, scores_for_scope, scores_of_questionnaire,
)
from reports.documents.plans import plans_for
from reports.periods import Period
from reports.selectors import Scores, questionnaire_changes, scores_change, scores_interval


def _interval(scores: Scores | None) -> str:
    interval = scores_interval(scores)
    return "–" if interval is None else f"{number(interval[0], 2)} – {number(interval[1], 2)}"


def _converted(row: dict | None):
    return row["score"].converted if row and row["score"] else None


def group_evaluation(*, scope: DocumentScope, period: Period, current: Scores) -> dict:
    """One questionnaire's respondents this period against the same questionnaire's previous quarter and the same
    quarter a year before: IKM, interval, changes and per-element values."""
    previous, last_year = period.previous(), period.same_last_year()
    questionnaire_id = current.questionnaire.id
    compared = {"previous": scores_of_questionnaire(scope, previous, questionnaire_id),
                "last_year": scores_of_questionnaire(scope, last_year, questionnaire_id)}
    columns = [("current", period, current), ("previous", previous, compared["previous"]),
               ("last_year", last_year, compared["last_year"])]
    summaries = {key: {"label": when.short_label, "interval": _interval(scores), **result_summary(scores)}
                 for key, when, scores in columns}
    for key in ("previous", "last_year"):
        summaries[key]["change"] = change(summaries["current"]["converted_value"], summaries[key]["converted_value"])
        compared_change = scores_change(current=current, previous=compared[key])
        summaries[key]["significant"] = compared_change.significant if compared_change else None
    rows = {key: {row["code"]: row for row in element_rows(scores)} if scores else {}
            for key, _when, scores in columns}
    element_table = [{
        **row,
        "previous": rows["previous"].get(row["code"], {}).get("converted", "–"),
        "last_year": rows["last_year"].get(row["code"], {}).get("converted", "–"),
        "change_previous": change(_converted(row), _converted(rows["previous"].get(row["code"]))),
        "change_last_year": change(_converted(row), _converted(rows["last_year"].get(row["code"]))),
    } for row in element_rows(current)]
    return {"questionnaire": current.questionnaire, "summaries": summaries, "elements": element_table}


def evaluation_context(*, scope: DocumentScope, period: Period) -> dict:
    previous, last_year = period.previous(), period.same_last_year()
    groups = scores_for_scope(scope, period)
    title = "Evaluasi Triwulanan Hasil SKM" if period.kind == "quarter" else "Evaluasi Hasil SKM"
    return {
        "title": title, "scope": scope, "period": period, "previous": previous, "last_year": last_year,
        "region": scope.region, "agency": scope.agency, "unit": scope.unit,
        "groups": [group_evaluation(scope=scope, period=period, current=scores) for scores in groups],
        "respondents": count(sum(scores.respondents for scores in groups)),
        "changes": change_notes(questionnaire_changes(unit_ids=scope.unit_ids, period=period),
                                with_unit=scope.kind == "agency"),
        "grade_tables": grade_tables(groups),
        "plans": plans_for(unit_ids=scope.unit_ids, period=previous),
        "head": scope.head, "place_date": f"{scope.region.name}, {date_text(region_today(scope.region))}",
    }


def evaluation_pdf(*, scope: DocumentScope, period: Period) -> bytes:
    return render_pdf("reports/documents/evaluation.html", evaluation_context(scope=scope, period=period))
