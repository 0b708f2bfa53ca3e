"""Publication (docs/ikm.md, "Publikasi"): a region admin releases a finished period's results. Publishing
freezes them: a snapshot of every unit, agency and region figure, with its SHA-256 checksum, is what the
public page and the public notice show from then on, whatever responses arrive later. A revision is a new,
numbered snapshot of the same period; the earlier ones stay readable."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation

from agencies.audit import audit_record
from agencies.models import AuditEvent, Region, ServiceUnit
from agencies.zones import region_date, region_today, region_zone
from reports.aggregates import agency_figures, agency_tree, figure_pool, unit_figures
from reports.documents.common import date_text, grade_rows, number, render_pdf
from reports.ikm import REGULATIONS
from reports.integrity import Integrity, integrity_by_unit
from reports.models import Publication, ThirdPartyResult
from reports.periods import Period
from reports.selectors import Scores, responses_in_period, samples_by_unit
from surveys.data_versions import units_data_changed
from surveys.models import Regulation, ResponseMonthTally

TREND_SHOWN = 4
# 2: each element also holds the counts of answers valued 1..4 (open data); format 1 snapshots have none.
SNAPSHOT_FORMAT = 2


class NotPublishable(ValueError):
    """The period cannot be published (not a quarter or year, not finished, or without data)."""


def publication_period(publication: Publication) -> Period:
    if publication.quarter:
        return Period.quarter(publication.year, publication.quarter)
    return Period.year_of(publication.year)


def _lookup(period: Period) -> dict:
    if period.kind == "quarter":
        return {"year": period.year, "quarter": period.number}
    if period.kind == "year":
        return {"year": period.year, "quarter__isnull": True}
    raise ValueError(f"only a quarter or a year is published, not {period.label}")


# What can be published ------------------------------------------------------------------------------------

def publishable_periods(*, region: Region, today=None) -> list[Period]:
    """The quarters and years that ended before today (the region's local day) and have respondents in the
    region (captured, or in a third-party result that lies within them), newest first: the only choices of the
    publication form."""
    today = today or region_today(region)
    months = (ResponseMonthTally.objects.filter(unit__agency__region=region, count__gt=0).order_by()
              .values_list("month", flat=True).distinct())
    spans = [(month, month) for month in months]
    spans += ThirdPartyResult.objects.filter(unit__agency__region=region).order_by().values_list("start", "end")
    periods = set()
    for start, end in spans:
        for kind in ("quarter", "year"):
            period = Period.containing(start, kind)
            if period.end < today and end <= period.end:
                periods.add(period)
    return sorted(periods, key=lambda period: (period.end, period.kind == "year"), reverse=True)


def publishable_check(*, region: Region, period: Period) -> None:
    if period.kind not in ("quarter", "year"):
        raise NotPublishable("Hanya hasil triwulan atau tahunan yang dapat dipublikasikan.")
    if period not in publishable_periods(region=region):
        raise NotPublishable("%s belum selesai atau belum ada datanya." % period.label)


# The snapshot ---------------------------------------------------------------------------------------------

def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _group(scores: Scores) -> dict:
    """One questionnaire's figures as published (values as exact decimal strings). Each element keeps its
    counts of answers valued 1..4, or None where only its sum and answers are known (a third-party result
    reported as sums)."""
    result = scores.result
    converted = scores.element_converted
    sums_only = scores.extra_totals
    return {
        "questionnaire": scores.questionnaire.code, "title": scores.questionnaire.title,
        "regulation": scores.questionnaire.regulation,
        "regulation_label": Regulation(scores.questionnaire.regulation).label,
        "legal_basis": scores.questionnaire.legal_basis,
        "respondents": scores.respondents,
        "elements": [{"code": element.code, "name": element.name, "answers": total.count, "sum": total.sum,
                      "counts": None if element.id in sums_only
                      else list(scores.value_counts.get(element.id, [0, 0, 0, 0])),
                      "converted": _decimal(converted.get(element.id))}
                     for element, total in zip(scores.elements, scores.totals, strict=True)],
        "ikm": _decimal(result.ikm) if result else None,
        "converted": _decimal(result.ikm_converted) if result else None,
        "letter": result.grade.letter if result else None,
        "performance": result.grade.performance if result else None,
        "reason": scores.unavailable_reason,
        "third_party": scores.third_party,
        "third_party_providers": list(scores.providers),
    }


def publication_snapshot(*, region: Region, period: Period) -> dict:
    """Every figure of the period as it stands now, as reports.aggregates defines them: each unit (its own
    sample), each agency (pooled over its units and its sub-agencies' units) and the region, each
    questionnaire group separately."""
    units = list(ServiceUnit.objects.filter(agency__region=region, is_active=True).select_related("agency")
                 .order_by("agency__name", "name"))
    unit_ids = [unit.id for unit in units]
    with translation.override("id"), timezone.override(region_zone(region)):
        figures = unit_figures(unit_ids=unit_ids, period=period)
        tree = agency_tree(region)
        pooled = agency_figures(tree, figures)
        respondents = {unit_id: figure.respondents for unit_id, figure in figures.items()}
        samples = samples_by_unit(unit_ids=unit_ids, period=period, respondents=respondents)
        integrity = integrity_by_unit(unit_ids=unit_ids, period=period)
        region_groups = [_group(scores) for scores in figure_pool(figures.values()).groups]
        unit_rows = []
        for unit in units:
            sample = samples[unit.id]
            unit_rows.append({
                "code": unit.code, "name": unit.name, "agency": unit.agency.code, "agency_name": unit.agency.name,
                "respondents": sample.respondents, "population": sample.population, "required": sample.required,
                "sample_met": sample.met, "groups": [_group(scores) for scores in figures[unit.id].groups],
                "integrity": asdict(integrity.get(unit.id, Integrity())),
            })
        agency_rows = [{
            "code": agency.code, "name": agency.name,
            "parent": tree.agencies[agency.parent_id].code if agency.parent_id in tree.agencies else None,
            "units": sum(1 for unit in tree.units_under(agency.id) if unit.id in figures),
            "groups": [_group(scores) for scores in pooled[agency.id].groups],
        } for agency in tree.agencies.values() if agency.is_active]
    regulations = sorted({group["regulation"] for row in unit_rows for group in row["groups"]})
    return {
        "format": SNAPSHOT_FORMAT,
        "period": {"slug": period.slug, "start": period.start.isoformat(), "end": period.end.isoformat()},
        "region": {"code": region.code, "name": region.name, "time_zone": region.time_zone,
                   "respondents": sum(respondents.values()), "groups": region_groups},
        "agencies": agency_rows,
        "units": unit_rows,
        "short": [row["code"] for row in unit_rows if row["respondents"] and row["sample_met"] is False],
        "empty": [row["code"] for row in unit_rows if not row["respondents"]],
        "grade_tables": {code: grade_rows(REGULATIONS[code]) for code in regulations},
    }


def snapshot_checksum(snapshot: dict) -> str:
    """SHA-256 of the snapshot in a canonical JSON form (sorted keys, no spaces)."""
    text = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def publication_intact(publication: Publication) -> bool:
    """Whether the stored snapshot is still the one published (its checksum matches)."""
    return bool(publication.snapshot) and snapshot_checksum(publication.snapshot) == publication.checksum


def publication_freeze_unfrozen(publication: Publication) -> None:
    """A publication made before snapshots existed is frozen the first time it is read."""
    if publication.snapshot:
        return
    snapshot = publication_snapshot(region=publication.region, period=publication_period(publication))
    publication.snapshot, publication.checksum = snapshot, snapshot_checksum(snapshot)
    publication.provisional = snapshot_is_provisional(snapshot)
    with transaction.atomic():
        publication.save(update_fields=["snapshot", "checksum", "provisional"])
        _region_changed(publication.region)


def snapshot_is_provisional(snapshot: dict) -> bool:
    return bool(snapshot["short"] or snapshot["empty"])


# Publishing -----------------------------------------------------------------------------------------------

def publication_publish(*, region: Region, period: Period, user) -> Publication:
    """Publish a finished period for the first time (publishing twice is the same as once). Raises
    NotPublishable for a period that may not be published."""
    publishable_check(region=region, period=period)
    existing = publication_latest(region=region, period=period)
    if existing:
        return existing
    return _store(region=region, period=period, user=user, revision=1)


def publication_revise(*, region: Region, period: Period, user) -> Publication | None:
    """Publish the period again as its next version, the earlier ones kept; None when nothing changed."""
    latest = publication_latest(region=region, period=period)
    if latest is None:
        raise NotPublishable("%s belum dipublikasikan." % period.label)
    if snapshot_checksum(publication_snapshot(region=region, period=period)) == latest.checksum:
        return None
    return _store(region=region, period=period, user=user, revision=latest.revision + 1)


def _store(*, region: Region, period: Period, user, revision: int) -> Publication:
    snapshot = publication_snapshot(region=region, period=period)
    try:
        with transaction.atomic():
            publication = Publication.objects.create(
                region=region, year=period.year, quarter=period.number if period.kind == "quarter" else None,
                revision=revision, published_by=user, snapshot=snapshot, checksum=snapshot_checksum(snapshot),
                provisional=snapshot_is_provisional(snapshot))
            audit_record(actor=user, action=AuditEvent.Action.RESULTS_PUBLISHED, target=period.label, region=region,
                         revision=revision, checksum=publication.checksum, provisional=publication.provisional)
            _region_changed(region)
            return publication
    except IntegrityError:  # published at the same moment by somebody else
        return Publication.objects.get(region=region, revision=revision, **_lookup(period))


def publication_withdraw(*, region: Region, period: Period, user) -> None:
    """Take the period (every version of it) off the public page."""
    with transaction.atomic():
        deleted, _ = Publication.objects.filter(region=region, **_lookup(period)).delete()
        if deleted:
            audit_record(actor=user, action=AuditEvent.Action.RESULTS_WITHDRAWN, target=period.label, region=region)
            _region_changed(region)


def _region_changed(region: Region) -> None:
    """What the public page shows of the region changed: a new data version for its units."""
    units_data_changed(unit_ids=ServiceUnit.objects.filter(agency__region=region).values_list("id", flat=True))


# Reading publications -------------------------------------------------------------------------------------

def publication_versions(*, region: Region, period: Period) -> list[Publication]:
    """Every version of the period's publication, the first one first."""
    try:
        return list(Publication.objects.filter(region=region, **_lookup(period)).order_by("revision"))
    except ValueError:
        return []


def publication_latest(*, region: Region, period: Period) -> Publication | None:
    versions = publication_versions(region=region, period=period)
    return versions[-1] if versions else None


def publications_of(*, region: Region) -> list[Publication]:
    """The region's publications (the latest version of each period), newest period first."""
    latest = (Publication.objects.filter(region=region).values("year", "quarter")
              .annotate(last=Max("revision")).order_by())
    wanted = {(row["year"], row["quarter"], row["last"]) for row in latest}
    found = [publication for publication in Publication.objects.filter(region=region)
             if (publication.year, publication.quarter, publication.revision) in wanted]
    return sorted(found, key=lambda p: publication_period(p).start, reverse=True)


def published_period(*, region: Region, period: Period) -> bool:
    try:
        return Publication.objects.filter(region=region, **_lookup(period)).exists()
    except ValueError:
        return False


def published_regions():
    return Region.objects.filter(publications__isnull=False).distinct().order_by("name")


def responses_after(publication: Publication) -> int:
    """Counted responses of the period that reached the server after the publication (a kiosk queue that was
    offline, paper keyed in late): they are not in the published figures until a revision."""
    region = publication.region
    unit_ids = ServiceUnit.objects.filter(agency__region=region).values_list("id", flat=True)
    with timezone.override(region_zone(region)):
        return (responses_in_period(unit_ids=unit_ids, period=publication_period(publication))
                .filter(received_at__gt=publication.published_at).count())


def publication_status(*, region: Region, period: Period) -> dict:
    """What a document says about the period's publication: published (on which local date, provisional or
    not) or not yet."""
    latest = publication_latest(region=region, period=period) if period.kind in ("quarter", "year") else None
    if latest is None:
        return {"published": False, "text": "Hasil periode ini belum dipublikasikan."}
    text = "Hasil periode ini dipublikasikan pada %s" % date_text(region_date(region, latest.published_at))
    if latest.revision > 1:
        text += " (versi %d)" % latest.revision
    if latest.provisional:
        text += " sebagai hasil sementara"
    return {"published": True, "on": date_text(region_date(region, latest.published_at)),
            "provisional": latest.provisional, "revision": latest.revision, "text": text + "."}


# What the public sees -------------------------------------------------------------------------------------

def _shown_group(group: dict) -> dict:
    """A snapshot group with its numbers written the Indonesian way."""
    return {**group, "has_result": group["converted"] is not None,
            "converted_value": Decimal(group["converted"]) if group["converted"] else None,
            "converted_text": number(Decimal(group["converted"]), 2) if group["converted"] else None,
            "respondents_text": number(group["respondents"], 0),
            "elements": [{**element, "converted_text": number(Decimal(element["converted"]), 2)
                          if element["converted"] else None} for element in group["elements"]]}


def _trend_point(row: dict | None) -> dict:
    group = row["groups"][0] if row and row["groups"] else None
    value = Decimal(group["converted"]) if group and group["converted"] else None
    return {"converted": number(value, 2) if value is not None else "–", "converted_value": value,
            "letter": group["letter"] if group and group["letter"] else "–"}


def public_view(*, publication: Publication) -> dict:
    """What the public page and notice show of one version of a publication, from its snapshot only."""
    region = publication.region
    period = publication_period(publication)
    snapshot = publication.snapshot
    earlier = sorted((p for p in publications_of(region=region)
                      if publication_period(p).kind == period.kind and publication_period(p).start < period.start),
                     key=lambda p: publication_period(p).start)[-(TREND_SHOWN - 1):]
    trend_sources = [(publication_period(p), {row["code"]: row for row in p.snapshot.get("units", [])})
                     for p in earlier]
    rows = []
    for row in snapshot["units"]:
        if not row["respondents"]:
            continue
        trend = [{"label": past.short_label, **_trend_point(found.get(row["code"]))} for past, found in trend_sources]
        trend.append({"label": period.short_label, **_trend_point(row)})
        rows.append({**row, "groups": [_shown_group(group) for group in row["groups"]], "trend": trend})
    names = {row["code"]: row["name"] for row in snapshot["units"]}
    regulations = [{"code": code, "label": Regulation(code).label, "grades": grades}
                   for code, grades in sorted(snapshot["grade_tables"].items())]
    return {
        "publication": publication, "period": period, "rows": rows, "regulations": regulations,
        "region_groups": [_shown_group(group) for group in snapshot.get("region", {}).get("groups", [])],
        "provisional": publication.provisional,
        "short_units": [names[code] for code in snapshot["short"]],
        "empty_units": [names[code] for code in snapshot["empty"]],
        "published_on": date_text(region_date(region, publication.published_at)),
    }


def _same_fields(old: dict, new: dict) -> bool:
    return all(old[key] == new[key] for key in old.keys() & new.keys() if key != "elements")


def _same_figures(before: list[dict], after: list[dict]) -> bool:
    """Whether two versions' groups hold the same figures. A field only one of them has (the counts of
    answers that an older snapshot format lacks) is not a change."""
    return len(before) == len(after) and all(
        _same_fields(old, new) and len(old["elements"]) == len(new["elements"])
        and all(_same_fields(a, b) for a, b in zip(old["elements"], new["elements"]))
        for old, new in zip(before, after))


def snapshot_changes(before: dict, after: dict) -> list[str]:
    """What a revision changed, unit by unit, as sentences: respondents and each group's IKM and grade."""
    old = {row["code"]: row for row in before.get("units", [])}
    changes = []
    for row in after.get("units", []):
        previous = old.get(row["code"], {"respondents": 0, "groups": []})
        if previous["respondents"] == row["respondents"] and _same_figures(previous["groups"], row["groups"]):
            continue
        parts = []
        if previous["respondents"] != row["respondents"]:
            parts.append("responden %d → %d" % (previous["respondents"], row["respondents"]))
        was = {group["questionnaire"]: group for group in previous["groups"]}
        for group in row["groups"]:
            earlier = was.get(group["questionnaire"], {})
            shown = [_trend_point({"groups": [earlier]}) if earlier else {"converted": "–", "letter": "–"},
                     _trend_point({"groups": [group]})]
            if shown[0] != shown[1]:
                parts.append("IKM %s (%s) → %s (%s)" % (shown[0]["converted"], shown[0]["letter"],
                                                         shown[1]["converted"], shown[1]["letter"]))
        changes.append("%s: %s" % (row["name"], ", ".join(parts) or "nilai unsur berubah"))
    return changes


def notice_pdf(*, context: dict) -> bytes:
    return render_pdf("reports/public/notice_pdf.html", context)
