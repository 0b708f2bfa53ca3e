"""What every document shares: numbers written the Indonesian way, the scope a document covers (one unit or
one agency with the units below it), and PDF rendering."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from agencies.models import Agency, Region, ServiceUnit
from agencies.selectors import agency_descendant_ids, units_for_user
from reports.aggregates import Figure, agency_tree, scope_figure
from reports.ikm import round_half_up
from reports.periods import MONTHS_ID, Period
from reports.selectors import QuestionnaireChange, Scores


def number(value: Fraction | Decimal | int, places: int) -> str:
    """Half up to `places` decimals, written as Indonesian documents do: 1.234,567."""
    rounded = round_half_up(value, places)
    whole, _, decimals = f"{abs(rounded):.{places}f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    text = f"{grouped},{decimals}" if places else grouped
    return f"-{text}" if rounded < 0 else text


def count(value: int | None) -> str:
    return "–" if value is None else number(value, 0)


def percent(part: int, whole: int) -> str:
    return number(Fraction(part, whole) * 100, 2) if whole else "0,00"


def change(current: Decimal | None, previous: Decimal | None) -> dict | None:
    """A change between two converted values: its text with a sign and its direction (up, down, same)."""
    if current is None or previous is None:
        return None
    delta = current - previous
    direction = "up" if delta > 0 else "down" if delta < 0 else "same"
    sign = "+" if delta > 0 else ""
    return {"delta": delta, "text": f"{sign}{number(delta, 2)}", "direction": direction,
            "arrow": {"up": "▲", "down": "▼", "same": "="}[direction]}


@dataclass(frozen=True)
class DocumentScope:
    """What a document is about: one unit, or an agency with the units of it and its sub-agencies."""

    region: Region
    agency: Agency
    unit: ServiceUnit | None
    unit_ids: tuple[int, ...]
    includes: str = ""  # an agency's sub-agencies, as reports.aggregates words them ("termasuk 2 Puskesmas")

    @property
    def kind(self) -> str:
        return "unit" if self.unit else "agency"

    @property
    def code(self) -> str:
        return self.unit.code if self.unit else self.agency.code

    @property
    def name(self) -> str:
        """The unit, or the agency with what its figures include: "Dinas Kesehatan (termasuk 2 Puskesmas)"."""
        if self.unit:
            return self.unit.name
        return f"{self.agency.name} ({self.includes})" if self.includes else self.agency.name

    @property
    def address(self) -> str:
        return (self.unit.address if self.unit else "") or self.agency.address

    @property
    def head(self) -> dict:
        """Who signs: the head of the unit, else the head of its agency."""
        source = self.unit if self.unit and self.unit.head_name else self.agency
        return {"name": source.head_name, "title": source.head_title, "nip": source.head_nip}

    @classmethod
    def for_unit(cls, unit: ServiceUnit) -> "DocumentScope":
        return cls(region=unit.agency.region, agency=unit.agency, unit=unit, unit_ids=(unit.id,))

    @classmethod
    def for_agency(cls, agency: Agency, *, user) -> "DocumentScope":
        """The agency's units (sub-agencies included) that the user may see."""
        unit_ids = (units_for_user(user).filter(agency_id__in=agency_descendant_ids({agency.id}))
                    .order_by("id").values_list("id", flat=True))
        return cls(region=agency.region, agency=agency, unit=None, unit_ids=tuple(unit_ids),
                   includes=agency_tree(agency.region).includes(agency.id))


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the Pango library it needs is not installed on this server."""


def document_language():
    """Documents are Indonesian whatever language the screen uses: build them, labels included, in this."""
    return translation.override("id")


def render_pdf(template_name: str, context: dict) -> bytes:
    with document_language():
        html = render_to_string(template_name, context)
    try:
        from weasyprint import HTML  # imported here so the app starts on a machine without Pango
    except (ImportError, OSError) as problem:
        raise PdfUnavailable(str(problem)) from problem
    return HTML(string=html).write_pdf()


def figure_for_scope(scope: DocumentScope, period: Period) -> Figure:
    return scope_figure(unit_ids=scope.unit_ids, period=period)


def scores_for_scope(scope: DocumentScope, period: Period) -> list[Scores]:
    """The engine's scores for the scope, one per questionnaire, in the order the questionnaires were first
    answered in the period (a unit that changed questionnaire has two groups, each with its own IKM); third-party
    results included as reports.aggregates pools them."""
    return figure_for_scope(scope, period).groups


def scores_of_questionnaire(scope: DocumentScope, period: Period, questionnaire_id: int | None) -> Scores | None:
    """The scope's scores for one questionnaire (to compare periods like with like), None without any."""
    return next((scores for scores in scores_for_scope(scope, period) if scores.questionnaire.id == questionnaire_id),
                None)


def element_rows(scores: Scores) -> list[dict]:
    """Per element, as documents print it: sum, count, NRR, weighted NRR, NRR x 25 and mutu; an element nobody
    answered has "–" while the answered ones keep their values."""
    by_id = scores.element_scores
    rows = []
    for element, total in zip(scores.elements, scores.totals, strict=True):
        score = by_id.get(element.id)
        rows.append({
            "code": element.code, "name": element.name, "sum": count(total.sum), "count": count(total.count),
            "nrr": number(score.nrr, 3) if score else "–",
            "weighted": number(score.weighted_nrr, 3) if score else "–",
            "converted": number(score.converted, 2) if score else "–",
            "letter": score.grade.letter if score else "–",
            "performance": score.grade.performance if score else "–",
            "score": score,
        })
    return rows


def unavailable_text(scores: Scores | None) -> str:
    """"tidak dapat dihitung: U9 belum ada jawaban", the words every output puts in place of an IKM and grade
    that cannot be computed."""
    reason = scores.unavailable_reason if scores else _("belum ada responden")
    return f"{_('tidak dapat dihitung')}: {reason}"


def result_summary(scores: Scores | None) -> dict:
    """The headline of a result as documents print it; `has_result` is False without an IKM, and `unavailable`
    then says why."""
    result = scores.result if scores else None
    regulation = scores.questionnaire.rules if scores else None
    weight = {"weight": f"1/{regulation.element_count}",
              "weight_decimal": number(regulation.weight, 3)} if regulation else {}
    if result is None:
        missing = ", ".join(element.code for element in scores.missing_elements) if scores else ""
        return {"has_result": False, "respondents": count(scores.respondents if scores else 0),
                "third_party": scores.third_party_label if scores else "",
                "respondent_count": scores.respondents if scores else 0, "missing": missing,
                "unavailable": unavailable_text(scores),
                "ikm": "–", "converted": "–", "letter": "–", "performance": "–", "converted_value": None,
                "ikm_value": None, **weight}
    return {
        "has_result": True, "respondents": count(scores.respondents), "respondent_count": scores.respondents,
        "third_party": scores.third_party_label,
        "missing": "", "unavailable": "", "ikm": number(result.ikm, 3), "converted": number(result.ikm_converted, 2),
        "letter": result.grade.letter, "performance": result.grade.performance,
        "converted_value": result.ikm_converted, "ikm_value": result.ikm, **weight,
    }


def date_text(day) -> str:
    """A date as Indonesian documents write it: 5 Oktober 2026."""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def change_notes(changes: list[QuestionnaireChange], *, with_unit: bool) -> list[str]:
    """Each change of questionnaire within the period as one sentence."""
    return [f"{change.unit.name if with_unit else 'Unit ini'} berganti kuesioner pada {date_text(change.day)}: "
            f"dari {change.previous.title} (v{change.previous.version}) ke {change.questionnaire.title} "
            f"(v{change.questionnaire.version}). Responden setiap kuesioner diolah sebagai kelompok tersendiri "
            "dengan IKM dan mutunya sendiri." for change in changes]


def grade_rows(regulation) -> list[dict]:
    """The regulation's bands on the converted scale, as the grade table prints them."""
    lows = [low for low, _grade in regulation.bands]
    highs = [next_low - Decimal("0.01") for next_low in lows[1:]] + [Decimal("100.00")]
    return [{"range": f"{number(low, 2)} – {number(high, 2)}", "letter": grade.letter,
             "performance": grade.performance} for (low, grade), high in zip(regulation.bands, highs)]


def grade_tables(groups: list[Scores]) -> list[dict]:
    """One grade table per regulation the groups were answered on (the 2004 bands for Kepmenpan 25/2004),
    with the regulation's legal basis."""
    tables = {}
    for scores in groups:
        questionnaire = scores.questionnaire
        tables.setdefault(questionnaire.regulation, {"basis": questionnaire.legal_basis,
                                                     "label": questionnaire.get_regulation_display(),
                                                     "rows": grade_rows(questionnaire.rules)})
    return list(tables.values())
