"""Third-party survey results (docs/third-party.md): what a valid entry is, and the results of a set of units and a
period as engine scores. Writes are in reports.services; the pooling with captured responses in
reports.aggregates.unit_figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from reports.models import ThirdPartyElement, ThirdPartyResult
from reports.periods import Period
from reports.selectors import Scores
from surveys.models import Element

RESULT_KINDS = ("quarter", "semester", "year")


@dataclass(frozen=True)
class ElementEntry:
    """One element of a checked entry: the counts of 1..4 (None when only the sum is known), sum and answers."""

    element: Element
    counts: tuple[int, int, int, int] | None
    total: int
    answers: int


class EntryRefused(ValueError):
    """The entry is not valid; `problems` says each thing wrong, naming the element and the value."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _whole(text: str | int | None) -> int | None:
    """A non-negative whole number from what was typed; None when it is not one."""
    text = str(text if text is not None else "").strip()
    return int(text) if text.isdigit() else None


def third_party_entry_check(*, elements: list[Element], respondents, rows: dict[int, dict[str, str]]
                            ) -> tuple[int, list[ElementEntry]]:
    """The respondents and one entry per element, checked; raises EntryRefused listing every problem.

    `rows` maps an element id to what was typed: "1".."4" (counts of answers valued 1..4) or "sum" and "answers"
    (where the provider reports only sums). A row holds one or the other; blank counts are 0."""
    problems = []
    total_respondents = _whole(respondents)
    if total_respondents is None or total_respondents == 0:
        problems.append(_("Responden: “%(value)s” bukan bilangan bulat lebih dari 0.") % {"value": respondents})
    entries = []
    for element in elements:
        row = rows.get(element.id, {})
        typed_counts = [str(row.get(str(value), "") or "").strip() for value in (1, 2, 3, 4)]
        typed_sum, typed_answers = (str(row.get(key, "") or "").strip() for key in ("sum", "answers"))
        named = {"code": element.code}
        if any(typed_counts) and (typed_sum or typed_answers):
            problems.append(_("%(code)s: isi jumlah jawaban per nilai 1–4 atau jumlah nilai dan banyaknya jawaban, "
                              "bukan keduanya.") % named)
            continue
        if any(typed_counts):
            counts = []
            for value, typed in enumerate(typed_counts, 1):
                number = _whole(typed or "0")
                if number is None:
                    problems.append(_("%(code)s, jawaban bernilai %(value)s: “%(typed)s” bukan bilangan bulat tidak "
                                      "negatif.") % {**named, "value": value, "typed": typed})
                counts.append(number)
            if None in counts:
                continue
            answers = sum(counts)
            if total_respondents and answers > total_respondents:
                problems.append(_("%(code)s: %(answers)s jawaban (%(detail)s), lebih dari %(respondents)s responden.")
                                % {**named, "answers": answers, "respondents": total_respondents,
                                   "detail": " + ".join(str(count) for count in counts)})
                continue
            entries.append(ElementEntry(element=element, counts=tuple(counts),
                                        total=sum(value * count for value, count in enumerate(counts, 1)),
                                        answers=answers))
            continue
        if not typed_sum and not typed_answers:
            problems.append(_("%(code)s: belum diisi (jumlah jawaban per nilai 1–4, atau jumlah nilai dan banyaknya "
                              "jawaban).") % named)
            continue
        total, answers = _whole(typed_sum), _whole(typed_answers)
        if total is None:
            problems.append(_("%(code)s, jumlah nilai: “%(typed)s” bukan bilangan bulat tidak negatif.")
                            % {**named, "typed": typed_sum})
        if answers is None:
            problems.append(_("%(code)s, banyaknya jawaban: “%(typed)s” bukan bilangan bulat tidak negatif.")
                            % {**named, "typed": typed_answers})
        if total is None or answers is None:
            continue
        if total_respondents and answers > total_respondents:
            problems.append(_("%(code)s: %(answers)s jawaban, lebih dari %(respondents)s responden.")
                            % {**named, "answers": answers, "respondents": total_respondents})
            continue
        if not answers * 1 <= total <= answers * 4:
            problems.append(_("%(code)s: jumlah nilai %(total)s di luar skala 1–4 untuk %(answers)s jawaban (harus "
                              "%(low)s–%(high)s).") % {**named, "total": total, "answers": answers,
                                                      "low": answers, "high": answers * 4})
            continue
        entries.append(ElementEntry(element=element, counts=None, total=total, answers=answers))
    if problems:
        raise EntryRefused(problems)
    return total_respondents, entries


def result_period(result: ThirdPartyResult) -> Period:
    return Period.from_slug(result.period)


@dataclass
class ThirdPartyScores:
    """A third-party result of a unit as engine scores, with what decides how it joins the captured responses."""

    result_id: int
    unit_id: int
    period: Period
    mixing: str
    provider: str
    scores: Scores


def scores_of_result(result: ThirdPartyResult, rows: list[ThirdPartyElement]) -> Scores:
    """The engine's scores of one result (rows in questionnaire order, their elements loaded)."""
    scores = Scores(questionnaire=result.questionnaire, elements=[row.element for row in rows],
                    respondents=result.respondents, third_party=True, providers=(result.provider,))
    for row in rows:
        if row.counts is not None:
            scores.value_counts[row.element_id] = list(row.counts)
        else:
            scores.extra_totals[row.element_id] = (row.total, row.answers)
    return scores


def third_party_scores(*, unit_ids, period: Period) -> list[ThirdPartyScores]:
    """The units' third-party results whose period lies within `period`, oldest first: one query."""
    rows = (ThirdPartyElement.objects
            .filter(result__unit_id__in=list(unit_ids), result__start__gte=period.start, result__end__lte=period.end)
            .select_related("result__questionnaire", "element")
            .order_by("result__start", "result_id", "element__position"))
    by_result: dict[int, list[ThirdPartyElement]] = {}
    for row in rows:
        by_result.setdefault(row.result_id, []).append(row)
    found = []
    for element_rows in by_result.values():
        result = element_rows[0].result
        found.append(ThirdPartyScores(result_id=result.id, unit_id=result.unit_id, period=result_period(result),
                                      mixing=result.mixing, provider=result.provider,
                                      scores=scores_of_result(result, element_rows)))
    return found
