"""Reads of scores. Everything is computed from the tallies (surveys.tallies), so a score costs the same
however many responses lie behind it: whole months of a period from the month tallies, its partial edge months
(custom ranges) and anything narrowed to a service or channel below month level from the day-level tallies."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from operator import add
from decimal import Decimal

from django.db.models import Count, F, Max, Min, Prefetch, Q, Sum, Value
from django.db.models.functions import ExtractQuarter, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Population, Service, ServiceUnit
from agencies.zones import unit_zones
from reports.figure_cache import figures_cached
from reports.ikm import (
    SCORES, ElementScore, ElementTotal, IkmResult, MissingAnswers, RankedIkm, change_is_significant, compute_ikm,
    element_ranked, element_score, ikm_confidence_interval, ikm_ranked, ikm_ranked_totals,
)
from reports.followup import (
    ElementResult, FollowUpIndicators, PlanFacts, SurveyedQuarter, follow_up_indicators_compute, weak_codes,
)
from reports.models import FollowUpPlan, FollowUpStatusChange
from reports.periods import Period
from reports.sampling import krejcie_morgan
from surveys import official
from surveys.models import (
    Answer, Element, ElementMonthTally, ElementTally, ProfileMonthTally, Questionnaire, Response, ResponseMonthTally,
    ResponseTally,
)
from surveys.tallies import PROFILE_QUESTIONS, age_band_expression, month_of


def third_party_mark(providers: Iterable[str]) -> str:
    """The words that mark a figure holding a third-party survey's result, with its providers (in alphabetical
    order, so that every output of the same figure reads the same)."""
    names = ", ".join(sorted(set(providers)))
    label = _("hasil survei pihak ketiga")
    return f"{label} ({names})" if names else label


NO_ANSWERS = (0, 0, 0, 0)


@dataclass
class Scores:
    """The results of one questionnaire over a set of units and a period."""

    questionnaire: Questionnaire
    elements: list[Element]
    respondents: int
    value_counts: dict[int, Sequence[int]] = field(default_factory=dict)  # element id -> counts of 1,2,3,4
    third_party: bool = False  # holds a third-party survey's result (reports.third_party)
    # element id -> (sum, answers) of third-party results that report only sums, beside the counts
    extra_totals: dict[int, tuple[int, int]] = field(default_factory=dict)
    providers: tuple[str, ...] = ()  # the third-party providers, in the order they were added

    @property
    def totals(self) -> list[ElementTotal]:
        totals = []
        for element in self.elements:
            c1, c2, c3, c4 = self.value_counts.get(element.id, NO_ANSWERS)
            extra_sum, extra_count = self.extra_totals.get(element.id, (0, 0))
            totals.append(ElementTotal(code=element.code, sum=c1 + 2 * c2 + 3 * c3 + 4 * c4 + extra_sum,
                                       count=c1 + c2 + c3 + c4 + extra_count))
        return totals

    @property
    def third_party_label(self) -> str:
        """"hasil survei pihak ketiga (provider)", the mark every output puts beside such a figure ("" if none)."""
        if not self.third_party:
            return ""
        return third_party_mark(self.providers)

    @property
    def element_value_counts(self) -> list[tuple[int, int, int, int]]:
        counts = self.value_counts
        return [tuple(counts.get(element.id, NO_ANSWERS)) for element in self.elements]

    @property
    def element_scores(self) -> dict[int, ElementScore]:
        """Element id -> NRR, weighted NRR, NRR x 25 and grade, for each element that has answers (even when
        another element has none and so there is no IKM)."""
        rules = self.questionnaire.rules
        return {element.id: element_score(total, rules)
                for element, total in zip(self.elements, self.totals, strict=True) if total.count}

    @property
    def element_converted(self) -> dict[int, Decimal]:
        """Element id -> NRR x 25 rounded as shown, for each element that has answers (even without an IKM)."""
        return {element_id: score.converted for element_id, score in self.element_scores.items()}

    @property
    def missing_elements(self) -> list[Element]:
        return [element for element, total in zip(self.elements, self.totals, strict=True) if not total.count]

    @property
    def unavailable_reason(self) -> str | None:
        """Why the IKM and grade cannot be computed ("U9 belum ada jawaban"), None when they can. Every screen,
        document and recap row shows "tidak dapat dihitung" with this reason."""
        if self.respondents == 0:
            return _("belum ada responden")
        missing = self.missing_elements
        if missing:
            return _("%(codes)s belum ada jawaban") % {"codes": ", ".join(element.code for element in missing)}
        return None

    @cached_property
    def result(self) -> IkmResult | None:
        """The IKM, or None while some element has no answer at all (see `missing_elements`).

        Computed once: read it only after the counts are complete."""
        if self.respondents == 0:
            return None
        try:
            return compute_ikm(self.totals, self.questionnaire.rules)
        except MissingAnswers:
            return None

    @cached_property
    def ranked(self) -> RankedIkm | None:
        """`result`'s IKM, converted IKM and grade without its per-element scores (reports.ikm.ikm_ranked): what
        a ranking or a recap of hundreds of units needs. None exactly when `result` is None."""
        if self.respondents == 0:
            return None
        try:
            if self.extra_totals:
                totals = self.totals
                return ikm_ranked_totals([total.sum for total in totals], [total.count for total in totals],
                                         self.questionnaire.rules)
            return ikm_ranked(self.element_value_counts, self.questionnaire.rules)
        except MissingAnswers:
            return None


def _month_split(period: Period) -> tuple[tuple[date, date] | None, list[Period]]:
    """The first days of the first and last whole months inside the period (None: no whole month), and the
    partial months at its edges as periods of days."""
    next_month = month_of(period.start.replace(day=28) + timedelta(days=4))  # day 28 + 4 is always next month
    first = period.start if period.start.day == 1 else next_month
    after_end = period.end + timedelta(days=1)
    last = month_of(period.end) if after_end.day == 1 else month_of(month_of(period.end) - timedelta(days=1))
    if first > last:
        return None, [period]
    edges = []
    if period.start < first:
        edges.append(Period.custom(period.start, first - timedelta(days=1)))
    after_last = month_of(last + timedelta(days=31))
    if period.end >= after_last:
        edges.append(Period.custom(after_last, period.end))
    return (first, last), edges


class TallySum(Sum):
    """SUM of a tally's integer columns, as the database returns it (an integer, or NULL over no rows): without
    Django's int() on every value, which cost a recap of 500 units a fifth of its time."""

    def get_db_converters(self, connection):
        return self.output_field.get_db_converters(connection)


PER = {  # what `_summed(per=...)` adds to each key: (from the month tally, from the day-level tally)
    "month": (lambda: F("month"), lambda: TruncMonth("day")),  # the month's first day
    "quarter": (lambda: ExtractQuarter("month"), lambda: ExtractQuarter("day")),  # the quarter's number, 1..4
}


def _summed(day_model, month_model, *, unit_ids, period: Period, by: tuple[str, ...], sums: dict, service_id=None,
            channel=None, per: str | None = None, month_sums: dict | None = None) -> dict[tuple, tuple[int, ...]]:
    """The `sums` of a tally per `by` (plus the month or quarter, see PER) over the units and period: one
    grouped query on the month tally for the whole months (`month_sums` there when its columns differ), one on
    the day-level tally for the rest. Keys whose sums are all zero are left out."""
    unit_ids = list(unit_ids)
    narrowing = {name: value for name, value in (("service_id", service_id), ("channel", channel)) if value}
    month_fields = {f.attname for f in month_model._meta.concrete_fields}
    whole, edges = _month_split(period) if narrowing.keys() <= month_fields else (None, [period])
    reads = []
    of_month, of_day = PER[per] if per else (None, None)
    if whole:
        reads.append((month_model.objects.filter(unit_id__any=unit_ids, month__gte=whole[0], month__lte=whole[1],
                                                 **narrowing), of_month, month_sums or sums))
    if edges:
        days = Q(pk__in=[])
        for edge in edges:
            days |= Q(day__gte=edge.start, day__lte=edge.end)
        reads.append((day_model.objects.filter(days, unit_id__any=unit_ids, **narrowing), of_day, sums))
    group = (*by, "m") if per else by
    width = len(group)
    totals = {}
    for rows, when, read_sums in reads:
        if per:
            rows = rows.annotate(m=when())
        for row in rows.order_by().values(*group).annotate(**read_sums).values_list(*group, *read_sums):
            key, values = row[:width], row[width:]
            if None in values:  # a SUM over no rows (a value nobody gave on those days)
                values = tuple(value or 0 for value in values)
            found = totals.get(key)
            # Most keys come from one read only; a second read adds to the first.
            totals[key] = values if found is None else tuple(map(add, found, values))
    return {key: found for key, found in totals.items() if any(found)}


def _respondents(*, by, **read) -> dict[tuple, int]:
    return {key: n for key, (n,) in _summed(ResponseTally, ResponseMonthTally, by=by, sums={"n": TallySum("count")},
                                            **read).items()}


VALUE_SUMS = {f"v{value}": TallySum("count", filter=Q(value=value)) for value in SCORES}
MONTH_VALUE_SUMS = {f"v{value}": TallySum(column)
                    for value, column in zip(SCORES, ElementMonthTally.COUNTS, strict=True)}
# An element's sum of values and number of answers
ELEMENT_TOTALS = {"total": TallySum(F("value") * F("count")), "answers": TallySum("count")}
MONTH_ELEMENT_TOTALS = {
    "total": TallySum(sum((F(column) * value for value, column in zip(SCORES, ElementMonthTally.COUNTS, strict=True)),
                          start=Value(0))),
    "answers": TallySum(sum((F(column) for column in ElementMonthTally.COUNTS), start=Value(0))),
}


def _answers(*, by, **read) -> dict[tuple, tuple[int, int, int, int]]:
    """Per `by`, the counts of answers valued 1, 2, 3 and 4 (one row per element, not per value)."""
    return _summed(ElementTally, ElementMonthTally, by=by, sums=VALUE_SUMS, month_sums=MONTH_VALUE_SUMS, **read)


def captured_by_unit_month(*, unit_ids, period: Period, with_answers: bool
                           ) -> tuple[dict[tuple, int], dict[tuple, tuple[int, int, int, int]]]:
    """Respondents per (unit id, questionnaire id, month) and, when asked, counts of 1..4 per (unit id,
    questionnaire id, element id, month): one grouped query each (the month tallies for whole months)."""
    read = {"unit_ids": list(unit_ids), "period": period, "per": "month"}
    respondents = _respondents(by=("unit_id", "questionnaire_id"), **read)
    answers = _answers(by=("unit_id", "questionnaire_id", "element_id"), **read) if with_answers else {}
    return respondents, answers


def _elements_of(questionnaire_ids) -> dict[int, list[Element]]:
    elements = defaultdict(list)
    for element in Element.objects.filter(questionnaire_id__in=questionnaire_ids).order_by("position"):
        elements[element.questionnaire_id].append(element)
    return elements


def _main_questionnaires(respondents: Mapping[tuple, int]) -> dict[tuple, tuple[int, int]]:
    """Per key (the respondents' keys without their last part, the questionnaire id): (respondents, questionnaire
    id) of the questionnaire most of the key's respondents answered (ties: the higher id)."""
    main = {}
    for (*key, questionnaire_id), n in respondents.items():
        key = tuple(key)
        if key not in main or (n, questionnaire_id) > main[key]:
            main[key] = (n, questionnaire_id)
    return main


def _main_scores(respondents: Mapping[tuple, int], answers: Mapping[tuple, Sequence[int]]) -> dict:
    """Scores per key (the respondents' keys without their last part, the questionnaire id) on the questionnaire
    most of the key's respondents answered."""
    main = _main_questionnaires(respondents)
    questionnaires = Questionnaire.objects.in_bulk({questionnaire_id for _n, questionnaire_id in main.values()})
    elements = _elements_of(questionnaires)
    scores = {key: Scores(questionnaire=questionnaires[questionnaire_id], elements=elements[questionnaire_id],
                          respondents=n) for key, (n, questionnaire_id) in main.items()}
    for key, counts in answers.items():  # key: (*the scores' key, questionnaire id, element id)
        found = scores.get(key[:-2])
        if found is not None and found.questionnaire.id == key[-2]:
            found.value_counts[key[-1]] = counts
    return scores


def scores_by_unit(*, unit_ids, period: Period, service_id=None, channel=None) -> dict[int, Scores]:
    """Each unit's scores for the period (units without respondents are left out): two grouped queries.

    A unit whose questionnaire changed within the period is scored on the questionnaire most of its respondents
    answered; pooled_scores gives one result per questionnaire.
    """
    read = {"unit_ids": list(unit_ids), "period": period, "service_id": service_id, "channel": channel}
    scores = _main_scores(_respondents(by=("unit_id", "questionnaire_id"), **read),
                          _answers(by=("unit_id", "questionnaire_id", "element_id"), **read))
    return {unit_id: found for (unit_id,), found in scores.items()}


def element_totals_by_unit_quarter(*, unit_ids, year: int) -> dict[tuple[int, int], tuple[int, dict[int, tuple]]]:
    """(unit id, quarter number) -> the questionnaire most of the unit's respondents answered in that quarter of
    the year, and its elements' (sum of values, answers): two grouped queries on the month tallies, summed per
    quarter by the database. What the weak elements of hundreds of unit-quarters need, without Scores."""
    read = {"unit_ids": list(unit_ids), "period": Period.year_of(year), "per": "quarter"}
    main = _main_questionnaires({(unit_id, quarter, questionnaire_id): n for (unit_id, questionnaire_id, quarter), n
                                 in _respondents(by=("unit_id", "questionnaire_id"), **read).items()})
    totals = {key: (questionnaire_id, {}) for key, (_n, questionnaire_id) in main.items()}
    for (unit_id, questionnaire_id, element_id, quarter), element_totals in _summed(
            ElementTally, ElementMonthTally, by=("unit_id", "questionnaire_id", "element_id"),
            sums=ELEMENT_TOTALS, month_sums=MONTH_ELEMENT_TOTALS, **read).items():
        found = totals.get((unit_id, quarter))
        if found is not None and found[0] == questionnaire_id:
            found[1][element_id] = element_totals
    return totals


def _grouped_scores(*, by: tuple[str, ...], **read) -> dict[tuple, Scores]:
    """Scores per value of `by` and questionnaire (each key ends with the questionnaire id): two grouped queries."""
    respondents = _respondents(by=(*by, "questionnaire_id"), **read)
    answers = _answers(by=(*by, "questionnaire_id", "element_id"), **read)
    questionnaires = Questionnaire.objects.in_bulk({key[-1] for key in respondents})
    elements = _elements_of(questionnaires)
    grouped = {key: Scores(questionnaire=questionnaires[key[-1]], elements=elements[key[-1]], respondents=n)
               for key, n in respondents.items()}
    for (*key, element_id), counts in answers.items():
        found = grouped.get(tuple(key))
        if found is not None:
            found.value_counts[element_id] = counts
    return grouped


def pooled_scores(*, unit_ids, period: Period, service_id=None, channel=None) -> list[Scores]:
    """The units' answers pooled per questionnaire (an agency or a whole region), most respondents first."""
    read = {"unit_ids": list(unit_ids), "period": period, "service_id": service_id, "channel": channel}
    return sorted(_grouped_scores(by=(), **read).values(), key=lambda scores: -scores.respondents)


def scores_by_unit_questionnaire(*, unit_ids, period: Period, service_id=None,
                                 channel=None) -> dict[int, list[Scores]]:
    """Each unit's scores, one per questionnaire it was answered on in the period, in the order the
    questionnaires were first answered (units without respondents are left out): two grouped queries, and a
    third for the units answered on more than one questionnaire."""
    read = {"unit_ids": list(unit_ids), "period": period, "service_id": service_id, "channel": channel}
    grouped = _grouped_scores(by=("unit_id",), **read)
    answered_on = Counter(unit_id for unit_id, _questionnaire_id in grouped)
    changed = [unit_id for unit_id, questionnaires in answered_on.items() if questionnaires > 1]
    first_days = questionnaire_first_days(**{**read, "unit_ids": changed}) if changed else {}
    by_unit = defaultdict(list)
    for (unit_id, questionnaire_id), scores in sorted(grouped.items(),
                                                      key=lambda item: (first_days.get(item[0], period.end), item[0])):
        by_unit[unit_id].append(scores)
    return dict(by_unit)


def questionnaire_first_days(*, unit_ids, period: Period, service_id=None, channel=None) -> dict[tuple[int, int], date]:
    """(unit id, questionnaire id) -> the first local day of the period with a counted response on it."""
    filters = {"unit_id__any": list(unit_ids), "day__gte": period.start, "day__lte": period.end, "count__gt": 0}
    filters.update({name: value for name, value in (("service_id", service_id), ("channel", channel)) if value})
    rows = (ResponseTally.objects.filter(**filters).order_by().values("unit_id", "questionnaire_id")
            .annotate(first=Min("day")).values_list("unit_id", "questionnaire_id", "first"))
    return {(unit_id, questionnaire_id): first for unit_id, questionnaire_id, first in rows}


@dataclass(frozen=True)
class QuestionnaireChange:
    """A unit that moved to another questionnaire within a period, on the local day of the first response to it."""

    unit: ServiceUnit
    previous: Questionnaire
    questionnaire: Questionnaire
    day: date


def questionnaire_changes(*, unit_ids, period: Period, service_id=None, channel=None) -> list[QuestionnaireChange]:
    """Every change of questionnaire within the period by the units, in order of day."""
    first_days = questionnaire_first_days(unit_ids=unit_ids, period=period, service_id=service_id, channel=channel)
    used = defaultdict(list)
    for (unit_id, questionnaire_id), day in first_days.items():
        used[unit_id].append((day, questionnaire_id))
    changed = {unit_id: sorted(days) for unit_id, days in used.items() if len(days) > 1}
    if not changed:
        return []
    units = ServiceUnit.objects.in_bulk(changed)
    questionnaires = Questionnaire.objects.in_bulk({q for days in changed.values() for _day, q in days})
    changes = [QuestionnaireChange(unit=units[unit_id], previous=questionnaires[before],
                                   questionnaire=questionnaires[after], day=day)
               for unit_id, days in changed.items() for (_first, before), (day, after) in zip(days, days[1:])]
    return sorted(changes, key=lambda change: (change.day, change.unit.name))


def respondents_by_day(*, unit_ids, period: Period, service_id=None, channel=None) -> dict:
    """Respondents per local day of answering."""
    filters = {"unit_id__any": list(unit_ids), "day__gte": period.start, "day__lte": period.end}
    filters.update({name: value for name, value in (("service_id", service_id), ("channel", channel)) if value})
    rows = ResponseTally.objects.filter(**filters).values("day").annotate(n=Sum("count")).order_by("day")
    return {row["day"]: row["n"] for row in rows}


def respondents_by_channel(*, unit_ids, period: Period, service_id=None) -> dict[str, int]:
    return respondent_counts(unit_ids=unit_ids, period=period, service_id=service_id).by_channel


def respondents_by_unit(*, unit_ids, period: Period) -> dict[int, int]:
    rows = _respondents(by=("unit_id",), unit_ids=unit_ids, period=period)
    return {unit_id: n for (unit_id,), n in rows.items()}


def respondents_by_service(*, unit_ids, period: Period, channel=None) -> dict[int, int]:
    rows = _respondents(by=("service_id",), unit_ids=unit_ids, period=period, channel=channel)
    return {service_id: n for (service_id,), n in rows.items()}


def population_by_unit(*, unit_ids, period: Period) -> dict[int, int]:
    """Service users per unit in the period (Population rows), for the required sample size.

    A quarter reads its quarter's row; a year its year row, else the sum of all four quarters; a semester
    the sum of its two quarters. Units without the needed rows are left out rather than guessed.
    """
    # order_by(): the model's ordering by unit name would join every row to its unit for nothing.
    rows = Population.objects.filter(unit_id__any=list(unit_ids), year=period.year).order_by()
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


def _local_days(period: Period) -> tuple[datetime, datetime]:
    """The instants where the period's first local day starts and the day after its last one starts."""
    zone = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(period.start, time.min), zone),
            timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min), zone))


def responses_in_period(*, unit_ids, period: Period, service_id=None, channel=None):
    """The counted (not excluded) responses of the units answered on the period's local days."""
    start, end = _local_days(period)
    responses = Response.objects.filter(unit_id__any=list(unit_ids), excluded_at__isnull=True,
                                        answered_at__gte=start, answered_at__lt=end)
    if service_id:
        responses = responses.filter(service_id=service_id)
    if channel:
        responses = responses.filter(channel=channel)
    return responses


@dataclass(frozen=True)
class AssistedShare:
    """Counted respondents of a period and how many of them a staff member helped ("dibantu petugas")."""

    total: int
    assisted: int

    @property
    def percent(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(100 * self.assisted) / self.total).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class RespondentCounts:
    """Counted respondents of a period per channel (the channel chart, narrowed to a service only) and, for the
    channel chosen (all when none), how many a staff member helped and how many wrote a suggestion."""

    by_channel: dict[str, int]
    assisted: AssistedShare
    with_suggestion: int


def respondent_counts(*, unit_ids, period: Period, service_id=None, channel=None) -> RespondentCounts:
    """RespondentCounts in one grouped query on the response tallies (whole months from the month tally)."""
    rows = _summed(ResponseTally, ResponseMonthTally, by=("channel",), unit_ids=unit_ids, period=period,
                   service_id=service_id, sums={"n": TallySum("count"), "assisted": TallySum("assisted"),
                                                "with_suggestion": TallySum("with_suggestion")})
    chosen = [values for (found,), values in rows.items() if not channel or found == channel]
    return RespondentCounts(by_channel={found: n for (found,), (n, _assisted, _written) in rows.items() if n},
                            assisted=AssistedShare(total=sum(values[0] for values in chosen),
                                                   assisted=sum(values[1] for values in chosen)),
                            with_suggestion=sum(values[2] for values in chosen))


def assisted_share(*, unit_ids, period: Period, service_id=None, channel=None) -> AssistedShare:
    return respondent_counts(unit_ids=unit_ids, period=period, service_id=service_id, channel=channel).assisted


def suggestions_count(*, unit_ids, period: Period, service_id=None, channel=None) -> int:
    """How many counted respondents wrote a suggestion: suggestions_search's count without a query, from the
    tallies."""
    return respondent_counts(unit_ids=unit_ids, period=period, service_id=service_id,
                             channel=channel).with_suggestion


def _profile_from_responses(responses) -> dict[str, dict[str, int]]:
    profile = {}
    for question, expression in zip(PROFILE_QUESTIONS, (F("gender"), age_band_expression(), F("education"),
                                                        F("occupation")), strict=True):
        rows = responses.order_by().annotate(group=expression).values("group").annotate(n=Count("id"))
        profile[question] = {row["group"]: row["n"] for row in rows}
    return profile


def respondent_profile(*, unit_ids, period: Period, service_id=None, channel=None) -> dict[str, dict[str, int]]:
    """Counted respondents by gender, age band, education and occupation ("" for not given): whole months from
    ProfileMonthTally, the rest (and anything narrowed to a service or channel) grouped from the responses."""
    unit_ids = list(unit_ids)
    whole, edges = (None, [period]) if service_id or channel else _month_split(period)
    profile = {question: defaultdict(int) for question in PROFILE_QUESTIONS}
    if whole:
        rows = (ProfileMonthTally.objects.filter(unit_id__any=unit_ids, month__gte=whole[0], month__lte=whole[1])
                .values("question", "answer").annotate(n=Sum("count")).values_list("question", "answer", "n"))
        for question, answer, n in rows:
            if n:
                profile[question][answer] += n
    for edge in edges:
        narrowed = responses_in_period(unit_ids=unit_ids, period=edge, service_id=service_id, channel=channel)
        for question, counts in _profile_from_responses(narrowed).items():
            for answer, n in counts.items():
                profile[question][answer] += n
    return {question: dict(counts) for question, counts in profile.items()}


PROFILE_CHOICES = {
    "gender": official.GENDERS,
    "age": tuple((label, label) for _low, label in official.AGE_BANDS),
    "education": official.EDUCATIONS,
    "occupation": official.OCCUPATIONS,
}


def respondent_profile_items(*, unit_ids, period: Period, not_given: str, service_id=None,
                             channel=None) -> dict[str, list[tuple[str, int]]]:
    """Per profile question, (label, respondents) for each choice in order, then (not_given, respondents who
    left it blank) when there are any."""
    profile = respondent_profile(unit_ids=unit_ids, period=period, service_id=service_id, channel=channel)
    items = {}
    for question, choices in PROFILE_CHOICES.items():
        counts = profile.get(question, {})
        items[question] = [(str(label), counts.get(code, 0)) for code, label in choices]
        if counts.get(""):
            items[question].append((not_given, counts[""]))
    return items


def respondents_by_service_named(*, unit_ids, period: Period, channel=None, with_unit: bool) -> list[tuple[str, int]]:
    """Respondents per service, by unit and service name, each named "unit · service" when with_unit."""
    by_service = respondents_by_service(unit_ids=unit_ids, period=period, channel=channel)
    # Names only, not instances: a region has thousands of services.
    services = (Service.objects.filter(id__any=list(by_service)).order_by("unit__name", "name")
                .values_list("id", "unit__name", "name"))
    return [(f"{unit_name} · {name}" if with_unit else name, by_service[service_id])
            for service_id, unit_name, name in services]


def suggestions_for(*, unit_ids, period: Period, limit: int | None = None) -> list[dict]:
    """Counted respondents' non-empty suggestions, newest first."""
    rows = (responses_in_period(unit_ids=unit_ids, period=period).exclude(suggestion="").order_by("-answered_at", "-id")
            .values("answered_at", "suggestion", "unit__name", "service__name"))
    return list(rows[:limit] if limit else rows)


# Dashboards: sample size, trend, change, rank and suggestions, all read from the tallies or grouped in SQL.

@dataclass(frozen=True)
class Sample:
    """Respondents against the Krejcie-Morgan sample for the service users of the period (None: unknown)."""

    respondents: int
    population: int | None
    required: int | None

    @property
    def met(self) -> bool | None:
        return None if self.required is None else self.respondents >= self.required

    @property
    def missing(self) -> int:
        return max((self.required or 0) - self.respondents, 0)

    @property
    def progress(self) -> int:
        """Percent of the required sample reached, capped at 100 (for a progress bar)."""
        return min(100, self.respondents * 100 // self.required) if self.required else 0


def sample_pooled(*, unit_ids, populations: Mapping[int, int], respondents: int) -> Sample:
    """The sample the units' service users require together; unknown unless every unit has its population."""
    unit_ids = set(unit_ids)
    if not unit_ids or not unit_ids <= populations.keys():
        return Sample(respondents=respondents, population=None, required=None)
    population = sum(populations[unit_id] for unit_id in unit_ids)
    return Sample(respondents=respondents, population=population, required=krejcie_morgan(population))


def sample_for(*, unit_ids, period: Period, respondents: int) -> Sample:
    """sample_pooled with the units' populations of the period."""
    unit_ids = list(unit_ids)
    return sample_pooled(unit_ids=unit_ids, populations=population_by_unit(unit_ids=unit_ids, period=period),
                         respondents=respondents)


def samples_by_unit(*, unit_ids, period: Period, respondents: dict[int, int]) -> dict[int, Sample]:
    """Each unit's own sample (the region table)."""
    populations = population_by_unit(unit_ids=unit_ids, period=period)
    return {unit_id: sample_pooled(unit_ids=[unit_id], populations=populations,
                                   respondents=respondents.get(unit_id, 0))
            for unit_id in unit_ids}


def scores_merge(scores: Iterable[Scores]) -> list[Scores]:
    """Several units' scores pooled per questionnaire (their tallies added up), most respondents first."""
    pooled: dict[int, Scores] = {}
    for part in scores:
        merged = pooled.setdefault(part.questionnaire.id, Scores(questionnaire=part.questionnaire,
                                                                  elements=part.elements, respondents=0))
        merged.respondents += part.respondents
        for element_id, counts in part.value_counts.items():
            total = merged.value_counts.setdefault(element_id, [0, 0, 0, 0])
            for index, value in enumerate(counts):
                total[index] += value
        for element_id, (extra_sum, extra_count) in part.extra_totals.items():
            found_sum, found_count = merged.extra_totals.get(element_id, (0, 0))
            merged.extra_totals[element_id] = (found_sum + extra_sum, found_count + extra_count)
        merged.third_party = merged.third_party or part.third_party
        merged.providers = tuple(dict.fromkeys((*merged.providers, *part.providers)))
    return sorted(pooled.values(), key=lambda merged: (-merged.respondents, merged.questionnaire.id))


def scores_by_quarter(*, unit_ids, quarters: list[Period], questionnaire_id: int, service_id=None,
                      channel=None) -> dict[Period, Scores]:
    """The units' pooled scores for one questionnaire in each of the given quarters: read from the cache keyed
    on the units' data versions (reports.figure_cache), else two grouped queries."""
    unit_ids = list(unit_ids)
    return figures_cached("scores_by_quarter", unit_ids=unit_ids,
                          params=(tuple(quarters), questionnaire_id, service_id, channel),
                          compute=lambda: _scores_by_quarter(unit_ids=unit_ids, quarters=quarters,
                                                             questionnaire_id=questionnaire_id,
                                                             service_id=service_id, channel=channel))


def _scores_by_quarter(*, unit_ids, quarters: list[Period], questionnaire_id: int, service_id,
                       channel) -> dict[Period, Scores]:
    span = Period.custom(min(quarter.start for quarter in quarters), max(quarter.end for quarter in quarters))
    read = {"unit_ids": list(unit_ids), "period": span, "service_id": service_id, "channel": channel,
            "per": "month"}
    respondents, answers = defaultdict(int), defaultdict(lambda: [0, 0, 0, 0])
    for (found_id, month), n in _respondents(by=("questionnaire_id",), **read).items():
        if found_id == questionnaire_id:
            respondents[(month.year, (month.month + 2) // 3)] += n
    for (found_id, element_id, month), counts in _answers(by=("questionnaire_id", "element_id"), **read).items():
        if found_id == questionnaire_id:
            total = answers[(month.year, (month.month + 2) // 3, element_id)]
            for index, count in enumerate(counts):
                total[index] += count
    questionnaire = Questionnaire.objects.get(pk=questionnaire_id)
    elements = _elements_of([questionnaire_id])[questionnaire_id]
    wanted = {(quarter.year, quarter.number): quarter for quarter in quarters}
    found = {key: Scores(questionnaire=questionnaire, elements=elements, respondents=n)
             for key, n in respondents.items() if key in wanted}
    for (year, quarter, element_id), counts in answers.items():
        scores = found.get((year, quarter))
        if scores is not None:
            scores.value_counts[element_id] = counts
    return {wanted[key]: scores for key, scores in found.items()}


def scores_interval(scores: Scores | None) -> tuple[Decimal, Decimal] | None:
    """The 95% confidence interval of the converted IKM (reports.ikm), None without an IKM."""
    if scores is None or scores.result is None or scores.extra_totals:
        return None  # sums alone do not tell the spread of the answers
    return ikm_confidence_interval(scores.element_value_counts, scores.questionnaire.rules)


@dataclass(frozen=True)
class Change:
    """The converted IKM against an earlier period, and whether the change exceeds the sampling uncertainty."""

    previous: Decimal
    delta: Decimal
    significant: bool

    @property
    def direction(self) -> str:
        return "up" if self.delta > 0 else "down" if self.delta < 0 else "same"


def scores_change(*, current: Scores | None, previous: Scores | None) -> Change | None:
    """None unless both periods have an IKM of the same questionnaire."""
    if current is None or previous is None or current.questionnaire.id != previous.questionnaire.id:
        return None
    now, before = current.result, previous.result
    if now is None or before is None:
        return None
    # Sums alone do not tell the spread of the answers: such a change is never called significant.
    significant = (not current.extra_totals and not previous.extra_totals
                   and change_is_significant(current.element_value_counts, previous.element_value_counts,
                                             current.questionnaire.rules))
    return Change(previous=before.ikm_converted, delta=now.ikm_converted - before.ikm_converted,
                  significant=significant)


def respondents_today(*, unit_ids, service_id=None, channel=None) -> int:
    today = timezone.localdate()
    by_day = respondents_by_day(unit_ids=unit_ids, period=Period.custom(today, today), service_id=service_id,
                                channel=channel)
    return by_day.get(today, 0)


def suggestions_search(*, unit_ids, period: Period, query: str = "", service_id=None, channel=None,
                       theme: str = "", tone: str = ""):
    """Counted responses with a suggestion, newest first, whose suggestion contains the query (and, when given,
    speaks of the theme in the tone)."""
    responses = responses_in_period(unit_ids=unit_ids, period=period, service_id=service_id,
                                    channel=channel).exclude(suggestion="")
    if query:
        responses = responses.filter(suggestion__icontains=query)
    if theme:
        responses = responses.filter(suggestion_elements__contains=theme)
    if tone:
        responses = responses.filter(suggestion_tone=tone)
    return responses.select_related("unit", "service").order_by("-answered_at", "-id")


def answers_of(*, responses) -> list[tuple[Response, list[tuple[str, int]]]]:
    """Each response beside the scores it gave (element code, value), in questionnaire order."""
    responses = list(responses)
    answers = defaultdict(list)
    rows = (Answer.objects.filter(response_id__in=[response.id for response in responses])
            .order_by("element__position").values_list("response_id", "element__code", "value"))
    for response_id, code, value in rows:
        answers[response_id].append((code, value))
    return [(response, answers[response.id]) for response in responses]


def follow_up_plans_of(*, unit_ids, period: Period):
    """The follow-up plans made after the surveys of the period's quarters, in document order."""
    made_in = Q(pk__in=[])
    for quarter in period.quarters():
        made_in |= Q(year=quarter.year, quarter=quarter.number)
    history = Prefetch("status_changes", queryset=FollowUpStatusChange.objects.select_related("recorded_by"))
    return (FollowUpPlan.objects.filter(made_in, unit_id__any=list(unit_ids)).select_related("unit", "element")
            .prefetch_related(history).order_by("unit__name", "year", "quarter", "element__position", "id"))


@dataclass(frozen=True)
class PlanReview:
    """A plan beside its element's converted NRR in the quarter it was made for (before) and now (after)."""

    plan: FollowUpPlan
    before: Decimal | None
    after: Decimal | None

    @property
    def delta(self) -> Decimal | None:
        return None if self.before is None or self.after is None else self.after - self.before


def follow_up_review(*, unit, period: Period) -> list[PlanReview]:
    """The plans made after the previous period, each with its element's score before and in this period."""
    plans = list(follow_up_plans_of(unit_ids=[unit.id], period=period.previous()))
    if not plans:
        return []
    before = {}
    for quarter in {Period.quarter(plan.year, plan.quarter) for plan in plans}:
        scores = scores_by_unit(unit_ids=[unit.id], period=quarter).get(unit.id)
        before[(quarter.year, quarter.number)] = scores.element_converted if scores else {}
    now = scores_by_unit(unit_ids=[unit.id], period=period).get(unit.id)
    after = now.element_converted if now else {}
    return [PlanReview(plan=plan, before=before[(plan.year, plan.quarter)].get(plan.element_id),
                       after=after.get(plan.element_id)) for plan in plans]


def responses_suspected(*, unit_ids, period: Period):
    """Responses flagged as possible repeats in the period, counted or excluded, newest first."""
    start, end = _local_days(period)
    return (Response.objects.filter(unit_id__any=list(unit_ids), suspected_repeat=True, answered_at__gte=start,
                                    answered_at__lt=end)
            .select_related("unit", "service", "kiosk", "excluded_by").order_by("-answered_at", "-id"))


def follow_up_facts(*, unit_ids, year: int) -> tuple[list[SurveyedQuarter], list[PlanFacts]]:
    """The units' surveyed quarters of the year with the elements that need a plan, and their plans of the year
    with the day each was completed: five queries whatever the number of units."""
    unit_ids = list(unit_ids)
    found = element_totals_by_unit_quarter(unit_ids=unit_ids, year=year)
    questionnaires = Questionnaire.objects.in_bulk({questionnaire_id for questionnaire_id, _totals in found.values()})
    elements_of = _elements_of(questionnaires)
    surveyed = []
    for (unit_id, number), (questionnaire_id, totals) in sorted(found.items()):
        rules = questionnaires[questionnaire_id].rules
        elements = []
        for element in elements_of[questionnaire_id]:
            if element.id in totals:  # integers, not Scores.element_scores: a region has thousands of these
                hundredths, grade = element_ranked(*totals[element.id], rules)
                elements.append(ElementResult(element.code, hundredths, grade.letter))
        surveyed.append(SurveyedQuarter(unit_id=unit_id, quarter=number, weak_codes=weak_codes(elements)))
    done = FollowUpPlan.Status.DONE
    rows = (FollowUpPlan.objects.filter(unit_id__any=unit_ids, year=year).order_by()
            .annotate(last_done=Max("status_changes__date", filter=Q(status_changes__status=done)))
            .values_list("unit_id", "quarter", "element__code", "status", "due_date", "last_done"))
    plans = [PlanFacts(unit_id=unit_id, quarter=quarter, element_code=code, status=status, due_date=due_date,
                       completed_on=last_done if status == done else None)
             for unit_id, quarter, code, status, due_date, last_done in rows]
    return surveyed, plans


def _units_today(unit_ids: list[int]) -> date:
    """Today where the units are (their region's zone); the server's zone when there are none."""
    zones = set(unit_zones(unit_ids).values())
    return timezone.localdate(timezone.now(), zones.pop()) if len(zones) == 1 else timezone.localdate()


def follow_up_indicators_grouped(*, groups: Mapping, year: int, today: date | None = None) -> dict:
    """The follow-up indicators (reports.followup.FollowUpIndicators) of each group of units, keyed as `groups`
    (a key -> unit ids: one unit, an agency with the agencies below it, a region). The facts are read once for
    all the groups' units. `today` (for overdue plans) defaults to today in the units' region."""
    groups = {key: set(unit_ids) for key, unit_ids in groups.items()}
    every = sorted(set().union(*groups.values())) if groups else []
    surveyed, plans = follow_up_facts(unit_ids=every, year=year)
    today = today or _units_today(every)
    return {key: follow_up_indicators_compute(
        year=year, today=today, surveyed=[found for found in surveyed if found.unit_id in members],
        plans=[plan for plan in plans if plan.unit_id in members]) for key, members in groups.items()}


def follow_up_indicators(*, unit_ids, year: int, today: date | None = None) -> FollowUpIndicators:
    """The follow-up indicators of a set of units (a unit, an agency's units with its sub-agencies', a region's)
    for a year."""
    return follow_up_indicators_grouped(groups={None: unit_ids}, year=year, today=today)[None]
