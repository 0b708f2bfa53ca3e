"""Staff downloads: the Laporan Hasil SKM and the evaluation (PDF), the workbooks (Excel), the regional recap
and the documents built in the background. Every object comes from agencies.selectors (404 outside scope)."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agencies.selectors import get_agency_for_user, get_region_for_user, get_unit_for_user
from reports.documents.common import DocumentScope, PdfUnavailable, document_language
from reports.documents.evaluation import evaluation_pdf
from reports.documents.generated import document_request, documents_for_user
from reports.documents.laporan import laporan_pdf
from reports.documents.publication import publication_publish, publication_withdraw, publications_of
from reports.documents.workbooks import processing_table_write, responses_export_write
from reports.models import GeneratedDocument
from reports.periods import Period
from reports.selectors import responses_in_period

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Above this many responses the raw export is built in the background.
LARGE_EXPORT = 5000


class BadPeriod(ValueError):
    pass


def _period(request) -> Period:
    text = request.GET.get("period") or request.POST.get("period")
    if not text:
        return Period.containing(timezone.localdate())
    try:
        return Period.from_slug(text)
    except ValueError:
        raise BadPeriod(text) from None


def _message(request, *, title: str, text: str, status: int):
    return render(request, "reports/documents_message.html", {"title": title, "text": text}, status=status)


def _bad_period(request, text):
    return _message(request, title=_("Periode tidak dikenal"), status=400,
                    text=_("Periode “%(text)s” tidak dikenal. Contoh: 2026-Q3 (triwulan), 2026-S1, 2026-M07 "
                           "atau 2026.") % {"text": text})


def _scope(request, *, unit_code=None, agency_code=None) -> DocumentScope:
    if unit_code:
        return DocumentScope.for_unit(get_unit_for_user(request.user, unit_code))
    return DocumentScope.for_agency(get_agency_for_user(request.user, agency_code), user=request.user)


def _pdf(request, builder, slug: str, **codes):
    scope = _scope(request, **codes)
    try:
        period = _period(request)
        with document_language():
            data = builder(scope=scope, period=period)
    except BadPeriod as problem:
        return _bad_period(request, problem)
    except PdfUnavailable:
        return _message(request, title=_("PDF tidak dapat dibuat"), status=503,
                        text=_("Server ini belum memasang pustaka PDF (WeasyPrint dengan Pango). Unduhan Excel "
                               "tetap tersedia; hubungi admin server untuk memasang paket sistem Pango."))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{slug}-{scope.code}-{period.slug}.pdf"'
    return response


def _xlsx(request, writer, slug: str, **codes):
    scope = _scope(request, **codes)
    try:
        period = _period(request)
    except BadPeriod as problem:
        return _bad_period(request, problem)
    out = tempfile.TemporaryFile()
    with document_language():
        writer(scope=scope, period=period, out=out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=f"{slug}-{scope.code}-{period.slug}.xlsx",
                        content_type=XLSX)


@login_required
def laporan(request, **codes):
    return _pdf(request, laporan_pdf, "laporan-skm", **codes)


@login_required
def evaluation(request, **codes):
    return _pdf(request, evaluation_pdf, "evaluasi-skm", **codes)


@login_required
def processing_table(request, **codes):
    return _xlsx(request, processing_table_write, "tabel-pengolahan-data", **codes)


@login_required
@require_http_methods(["GET", "POST"])
def responses_export(request, **codes):
    """Small exports stream at once; large ones (or a POST) are built in the background."""
    scope = _scope(request, **codes)
    try:
        period = _period(request)
    except BadPeriod as problem:
        return _bad_period(request, problem)
    if request.method == "POST":
        document = document_request(kind=GeneratedDocument.Kind.RESPONSES_XLSX, period=period, user=request.user,
                                    unit=scope.unit, agency=None if scope.unit else scope.agency)
        return redirect("documents:document-status", document_id=document.id)
    total = responses_in_period(unit_ids=scope.unit_ids, period=period).count()
    if total > LARGE_EXPORT:
        return render(request, "reports/documents_large_export.html",
                      {"scope": scope, "period": period, "total": total})
    return _xlsx(request, responses_export_write, "data-responden", **codes)


@login_required
@require_http_methods(["GET", "POST"])
def region_recap(request, region_code):
    region = get_region_for_user(request.user, region_code)
    try:
        period = _period(request)
    except BadPeriod as problem:
        return _bad_period(request, problem)
    if request.method == "POST":
        kind = {"xlsx": GeneratedDocument.Kind.RECAP_XLSX, "pdf": GeneratedDocument.Kind.RECAP_PDF}.get(
            request.POST.get("format"))
        if kind is None:
            return _message(request, title=_("Format tidak dikenal"), status=400,
                            text=_("Pilih format Excel atau PDF."))
        document = document_request(kind=kind, period=period, user=request.user, region=region)
        return redirect("documents:document-status", document_id=document.id)
    recent = documents_for_user(request.user).filter(region=region)[:20]
    return render(request, "reports/documents_recap.html", {"region": region, "period": period, "recent": recent})


def _document_for_user(user, document_id) -> GeneratedDocument:
    return get_object_or_404(documents_for_user(user), pk=document_id)


@login_required
def document_status(request, document_id):
    document = _document_for_user(request.user, document_id)
    return render(request, "reports/documents_status.html", {"document": document})


@login_required
def document_download(request, document_id):
    document = _document_for_user(request.user, document_id)
    if document.status != GeneratedDocument.Status.DONE or not document.file:
        raise Http404
    content_type = "application/pdf" if document.filename.endswith(".pdf") else XLSX
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.filename,
                        content_type=content_type)


@login_required
@require_http_methods(["GET", "POST"])
def region_publication(request, region_code):
    region = get_region_for_user(request.user, region_code)
    if request.method == "POST":
        return _publication_change(request, region)
    return render(request, "reports/documents_publication.html",
                  {"region": region, "publications": publications_of(region=region),
                   "current": Period.containing(timezone.localdate())})


def _publication_change(request, region):
    try:
        period = _period(request)
    except BadPeriod as problem:
        return _bad_period(request, problem)
    if period.kind not in ("quarter", "year"):
        messages.error(request, _("Hanya hasil triwulan atau tahunan yang dapat dipublikasikan."))
    elif request.POST.get("action") == "withdraw":
        publication_withdraw(region=region, period=period, user=request.user)
        messages.success(request, _("Publikasi %(period)s ditarik.") % {"period": period.label})
    else:
        publication_publish(region=region, period=period, user=request.user)
        messages.success(request, _("Hasil %(period)s dipublikasikan.") % {"period": period.label})
    return redirect("documents:region-publication", region_code=region.code)
