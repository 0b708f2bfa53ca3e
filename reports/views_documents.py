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
from agencies.zones import region_date, region_today, region_zone
from reports.documents.common import DocumentScope, PdfUnavailable, date_text, document_language
from reports.documents.evaluation import evaluation_pdf
from reports.documents.generated import document_request, documents_for_user
from reports.documents.laporan import laporan_pdf
from reports.documents.publication import (
    publication_period, publication_publish, publication_revise, publication_snapshot, publication_withdraw,
    publications_of, publishable_periods, responses_after,
)
from reports.documents.workbooks import processing_table_write, responses_export_write
from reports.forms import PublicationForm
from reports.models import GeneratedDocument
from reports.periods import Period
from reports.selectors import responses_in_period

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Above this many responses the raw export is built in the background.
LARGE_EXPORT = 5000


class BadPeriod(ValueError):
    pass


class FuturePeriod(BadPeriod):
    """A period that has not started in the region: no document exists for it yet."""

    def __init__(self, period: Period):
        super().__init__(period.slug)
        self.period = period


def _period(request, region) -> Period:
    """The period asked for; a future one has no document (its days are in the region's time zone)."""
    text = request.GET.get("period") or request.POST.get("period")
    today = region_today(region)
    if not text:
        return Period.containing(today)
    try:
        period = Period.from_slug(text)
    except ValueError:
        raise BadPeriod(text) from None
    if period.start > today:
        raise FuturePeriod(period)
    return period


def _message(request, *, title: str, text: str, status: int):
    return render(request, "reports/documents_message.html", {"title": title, "text": text}, status=status)


def _bad_period(request, problem):
    if isinstance(problem, FuturePeriod):
        return _message(request, title=_("Periode belum dimulai"), status=404,
                        text=_("%(period)s belum dimulai, jadi belum ada dokumennya.")
                        % {"period": problem.period.label})
    return _message(request, title=_("Periode tidak dikenal"), status=400,
                    text=_("Periode “%(text)s” tidak dikenal. Contoh: 2026-Q3 (triwulan), 2026-S1, 2026-M07 "
                           "atau 2026.") % {"text": problem})


def _scope(request, *, unit_code=None, agency_code=None) -> DocumentScope:
    if unit_code:
        return DocumentScope.for_unit(get_unit_for_user(request.user, unit_code))
    return DocumentScope.for_agency(get_agency_for_user(request.user, agency_code), user=request.user)


def _pdf(request, builder, slug: str, **codes):
    scope = _scope(request, **codes)
    try:
        period = _period(request, scope.region)
        with document_language(), timezone.override(region_zone(scope.region)):
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
        period = _period(request, scope.region)
    except BadPeriod as problem:
        return _bad_period(request, problem)
    out = tempfile.TemporaryFile()
    with document_language(), timezone.override(region_zone(scope.region)):
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
        period = _period(request, scope.region)
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
        period = _period(request, region)
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
    content_type = {"pdf": "application/pdf", "zip": "application/zip"}.get(document.filename.rsplit(".", 1)[-1], XLSX)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.filename,
                        content_type=content_type)


@login_required
@require_http_methods(["GET", "POST"])
def region_publication(request, region_code):
    """Publishing is deliberate: pick a finished period with data, review the units short of their sample or
    without data, then confirm. Published periods can be revised (late responses) or withdrawn."""
    region = get_region_for_user(request.user, region_code)
    published = publications_of(region=region)
    taken = {publication_period(publication) for publication in published}
    form = PublicationForm(periods=[p for p in publishable_periods(region=region) if p not in taken])
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("withdraw", "revise"):
            return _publication_change(request, region, action, published)
        form = PublicationForm(request.POST, periods=list(form.periods.values()))
        if form.is_valid():
            period = form.cleaned_data["period"]
            if action == "publish" and request.POST.get("confirmed") == "yes":
                publication = publication_publish(region=region, period=period, user=request.user)
                messages.success(request, (_("Hasil %(period)s dipublikasikan sebagai hasil sementara.")
                                           if publication.provisional else _("Hasil %(period)s dipublikasikan."))
                                 % {"period": period.label})
                return redirect("documents:region-publication", region_code=region.code)
            snapshot = publication_snapshot(region=region, period=period)
            return render(request, "reports/documents_publication_confirm.html",
                          {"region": region, "period": period, "snapshot": snapshot,
                           "short": [row for row in snapshot["units"] if row["code"] in snapshot["short"]],
                           "empty": [row for row in snapshot["units"] if row["code"] in snapshot["empty"]]})
    rows = [{"publication": publication, "period": publication_period(publication),
             "published_on": date_text(region_date(region, publication.published_at)),
             "late": responses_after(publication)} for publication in published]
    return render(request, "reports/documents_publication.html", {"region": region, "form": form, "rows": rows})


def _publication_change(request, region, action: str, published):
    periods = {publication_period(publication).slug: publication_period(publication) for publication in published}
    period = periods.get(request.POST.get("period", ""))
    if period is None:
        messages.error(request, _("Periode itu belum dipublikasikan."))
    elif action == "withdraw":
        publication_withdraw(region=region, period=period, user=request.user)
        messages.success(request, _("Publikasi %(period)s ditarik.") % {"period": period.label})
    else:
        revision = publication_revise(region=region, period=period, user=request.user)
        if revision is None:
            messages.info(request, _("Angka %(period)s tidak berubah sejak publikasi terakhir; tidak ada revisi.")
                          % {"period": period.label})
        else:
            messages.success(request, _("Revisi %(period)s dipublikasikan sebagai versi %(revision)s.")
                             % {"period": period.label, "revision": revision.revision})
    return redirect("documents:region-publication", region_code=region.code)
