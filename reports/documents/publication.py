"""Publication: a region admin releases a period's results; the public pages show only released periods,
and only each unit's converted IKM, grade, respondent count and trend (no suggestions, no profiles)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from agencies.audit import audit_record
from agencies.models import AuditEvent, Region, ServiceUnit
from reports.documents.common import render_pdf, result_summary
from reports.models import Publication
from reports.periods import Period
from reports.selectors import scores_by_unit

TREND_SHOWN = 4


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


def publication_publish(*, region: Region, period: Period, user) -> Publication:
    """Release the period's results (publishing twice is the same as once)."""
    lookup = _lookup(period)
    existing = Publication.objects.filter(region=region, **lookup).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            publication = Publication.objects.create(region=region, year=period.year,
                                                     quarter=period.number if period.kind == "quarter" else None,
                                                     published_by=user)
            audit_record(actor=user, action=AuditEvent.Action.RESULTS_PUBLISHED, target=period.label, region=region)
            return publication
    except IntegrityError:  # published at the same moment by somebody else
        return Publication.objects.get(region=region, **lookup)


def publication_withdraw(*, region: Region, period: Period, user) -> None:
    with transaction.atomic():
        deleted, _ = Publication.objects.filter(region=region, **_lookup(period)).delete()
        if deleted:
            audit_record(actor=user, action=AuditEvent.Action.RESULTS_WITHDRAWN, target=period.label, region=region)


def publications_of(*, region: Region) -> list[Publication]:
    """The region's publications, newest period first."""
    return sorted(Publication.objects.filter(region=region), key=lambda p: publication_period(p).start,
                  reverse=True)


def published_period(*, region: Region, period: Period) -> bool:
    try:
        return Publication.objects.filter(region=region, **_lookup(period)).exists()
    except ValueError:
        return False


def published_regions():
    return Region.objects.filter(publications__isnull=False).distinct().order_by("name")


def public_results(*, region: Region, period: Period, unit: ServiceUnit | None = None) -> list[dict]:
    """Each unit of the region (or the one unit) with a result in the published period, with its trend over
    the published periods up to this one, of the same kind (quarters with quarters, years with years)."""
    units = ServiceUnit.objects.filter(agency__region=region, is_active=True)
    if unit is not None:
        units = units.filter(id=unit.id)
    units = list(units.select_related("agency").order_by("agency__name", "name"))
    unit_ids = [unit.id for unit in units]
    same_kind = [publication_period(p) for p in publications_of(region=region)]
    trend_periods = sorted((p for p in same_kind if p.kind == period.kind and p.start <= period.start),
                           key=lambda p: p.start)[-TREND_SHOWN:]
    scores = {past: scores_by_unit(unit_ids=unit_ids, period=past) for past in trend_periods}
    rows = []
    for found in units:
        summary = result_summary(scores[period].get(found.id))
        if not summary["has_result"]:
            continue
        trend = [{"label": past.short_label, **result_summary(scores[past].get(found.id))} for past in trend_periods]
        rows.append({"unit": found, "agency": found.agency, **summary, "trend": trend})
    return rows


def notice_pdf(*, context: dict) -> bytes:
    return render_pdf("reports/public/notice_pdf.html", context)
