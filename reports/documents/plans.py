"""Rencana Tindak Lanjut as documents print it: each plan with its element's score before (the survey
period it answers) and after (the quarter it was due)."""

from __future__ import annotations

from django.utils import timezone

from reports.documents.common import number
from reports.periods import Period
from reports.selectors import follow_up_plans_of, scores_by_unit


def _element_converted(unit_ids, quarter: Period) -> dict[tuple[int, str], str]:
    """(unit id, element code) -> NRR x 25 of that quarter, for elements that have answers."""
    converted = {}
    for unit_id, scores in scores_by_unit(unit_ids=unit_ids, period=quarter).items():
        by_id = scores.element_converted
        for element in scores.elements:
            if element.id in by_id:
                converted[(unit_id, element.code)] = number(by_id[element.id], 2)
    return converted


def plans_for(*, unit_ids, period: Period) -> list[dict]:
    """The plans made after the surveys of the period, with scores before and after, in document order."""
    plans = list(follow_up_plans_of(unit_ids=unit_ids, period=period))
    today = timezone.localdate()
    scores_of_quarter = {}
    due = {plan.id: Period.containing(plan.due_date) for plan in plans}
    for quarter_key in {(p.year, p.quarter) for p in plans} | {(q.year, q.number) for q in due.values()}:
        quarter = Period.quarter(*quarter_key)
        if quarter.start <= today:
            scores_of_quarter[quarter_key] = _element_converted({p.unit_id for p in plans}, quarter)
    rows = []
    for position, plan in enumerate(plans, 1):
        key = (plan.unit_id, plan.element.code)
        rows.append({
            "number": position, "unit": plan.unit.name, "element": f"{plan.element.code} {plan.element.name}",
            "action": plan.action, "due": due[plan.id].short_label,
            "responsible": plan.responsible, "status": plan.get_status_display(), "status_code": plan.status,
            "before": scores_of_quarter.get((plan.year, plan.quarter), {}).get(key, "–"),
            "after": scores_of_quarter.get((due[plan.id].year, due[plan.id].number), {}).get(key, "–"),
        })
    return rows
