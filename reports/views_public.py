"""Public pages (no login): the published SKM results of each region, a printable notice per unit and the
period's open data (CSV and JSON), read from the publication's frozen snapshot only. Only published periods
exist here; anything else is a 404."""

import re

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import get_language

from agencies.models import Region
from agencies.zones import region_zone
from reports.documents.common import PdfUnavailable
from reports.documents.open_data import open_data_csv, open_data_document, open_data_rows
from reports.documents.publication import (
    notice_pdf, public_view, publication_freeze_unfrozen, publication_intact, publication_period,
    publication_versions, publications_of, published_regions, snapshot_changes,
)
from reports.figure_cache import figures_cached
from reports.integrity import Integrity
from reports.models import Publication
from reports.periods import Period


def _published(request, region_code: str, period_slug: str | None) -> dict:
    """The asked version (?versi=N, else the latest) of the period's publication, with its siblings."""
    region = get_object_or_404(Region, code=region_code)
    timezone.activate(region_zone(region))  # the middleware resets it after the response
    periods = [publication_period(publication) for publication in publications_of(region=region)]
    if not periods:
        raise Http404
    try:
        period = periods[0] if period_slug is None else Period.from_slug(period_slug)
    except ValueError:
        raise Http404 from None
    versions = publication_versions(region=region, period=period)
    if not versions:
        raise Http404
    asked = request.GET.get("versi", "")
    chosen = versions[-1]
    if asked:
        chosen = next((version for version in versions if str(version.revision) == asked), None)
        if chosen is None:
            raise Http404
    publication_freeze_unfrozen(chosen)
    return {"region": region, "periods": periods, "versions": versions, "publication": chosen}


def _intact_or_refusal(request, found: dict):
    publication: Publication = found["publication"]
    if publication_intact(publication):
        return None
    return render(request, "reports/public/tampered.html", found, status=409)


def _context(found: dict) -> dict:
    """What the page shows of the publication: cached on the publication itself (its checksum and the latest
    revision), not on the units' data versions: the figures are frozen, and reading the versions could touch
    a lagging replica the public page never reads from."""
    region, publication, versions = found["region"], found["publication"], found["versions"]

    def compute():
        earlier = [version for version in versions if version.revision < publication.revision]
        return {**public_view(publication=publication), "is_latest": publication == versions[-1],
                "latest": versions[-1],
                "changes": snapshot_changes(earlier[-1].snapshot, publication.snapshot) if earlier else [],
                "replaced": earlier[-1] if earlier else None}

    shown = figures_cached("public_view", unit_ids=[], compute=compute,
                           params=(region.pk, publication.pk, publication.checksum, versions[-1].pk, get_language()))
    return {**found, **shown}


def index(request):
    return render(request, "reports/public/index.html", {"regions": published_regions()})


def region_results(request, region_code, period_slug=None):
    region = get_object_or_404(Region, code=region_code)
    if period_slug is None and not publications_of(region=region):
        # Staff pages link here before anything is published: say so instead of a 404.
        return render(request, "reports/public/unpublished.html", {"region": region})
    found = _published(request, region_code, period_slug)
    refusal = _intact_or_refusal(request, found)
    if refusal:
        return refusal
    return render(request, "reports/public/region.html", _context(found))


def _notice_context(found: dict, unit_code: str) -> dict:
    context = _context(found)
    row = next((row for row in context["rows"] if row["code"] == unit_code), None)
    if row is None:
        raise Http404
    return {**context, "row": row}


def unit_notice(request, region_code, period_slug, unit_code):
    found = _published(request, region_code, period_slug)
    refusal = _intact_or_refusal(request, found)
    if refusal:
        return refusal
    context = _notice_context(found, unit_code)
    frozen = context["row"].get("integrity")  # absent from snapshots made before the figure existed
    context["integrity"] = Integrity(**frozen) if frozen else None
    return render(request, "reports/public/notice.html", context)


def unit_notice_pdf(request, region_code, period_slug, unit_code):
    found = _published(request, region_code, period_slug)
    refusal = _intact_or_refusal(request, found)
    if refusal:
        return refusal
    context = _notice_context(found, unit_code)
    try:
        data = notice_pdf(context=context)
    except PdfUnavailable:
        return render(request, "reports/public/notice.html", {**context, "pdf_unavailable": True}, status=503)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="hasil-skm-{unit_code}-{period_slug}.pdf"'
    return response


OPEN_DATA_PERIOD = re.compile(r"[0-9]{4}(-[QS][1-4])?")  # 2026-Q4, 2026-S2 or 2026


def _open_data(request, region_code: str, period_slug: str, build):
    """The period's open data in the form `build` makes of the publication, with the publication's checksum
    as ETag: a client that has this version gets a 304."""
    if not OPEN_DATA_PERIOD.fullmatch(period_slug):
        raise Http404
    found = _published(request, region_code, period_slug)
    refusal = _intact_or_refusal(request, found)
    if refusal:
        return refusal
    publication = found["publication"]
    response = build(publication)
    response["ETag"] = f'"{publication.checksum}"'
    response["Last-Modified"] = http_date(publication.published_at.timestamp())
    response["Access-Control-Allow-Origin"] = "*"  # public figures, read by other platforms' pages too
    return get_conditional_response(request, etag=response["ETag"],
                                    last_modified=int(publication.published_at.timestamp()), response=response)


def _file_name(publication: Publication, extension: str) -> str:
    return f"skm-{publication.region.code}-{publication_period(publication).slug}.{extension}"


def open_data_csv_file(request, region_code, period_slug):
    def build(publication):
        response = HttpResponse(open_data_csv(open_data_rows(publication.snapshot)),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{_file_name(publication, "csv")}"'
        return response
    return _open_data(request, region_code, period_slug, build)


def open_data_json_file(request, region_code, period_slug):
    def build(publication):
        response = JsonResponse(open_data_document(publication), json_dumps_params={"ensure_ascii": False})
        response["Content-Disposition"] = f'inline; filename="{_file_name(publication, "json")}"'
        return response
    return _open_data(request, region_code, period_slug, build)
