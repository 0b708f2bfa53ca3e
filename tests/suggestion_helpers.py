"""Responses with suggestions stored the way every channel stores them (validated, redacted, tagged)."""

import uuid
from datetime import datetime, time, timedelta

from django.utils import timezone

from surveys.services import responses_submit_many
from surveys.validation import UnitForm, response_validate


def add_responses(unit, rows, *, channel="paper"):
    """rows: (day, suggestion, score) triples; score 1..4 is given to every element, or is a dict {"U3": 1, ...}
    whose missing elements get 4. Returns how many."""
    form = UnitForm.load(unit)
    latest = timezone.now() - timedelta(minutes=1)  # today's answers are never in the future
    service = unit.services.first().id
    news = [response_validate({
        "key": str(uuid.uuid4()), "service": service,
        "answered_at": min(timezone.make_aware(datetime.combine(day, time(10))), latest).isoformat(),
        "answers": {element.code: score.get(element.code, 4) if isinstance(score, dict) else score
                    for element in form.elements}, "suggestion": suggestion,
    }, form=form, channel=channel, require_all=False) for day, suggestion, score in rows]
    return responses_submit_many(news)
