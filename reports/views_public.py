"""Public pages (no login): the published SKM results of each region and a printable notice per unit.
Only published periods exist here; anything else is a 404."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from agencies.models import Region, ServiceUnit
from reports.documents.common import PdfUnavailable, date_text
from reports.documents.publication import (
    notice_pdf, public_results, publication_period, publications_of, published_period, published_regions,
)
from reports.integrity import integrity_pooled
from reports.periods import Period


def _published(region_code: str, period_slug: str | None) -> tuple[Region, Period, list[Period]]:
    region = get_object_or_404(Region, code=region_code)
    periods = [publication_period(publication) for publication in publications_of(region=region)]
    if not periods:
        raise Http404
    if period_slug is None:
        return region, periods[0], periods
    try:
        period = Period.from_slug(period_slug)
    except ValueError:
        raise Http404 from None
    if not published_period(region=region, period=period):
        raise Http404
    return region, period, periods


def index(request):
    return render(request, "reports/public/index.html", {"regions": published_regions()})


def region_results(request, region_code, period_slug=None):
    region = get_object_or_404(Region, code=region_code)
    if period_slug is None and not publications_of(region=region):
        # Staff pages link here before anything is published: say so instead of a 404.
        return render(request, "reports/public/unpublished.html", {"region": region})
    region, period, periods = _published(region_code, period_slug)
    return render(request, "reports/public/region.html", {
        "region": region, "period": period, "periods": periods,
        "rows": public_results(region=region, period=period),
    })


def _notice_context(region_code, period_slug, unit_code) -> dict:
    region, period, _periods = _published(region_code, period_slug)
    unit = get_object_or_404(ServiceUnit.objects.select_related("agency"), code=unit_code, agency__region=region,
                             is_active=True)
    rows = public_results(region=region, period=period, unit=unit)
    if not rows:
        raise Http404
    publication_day = next(p.published_at for p in publications_of(region=region)
                           if publication_period(p) == period)
    return {"region": region, "period": period, "row": rows[0], "unit": unit,
            "published_on": date_text(publication_day.date())}


def unit_notice(request, region_code, period_slug, unit_code):
    context = _notice_context(region_code, period_slug, unit_code)
    context["integrity"] = integrity_pooled(unit_ids=[context["unit"].id], period=context["period"])
    return render(request, "reports/public/notice.html", context)


def unit_notice_pdf(request, region_code, period_slug, unit_code):
    context = _notice_context(region_code, period_slug, unit_code)
    try:
        data = notice_pdf(context=context)
    except PdfUnavailable:
        return render(request, "reports/public/notice.html", {**context, "pdf_unavailable": True}, status=503)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="hasil-skm-{unit_code}-{period_slug}.pdf"'
    return response
