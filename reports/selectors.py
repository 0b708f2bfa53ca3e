"""Reads of scores. Everything is computed from the tallies (surveys.ElementTally / ResponseTally), so a
score costs the same however many responses lie behind it."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Case, CharField, Count, F, Sum, Value, When
from django.utils import timezone

from agencies.models import Population
from reports.ikm import ElementTotal, IkmResult, MissingAnswers, compute_ikm
from reports.periods import Period
from surveys import official
from surveys.models import Element, ElementTally, Questionnaire, Response, ResponseTally


@dataclass
class Scores:
    """The results of one questionnaire over a set of units and a period."""

    questionnaire: Questionnaire
    elements: list[Element]
    respondents: int
    value_counts: dict[int, list[int]] = field(default_factory=dict)  # element id -> counts of 1,2,3,4

    @property
    def totals(self) -> list[ElementTotal]:
        totals = []
        for element in self.elements:
            counts = self.value_counts.get(element.id, [0, 0, 0, 0])
            totals.append(ElementTotal(code=element.code, sum=sum(v * c for v, c in enumerate(counts, 1)),
                                       count=sum(counts)))
        return totals

    @property
    def element_value_counts(self) -> list[tuple[int, int, int, int]]:
        return [tuple(self.value_counts.get(element.id, [0, 0, 0, 0])) for element in self.elements]

    @property
    def missing_elements(self) -> list[Element]:
        return [element for element in self.elements if not any(self.value_counts.get(element.id, ()))]

    @property
    def result(self) -> IkmResult | None:
        """The IKM, or None while some element has no answer at all (see `missing_elements`)."""
        if self.respondents == 0:
            return None
        try:
            return compute_ikm(self.totals, self.questionnaire.rules)
        except MissingAnswers:
            return None


def _tally_filter(*, unit_ids, period: Period, service_id=None, channel=None) -> dict:
    filters = {"unit_id__in": unit_ids, "day__gte": period.start, "day__lte": period.end}
    if service_id:
        filters["service_id"] = service_id
    if channel:
        filters["channel"] = channel
    return filters


def _elements_of(questionnaire_ids) -> dict[int, list[Element]]:
    elements = defaultdict(list)
    for element in Element.objects.filter(questionnaire_id__in=questionnaire_ids).order_by("position"):
        elements[element.questionnaire_id].append(element)
    return elements


def scores_by_unit(*, unit_ids, period: Period, service_id=None, channel=None) -> dict[int, Scores]:
    """Each unit's scores for the period (units without respondents are left out): two grouped queries."""
    filters = _tally_filter(unit_ids=list(unit_ids), period=period, service_id=service_id, channel=channel)
    respondents = (ResponseTally.objects.filter(**filters).values("unit_id", "questionnaire_id")
                   .annotate(n=Sum("count")).filter(n__gt=0))
    answers = (ElementTally.objects.filter(**filters).values("unit_id", "element_id", "value")
               .annotate(n=Sum("count")).filter(n__gt=0))
    questionnaire_of_unit = {row["unit_id"]: row["questionnaire_id"] for row in respondents}
    questionnaires = Questionnaire.objects.in_bulk(set(questionnaire_of_unit.values()))
    elements = _elements_of(questionnaires)
    scores = {
        row["unit_id"]: Scores(questionnaire=questionnaires[row["questionnaire_id"]],
                               elements=elements[row["questionnaire_id"]], respondents=row["n"])
        for row in respondents
    }
    for row in answers:
        unit_scores = scores.get(row["unit_id"])
        if unit_scores is not None:
            unit_scores.value_counts.setdefault(row["element_id"], [0, 0, 0, 0])[row["value"] - 1] += row["n"]
    return scores


def pooled_scores(*, unit_ids, period: Period, service_id=None, channel=None) -> list[Scores]:
    """The units' answers pooled per questionnaire (an agency or a whole region), most respondents first."""
    filters = _tally_filter(unit_ids=list(unit_ids), period=period, service_id=service_id, channel=channel)
    respondents = (ResponseTally.objects.filter(**filters).values("questionnaire_id")
                   .annotate(n=Sum("count")).filter(n__gt=0))
    answers = (ElementTally.objects.filter(**filters).values("questionnaire_id", "element_id", "value")
               .annotate(n=Sum("count")).filter(n__gt=0))
    questionnaires = Questionnaire.objects.in_bulk([row["questionnaire_id"] for row in respondents])
    elements = _elements_of(questionnaires)
    pooled = {
        row["questionnaire_id"]: Scores(questionnaire=questionnaires[row["questionnaire_id"]],
                                        elements=elements[row["questionnaire_id"]], respondents=row["n"])
        for row in respondents
    }
    for row in answers:
        if row["questionnaire_id"] in pooled:
            counts = pooled[row["questionnaire_id"]].value_counts.setdefault(row["element_id"], [0, 0, 0, 0])
            counts[row["value"] - 1] += row["n"]
    return sorted(pooled.values(), key=lambda scores: -scores.respondents)


def respondents_by_day(*, unit_ids, period: Period, service_id=None, channel=None) -> dict:
    """Respondents per local day of answering."""
    filters = _tally_filter(unit_ids=list(unit_ids), period=period, service_id=service_id, channel=channel)
    rows = ResponseTally.objects.filter(**filters).values("day").annotate(n=Sum("count")).order_by("day")
    return {row["day"]: row["n"] for row in rows}


def respondents_by_channel(*, unit_ids, period: Period, service_id=None) -> dict[str, int]:
    filters = _tally_filter(unit_ids=list(unit_ids), period=period, service_id=service_id)
    rows = ResponseTally.objects.filter(**filters).values("channel").annotate(n=Sum("count"))
    return {row["channel"]: row["n"] for row in rows if row["n"]}


def respondents_by_service(*, unit_ids, period: Period, channel=None) -> dict[int, int]:
    filters = _tally_filter(unit_ids=list(unit_ids), period=period, channel=channel)
    rows = ResponseTally.objects.filter(**filters).values("service_id").annotate(n=Sum("count"))
    return {row["service_id"]: row["n"] for row in rows if row["n"]}


def population_by_unit(*, unit_ids, period: Period) -> dict[int, int]:
    """Service users per unit in the period (Population rows), for the required sample size.

    A quarter reads its quarter's row; a year its year row, else the sum of all four quarters; a semester
    the sum of its two quarters. Units without the needed rows are left out rather than guessed.
    """
    rows = Population.objects.filter(unit_id__in=list(unit_ids), year=period.year)
    if period.kind == "quarter":
        return dict(rows.filter(quarter=period.number).values_list("unit_id", "service_users"))
    quarters = {"year": (1, 2, 3, 4), "semester": (2 * period.number - 1, 2 * period.number)}.get(period.kind)
    if quarters is None:
        return {}
    found = {}
    if period.kind == "year":
        found = dict(rows.filter(quarter__isnull=True).values_list("unit_id", "service_users"))
    summed = (rows.filter(quarter__in=quarters).exclude(unit_id__in=found).values("unit_id")
              .annotate(n=Sum("service_users"), parts=Count("id")).filter(parts=len(quarters)))
    return {**found, **{row["unit_id"]: row["n"] for row in summed}}


def responses_in_period(*, unit_ids, period: Period):
    """The counted (not excluded) responses of the units answered on the period's local days."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(period.start, time.min), zone)
    end = timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min), zone)
    return Response.objects.filter(unit_id__in=list(unit_ids), excluded_at__isnull=True,
                                   answered_at__gte=start, answered_at__lt=end)


def respondent_profile(*, unit_ids, period: Period) -> dict[str, dict[str, int]]:
    """Counted respondents by gender, age band, education and occupation ("" for not given), in the database."""
    age_band = Case(*[When(age__gte=low, then=Value(label)) for low, label in reversed(official.AGE_BANDS)],
                    default=Value(""), output_field=CharField())
    responses = responses_in_period(unit_ids=unit_ids, period=period).order_by()
    profile = {}
    for field, expression in (("gender", F("gender")), ("age", age_band), ("education", F("education")),
                              ("occupation", F("occupation"))):
        rows = responses.annotate(group=expression).values("group").annotate(n=Count("id"))
        profile[field] = {row["group"]: row["n"] for row in rows}
    return profile


def suggestions_for(*, unit_ids, period: Period, limit: int | None = None) -> list[dict]:
    """Counted respondents' non-empty suggestions, newest first."""
    rows = (responses_in_period(unit_ids=unit_ids, period=period).exclude(suggestion="").order_by("-answered_at", "-id")
            .values("answered_at", "suggestion", "unit__name", "service__name"))
    return list(rows[:limit] if limit else rows)
