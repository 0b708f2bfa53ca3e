"""Reads of complaint themes: which questionnaire elements the period's complaints speak of most, counted in SQL
from the themes tagged on each response when it arrived (surveys.themes)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Q

from reports.periods import Period
from reports.selectors import responses_in_period
from surveys.models import Response
from surveys.themes import ELEMENTS, Tone, theme_label

TOP_THEMES = 3
QUOTES = 2


@dataclass(frozen=True)
class ComplaintTheme:
    code: str
    label: str
    count: int
    previous: int
    quotes: tuple[str, ...]

    @property
    def change(self) -> int:
        return self.count - self.previous


def complaint_counts(*, unit_ids, spans: dict[str, tuple[datetime, datetime]]) -> dict[str, dict[str, int]]:
    """Counted complaints per element theme and per named span [start, end), in one query."""
    first = min(start for start, _end in spans.values())
    last = max(end for _start, end in spans.values())
    complaints = Response.objects.filter(unit_id__any=list(unit_ids), excluded_at__isnull=True,
                                         suggestion_tone=Tone.COMPLAINT, answered_at__gte=first, answered_at__lt=last)
    totals = complaints.aggregate(**{
        f"{code}_{name}": Count("id", filter=Q(suggestion_elements__contains=code, answered_at__gte=start,
                                               answered_at__lt=end))
        for code in ELEMENTS for name, (start, end) in spans.items()})
    return {code: {name: totals[f"{code}_{name}"] for name in spans} for code in ELEMENTS}


def complaint_themes(*, unit_ids, period: Period, service_id=None, channel=None) -> list[ComplaintTheme]:
    """The three element themes most complained about in the period (ties: questionnaire order), with the count
    of the period before and the two newest different complaints of each as quotes."""
    unit_ids = list(unit_ids)
    narrowed = {"service_id": service_id, "channel": channel}
    current = responses_in_period(unit_ids=unit_ids, period=period, **narrowed).filter(suggestion_tone=Tone.COMPLAINT)
    before = responses_in_period(unit_ids=unit_ids, period=period.previous(), **narrowed).filter(
        suggestion_tone=Tone.COMPLAINT)
    totals = current.aggregate(**{code: Count("id", filter=Q(suggestion_elements__contains=code)) for code in ELEMENTS})
    top = sorted((code for code in ELEMENTS if totals[code]), key=lambda code: -totals[code])[:TOP_THEMES]
    if not top:
        return []
    previous = before.aggregate(**{code: Count("id", filter=Q(suggestion_elements__contains=code)) for code in top})
    return [ComplaintTheme(
        code=code, label=theme_label(code), count=totals[code], previous=previous[code],
        # Two different texts, the most recently written first (the same words twice say nothing more).
        quotes=tuple(current.filter(suggestion_elements__contains=code).values("suggestion")
                     .annotate(latest=Max("answered_at")).order_by("-latest", "suggestion")
                     .values_list("suggestion", flat=True)[:QUOTES]),
    ) for code in top]
