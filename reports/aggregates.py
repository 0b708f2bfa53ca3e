"""The figures of agencies and regions, defined once (docs/ikm.md, "Agregasi"); every dashboard and document
that shows an agency or a region reads them here.

- A unit's figure: its respondents and answers per questionnaire it was answered on in the period.
- An agency's figure: the exact pool (sums and counts of answers per element, never an average of IKMs) over the
  units of the agency and of every agency below it.
- A region's figure: the same pool over all its units, each unit counted once.
- A figure over units on different questionnaires has no single IKM: each questionnaire is its own group and
  the pool is "tidak dapat dihitung" with the reason.
- Sample adequacy is per unit: each unit's Krejcie-Morgan minimum from its own population; an agency or region
  reports how many of its units meet theirs and which do not.
- Rankings rank like with like: units among units, perangkat daerah (top-level agencies) among themselves;
  sub-agencies are shown under their parent, never ranked against it.

Everything is read from the tallies in a fixed number of grouped queries, whatever the number of units.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _, ngettext

from agencies.models import Agency, Region, ServiceUnit
from reports.figure_cache import figures_cached
from reports.ikm import IkmResult, RankedIkm
from reports.periods import Period
from reports.models import ThirdPartyResult
from reports.selectors import (
    Sample, Scores, captured_by_unit_month, questionnaire_first_days, samples_by_unit, scores_by_unit_questionnaire,
    scores_merge, third_party_mark,
)
from reports.third_party import ThirdPartyScores, third_party_scores


@dataclass
class Figure:
    """The results of a unit, an agency or a region: one group of scores per questionnaire, most respondents
    first. The IKM exists only when every respondent answered the same questionnaire."""

    groups: list[Scores] = field(default_factory=list)
    # Providers of third-party results left out until somebody chooses how they join the captured responses.
    pending: list[str] = field(default_factory=list)
    # The third-party results inside the groups, and those whose unit's captured responses of their period were
    # left out (documents that list respondents one by one need both).
    used: list[ThirdPartyScores] = field(default_factory=list)
    replaced: list[ThirdPartyScores] = field(default_factory=list)

    @property
    def third_party(self) -> bool:
        return any(scores.third_party for scores in self.groups)

    @property
    def third_party_label(self) -> str:
        """"hasil survei pihak ketiga (providers)" when a group holds such a result, else ""."""
        if not self.third_party:
            return ""
        return third_party_mark(provider for scores in self.groups for provider in scores.providers)

    @property
    def respondents(self) -> int:
        return sum(scores.respondents for scores in self.groups)

    @property
    def mixed(self) -> bool:
        return len(self.groups) > 1

    @property
    def scores(self) -> Scores | None:
        """The pooled scores when there is exactly one questionnaire, else None."""
        return self.groups[0] if len(self.groups) == 1 else None

    @property
    def result(self) -> IkmResult | None:
        return self.scores.result if self.scores else None

    @property
    def ranked(self) -> RankedIkm | None:
        """`result`'s IKM, converted IKM and grade without the per-element scores: for ranking many figures."""
        return self.scores.ranked if self.scores else None

    @property
    def unavailable_reason(self) -> str | None:
        """Why the pool has no IKM ("tidak dapat dihitung"), None when it has one."""
        if self.mixed:
            return _("memakai %(n)s kuesioner berbeda (%(titles)s); IKM dihitung per kuesioner") % {
                "n": len(self.groups), "titles": "; ".join(scores.questionnaire.title for scores in self.groups)}
        if not self.groups:
            return _("belum ada responden")
        return self.groups[0].unavailable_reason


def figure_pool(figures: Iterable[Figure]) -> Figure:
    """The exact pool of several figures: their answers added up per questionnaire and element."""
    figures = list(figures)
    if len(figures) == 1 and len(figures[0].groups) <= 1:
        # Nothing to add up (an agency with one unit): the same scores, their IKM computed once.
        groups = list(figures[0].groups)
    else:
        groups = scores_merge(scores for figure in figures for scores in figure.groups)
    return Figure(groups=groups, pending=[provider for figure in figures for provider in figure.pending],
                  used=[result for figure in figures for result in figure.used],
                  replaced=[result for figure in figures for result in figure.replaced])


def unit_figures(*, unit_ids, period: Period, service_id=None, channel=None,
                 third_party: list[ThirdPartyScores] | None = None) -> dict[int, Figure]:
    """Each unit's figure (units without respondents get an empty one): the captured responses (three grouped
    queries) and the third-party results whose period lies within this one (one more; with such results, one or
    two grouped queries on the captured responses of their periods).

    A third-party result counts like captured respondents, pooled by sums and counts into the group of its
    questionnaire. Where the unit has captured responses in the result's period, the recorded choice decides:
    the result alone (those captured responses are left out), both pooled, or, until somebody chooses, the
    captured responses alone with the result's provider in `pending`. A figure narrowed to a service or a channel
    holds captured responses only: a third-party result has neither.

    `third_party`: the units' results already read (third_party_scores) over a span holding the period, when the
    caller needs them for other periods too; those within the period are used instead of reading them again.

    Read from the cache keyed on the units' data versions (reports.figure_cache) when it holds them."""
    unit_ids = list(unit_ids)

    def compute():
        return _unit_figures_read(unit_ids=unit_ids, period=period, service_id=service_id, channel=channel,
                                  third_party=third_party)

    return figures_cached("unit_figures", unit_ids=unit_ids, params=(period, service_id, channel), compute=compute)


def _unit_figures_read(*, unit_ids: list[int], period: Period, service_id, channel,
                       third_party: list[ThirdPartyScores] | None) -> dict[int, Figure]:
    found = scores_by_unit_questionnaire(unit_ids=unit_ids, period=period, service_id=service_id,
                                         channel=channel)
    figures = {unit_id: Figure(groups=list(found.get(unit_id, []))) for unit_id in unit_ids}
    if service_id or channel:
        return figures
    if third_party is None:
        results = third_party_scores(unit_ids=unit_ids, period=period)
    else:
        results = [result for result in third_party
                   if period.start <= result.period.start and result.period.end <= period.end]
    if not results:
        return figures
    respondents, answers = _captured_in_result_periods(results)
    for result in results:
        figure = figures[result.unit_id]
        captured = {questionnaire_id: n for (unit_id, questionnaire_id, month), n in respondents.items()
                    if unit_id == result.unit_id and result.period.start <= month <= result.period.end}
        if captured and result.mixing == ThirdPartyResult.Mixing.PENDING:
            figure.pending.append(result.provider)
            continue
        if captured and result.mixing == ThirdPartyResult.Mixing.THIRD_PARTY_ONLY:
            figure.groups = _without(figure.groups, captured, {
                (questionnaire_id, element_id): counts
                for (unit_id, questionnaire_id, element_id, month), counts in answers.items()
                if unit_id == result.unit_id and result.period.start <= month <= result.period.end})
            figure.replaced.append(result)
        figure.groups = _with(figure.groups, result.scores)
        figure.used.append(result)
    return figures


def _captured_in_result_periods(results: list[ThirdPartyScores]) -> tuple[dict, dict]:
    """The captured respondents (and, where a result replaces them, answers) of the results' units per month
    over the span of the results' periods (whole months)."""
    span = Period.custom(min(result.period.start for result in results), max(result.period.end for result in results))
    replacing = any(result.mixing == ThirdPartyResult.Mixing.THIRD_PARTY_ONLY for result in results)
    return captured_by_unit_month(unit_ids={result.unit_id for result in results}, period=span,
                                  with_answers=replacing)


def _without(groups: list[Scores], respondents: Mapping[int, int], answers: Mapping[tuple, list[int]]
             ) -> list[Scores]:
    """The groups less some captured respondents (per questionnaire) and their answers; emptied groups go."""
    kept = []
    for scores in groups:
        left = Scores(questionnaire=scores.questionnaire, elements=scores.elements,
                      respondents=scores.respondents - respondents.get(scores.questionnaire.id, 0),
                      third_party=scores.third_party, extra_totals=dict(scores.extra_totals),
                      providers=scores.providers)
        for element_id, counts in scores.value_counts.items():
            removed = answers.get((scores.questionnaire.id, element_id), [0, 0, 0, 0])
            left.value_counts[element_id] = [count - gone for count, gone in zip(counts, removed, strict=True)]
        if left.respondents > 0:
            kept.append(left)
    return kept


def _with(groups: list[Scores], added: Scores) -> list[Scores]:
    """The groups with a third-party result pooled into the group of its questionnaire (or after them)."""
    for index, scores in enumerate(groups):
        if scores.questionnaire.id == added.questionnaire.id:
            return [*groups[:index], scores_merge([scores, added])[0], *groups[index + 1:]]
    return [*groups, added]


def scope_figure(*, unit_ids, period: Period, service_id=None, channel=None,
                 third_party: list[ThirdPartyScores] | None = None) -> Figure:
    """The figure of one unit, or the pool of several (an agency's document), its groups in the order the
    questionnaires were first answered in the period (one answered only by a third-party result goes last)."""
    unit_ids = list(unit_ids)
    read = {"unit_ids": unit_ids, "period": period, "service_id": service_id, "channel": channel}
    figures = unit_figures(**read, third_party=third_party)
    if len(figures) == 1:
        return next(iter(figures.values()))
    pooled = figure_pool(figures.values())
    first = {}
    for (_unit_id, questionnaire_id), day in questionnaire_first_days(**read).items():
        first[questionnaire_id] = min(day, first.get(questionnaire_id, day))
    pooled.groups.sort(key=lambda scores: (first.get(scores.questionnaire.id, period.end), -scores.respondents))
    return pooled


@dataclass
class AgencyTree:
    """A region's agencies with their parents and units, read in two queries."""

    agencies: dict[int, Agency]  # by name
    children: dict[int | None, list[int]]
    own_units: dict[int, list[ServiceUnit]]

    def units_under(self, agency_id: int) -> list[ServiceUnit]:
        """The units of the agency and of every agency below it."""
        units = list(self.own_units.get(agency_id, []))
        for child in self.children.get(agency_id, []):
            units += self.units_under(child)
        return units

    def below(self, agency_id: int) -> list[Agency]:
        """Every agency below this one, depth first."""
        found = []
        for child in self.children.get(agency_id, []):
            found += [self.agencies[child], *self.below(child)]
        return found

    def depth(self, agency_id: int) -> int:
        parent = self.agencies[agency_id].parent_id
        return 0 if parent is None or parent not in self.agencies else 1 + self.depth(parent)

    def top_level(self) -> list[Agency]:
        return [agency for agency in self.agencies.values()
                if agency.parent_id is None or agency.parent_id not in self.agencies]

    def includes(self, agency_id: int) -> str:
        """What an agency's figure covers beyond its own units: "termasuk 2 Puskesmas" ("" when nothing)."""
        kinds = Counter(agency.get_kind_display() for agency in self.below(agency_id))
        if not kinds:
            return ""
        return _("termasuk %(parts)s") % {"parts": ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))}


def agency_tree(region: Region) -> AgencyTree:
    agencies = {agency.id: agency for agency in Agency.objects.filter(region=region).order_by("name", "id")}
    children = defaultdict(list)
    for agency in agencies.values():
        children[agency.parent_id].append(agency.id)
    own_units = defaultdict(list)
    for unit in ServiceUnit.objects.filter(agency__region=region).order_by("name", "id"):
        own_units[unit.agency_id].append(unit)
    return AgencyTree(agencies=agencies, children=dict(children), own_units=dict(own_units))


def agency_figures(tree: AgencyTree, units: Mapping[int, Figure], agency_ids=None) -> dict[int, Figure]:
    """Each agency's figure (of `agency_ids`, default all): the pool over the units of it and of every agency
    below it."""
    return {agency_id: figure_pool(units[unit.id] for unit in tree.units_under(agency_id) if unit.id in units)
            for agency_id in (tree.agencies if agency_ids is None else agency_ids)}


def figure_extremes(figures: Mapping, count: int) -> tuple[list, list]:
    """The keys of the `count` lowest and the `count` highest converted IKMs (ties by key, for a stable order),
    lowest first and highest first; figures without an IKM are in neither."""
    scored = sorted((figure.ranked.ikm_converted, key) for key, figure in figures.items()
                    if figure is not None and figure.ranked is not None)
    lowest = [key for _value, key in scored[:count]]
    highest = [key for _value, key in sorted(scored, key=lambda item: (-item[0], item[1]))[:count]]
    return lowest, highest


def figure_rank(figures: Mapping) -> dict:
    """Ranks (1 = highest converted IKM; equal values share a rank) of the keys whose figure has an IKM."""
    converted = {key: figure.ranked.ikm_converted for key, figure in figures.items()
                 if figure is not None and figure.ranked is not None}
    first = {}  # each value's first place, highest first: equal values share it
    for place, value in enumerate(sorted(converted.values(), reverse=True), start=1):
        first.setdefault(value, place)
    return {key: first[value] for key, value in converted.items()}


@dataclass
class Adequacy:
    """Sample adequacy of a set of units, each against its own Krejcie-Morgan minimum."""

    samples: dict[int, Sample]  # unit id -> its sample

    @property
    def total(self) -> int:
        return len(self.samples)

    @property
    def met(self) -> int:
        return sum(1 for sample in self.samples.values() if sample.met)

    @property
    def short(self) -> list[int]:
        """Units below their minimum."""
        return [unit_id for unit_id, sample in self.samples.items() if sample.met is False]

    @property
    def unknown(self) -> list[int]:
        """Units without a population for the period (their minimum is unknown)."""
        return [unit_id for unit_id, sample in self.samples.items() if sample.met is None]

    @property
    def text(self) -> str:
        return ngettext("%(met)s dari %(total)s unit memenuhi sampel minimal",
                        "%(met)s dari %(total)s unit memenuhi sampel minimal", self.total) % {
            "met": self.met, "total": self.total}

    def part(self, unit_ids: Iterable[int]) -> "Adequacy":
        return Adequacy(samples={unit_id: self.samples[unit_id] for unit_id in unit_ids})


def unit_adequacy(*, unit_ids, period: Period, units: Mapping[int, Figure]) -> Adequacy:
    """Each unit's respondents (every questionnaire) against the minimum from its own population."""
    unit_ids = list(unit_ids)
    respondents = {unit_id: units[unit_id].respondents for unit_id in unit_ids if unit_id in units}
    return Adequacy(samples=samples_by_unit(unit_ids=unit_ids, period=period, respondents=respondents))
