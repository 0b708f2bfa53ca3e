"""Laporan Hasil SKM (SKM-SPEC.md section 7) for a unit or an agency and a period, as a PDF."""

from __future__ import annotations

from django.utils import translation

from agencies.models import ServiceUnit
from agencies.zones import region_today
from reports.documents import charts
from reports.documents.common import (
    DocumentScope, change_notes, count, date_text, element_rows, grade_tables, percent, render_pdf, result_summary,
    scores_for_scope, scores_of_questionnaire,
)
from reports.complaints import complaint_themes
from reports.documents.plans import plans_for
from reports.aggregates import unit_adequacy, unit_figures
from reports.documents.publication import publication_status
from reports.integrity import integrity_pooled
from reports.periods import Period
from reports.selectors import (
    Sample, Scores, assisted_share, questionnaire_changes, respondent_profile_items, respondents_by_channel,
    respondents_by_service_named, sample_for, suggestions_for,
)
from surveys.models import Channel

SUGGESTIONS_SHOWN = 60
TREND_PERIODS = 4
WEAKEST = 3
NATIONAL_BASIS = (
    "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
    "Peraturan Pemerintah Nomor 96 Tahun 2012 tentang Pelaksanaan Undang-Undang Nomor 25 Tahun 2009 "
    "tentang Pelayanan Publik",
)
PROFILE_TITLES = (
    ("gender", "Jenis Kelamin"),
    ("age", "Usia (tahun)"),
    ("education", "Pendidikan Terakhir"),
    ("occupation", "Pekerjaan Utama"),
)


def sample_summary(sample: Sample) -> dict:
    """Population, the Krejcie-Morgan sample it requires and whether the respondents reach it, as printed."""
    return {"known": sample.required is not None, "population": count(sample.population),
            "required": count(sample.required), "achieved": count(sample.respondents), "enough": sample.met,
            "required_value": sample.required}


def agency_adequacy(*, scope: DocumentScope, period: Period) -> dict:
    """An agency samples each unit from its own population (reports.aggregates): never a pooled minimum."""
    units = unit_figures(unit_ids=scope.unit_ids, period=period)
    adequacy = unit_adequacy(unit_ids=scope.unit_ids, period=period, units=units)
    names = dict(ServiceUnit.objects.filter(id__in=scope.unit_ids).values_list("id", "name"))
    rows = sorted(({"name": names[unit_id], **sample_summary(sample)} for unit_id, sample in adequacy.samples.items()),
                  key=lambda row: row["name"])
    return {"text": adequacy.text, "rows": rows, "short": len(adequacy.short)}


def profile_tables(*, unit_ids, period: Period, respondents: int) -> list[dict]:
    """Karakteristik / indikator / jumlah / persentase, one table per characteristic."""
    items = respondent_profile_items(unit_ids=unit_ids, period=period, not_given="Tidak mengisi")
    return [{"field": field, "title": title,
             "rows": [{"label": label, "count": count(n), "value": n, "percent": percent(n, respondents)}
                      for label, n in items[field]]}
            for field, title in PROFILE_TITLES]


def channel_rows(*, unit_ids, period: Period, respondents: int) -> list[dict]:
    by_channel = respondents_by_channel(unit_ids=unit_ids, period=period)
    return [{"label": str(label), "count": count(by_channel[code]), "percent": percent(by_channel[code], respondents)}
            for code, label in Channel.choices if by_channel.get(code)]


def assisted_row(*, unit_ids, period: Period, respondents: int) -> dict:
    """Respondents a staff member helped ("dibantu petugas"), on the same base as the channels."""
    helped = assisted_share(unit_ids=unit_ids, period=period).assisted
    return {"count": count(helped), "percent": percent(helped, respondents)}


def service_rows(*, scope: DocumentScope, period: Period, respondents: int) -> list[dict]:
    named = respondents_by_service_named(unit_ids=scope.unit_ids, period=period, with_unit=scope.unit is None)
    return [{"label": label, "count": count(n), "percent": percent(n, respondents)} for label, n in named]


def analysis(rows: list[dict]) -> dict:
    """The weakest answered elements (lowest NRR, ties in questionnaire order, as IkmResult.lowest_elements) and
    the strongest one, as element rows; an element nobody answered is left out, the others are still analysed."""
    answered = [row for row in rows if row["score"]]
    if not answered:
        return {"weakest": [], "strongest": None}
    return {"weakest": sorted(answered, key=lambda row: row["score"].nrr)[:WEAKEST],
            "strongest": max(answered, key=lambda row: row["score"].nrr)}


def trend(*, scope: DocumentScope, period: Period, questionnaire_id: int | None) -> list[dict]:
    """The converted IKM over this period and the ones before it, oldest first."""
    rows = []
    for past in period.previous_ones(TREND_PERIODS):
        summary = result_summary(scores_of_questionnaire(scope, past, questionnaire_id))
        rows.append({"label": past.short_label, "is_current": past == period, **summary})
    return rows


def unit_rows(*, scope: DocumentScope, period: Period) -> list[dict]:
    """For an agency: each unit's own result, one row per questionnaire the unit was answered on."""
    figures = unit_figures(unit_ids=scope.unit_ids, period=period)
    units = ServiceUnit.objects.filter(id__in=scope.unit_ids).order_by("agency__name", "name")
    rows = []
    for unit in units:
        groups = figures[unit.id].groups or [None]
        for group in groups:
            questionnaire = group.questionnaire if len(groups) > 1 else None
            name = f"{unit.name} · {questionnaire.title} (v{questionnaire.version})" if questionnaire else unit.name
            rows.append({"name": name, **result_summary(group)})
    return rows


def group_context(scores: Scores, *, scope: DocumentScope, period: Period) -> dict:
    rows = element_rows(scores)
    trend_rows = trend(scope=scope, period=period, questionnaire_id=scores.questionnaire.id)
    return {"questionnaire": scores.questionnaire, "elements": rows, "summary": result_summary(scores),
            "analysis": analysis(rows), "chart": charts.elements_chart(rows, scores.questionnaire.rules),
            "trend": trend_rows, "trend_chart": charts.trend_chart(trend_rows, scores.questionnaire.rules)}


def _complaint_themes(scope: DocumentScope, period: Period):
    with translation.override("id"):  # the Laporan is written in Bahasa Indonesia whatever the screen's language
        return complaint_themes(unit_ids=scope.unit_ids, period=period)


def laporan_context(*, scope: DocumentScope, period: Period) -> dict:
    scores = scores_for_scope(scope, period)
    groups = [group_context(found, scope=scope, period=period) for found in scores]
    # One base for every count and percentage: all respondents of the period, whichever questionnaire they answered.
    respondents = sum(group["summary"]["respondent_count"] for group in groups)
    legal_basis = [*NATIONAL_BASIS]
    questionnaires = [group["questionnaire"] for group in groups] or [
        scope.unit.questionnaire if scope.unit else None]
    questionnaires = [q for q in questionnaires if q is not None]
    legal_basis += list(dict.fromkeys(q.legal_basis for q in questionnaires if q.legal_basis not in legal_basis))
    profile = profile_tables(unit_ids=scope.unit_ids, period=period, respondents=respondents)
    suggestions = suggestions_for(unit_ids=scope.unit_ids, period=period)
    return {
        "title": "Laporan Hasil Survei Kepuasan Masyarakat",
        "scope": scope, "period": period, "region": scope.region, "agency": scope.agency, "unit": scope.unit,
        "legal_basis": legal_basis, "questionnaires": questionnaires,
        "element_counts": " dan ".join(dict.fromkeys(str(q.rules.element_count) for q in questionnaires)) or "9",
        "changes": change_notes(questionnaire_changes(unit_ids=scope.unit_ids, period=period),
                                with_unit=scope.kind == "agency"),
        "period_range": f"{date_text(period.start)} s.d. {date_text(period.end)}",
        "respondents": count(respondents),
        "sample": sample_summary(sample_for(unit_ids=scope.unit_ids, period=period, respondents=respondents)),
        "adequacy": agency_adequacy(scope=scope, period=period) if scope.kind == "agency" else None,
        "channels": channel_rows(unit_ids=scope.unit_ids, period=period, respondents=respondents),
        "assisted": assisted_row(unit_ids=scope.unit_ids, period=period, respondents=respondents),
        "services": service_rows(scope=scope, period=period, respondents=respondents),
        "profile": profile,
        "profile_charts": [charts.profile_chart(table) for table in profile] if respondents else [],
        "groups": groups,
        "grade_tables": grade_tables(scores),
        "units": unit_rows(scope=scope, period=period) if scope.kind == "agency" else [],
        "plans": plans_for(unit_ids=scope.unit_ids, period=period),
        "suggestions": {"total": count(len(suggestions)), "shown": suggestions[:SUGGESTIONS_SHOWN],
                        "more": max(len(suggestions) - SUGGESTIONS_SHOWN, 0)},
        "complaint_themes": _complaint_themes(scope, period),
        "head": scope.head,
        "place_date": f"{scope.region.name}, {date_text(region_today(scope.region))}",
        "publication": publication_status(region=scope.region, period=period),
        "integrity": integrity_pooled(unit_ids=scope.unit_ids, period=period),
    }


def laporan_pdf(*, scope: DocumentScope, period: Period) -> bytes:
    return render_pdf("reports/documents/laporan.html", laporan_context(scope=scope, period=period))
