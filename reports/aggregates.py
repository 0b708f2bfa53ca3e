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
from reports.ikm import IkmResult, RankedIkm
from reports.periods import Period
from reports.selectors import Sample, Scores, samples_by_unit, scores_by_unit_questionnaire, scores_merge


@dataclass
class Figure:
    """The results of a unit, an agency or a region: one group of scores per questionnaire, most respondents
    first. The IKM exists only when every respondent answered the same questionnaire."""

    groups: list[Scores] = field(default_factory=list)

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
        return Figure(groups=list(figures[0].groups))
    return Figure(groups=scores_merge(scores for figure in figures for scores in figure.groups))


def unit_figures(*, unit_ids, period: Period, service_id=None, channel=None) -> dict[int, Figure]:
    """Each unit's figure (units without respondents get an empty one): two grouped queries."""
    unit_ids = list(unit_ids)
    found = scores_by_unit_questionnaire(unit_ids=unit_ids, period=period, service_id=service_id,
                                             channel=channel)
    return {unit_id: Figure(groups=found.get(unit_id, [])) for unit_id in unit_ids}


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
