"""Monev pages: the region's checklist, recap and comparison with the IKM (region admins), and each unit's page
where its staff attach evidence and the evaluators record their findings. Every object comes through
agencies.selectors (404 outside scope)."""

from __future__ import annotations

import functools
import tempfile
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agencies.models import Agency, Region, ServiceUnit
from agencies.selectors import agency_descendant_ids, get_agency_for_user, get_region_for_user, get_unit_for_user
from agencies.zones import region_zone
from monev import services
from monev.charts import compliance_ikm_chart
from monev.documents import recap_pdf, recap_xlsx_write
from monev.evidence_pack import pack_units, unit_pack_pdf
from monev.forms import AssessmentForm, EvidenceForm, ItemEditForm, ItemForm, MediumForm
from monev.models import ChecklistItem, Evidence
from monev.selectors import (
    is_evaluator, media_by_unit, media_count_by_unit, media_managed_by, media_recorded_in, media_visible_to,
    monev_beside_ikm, region_recap, region_units, unit_items,
)
from reports.documents.common import PdfUnavailable, document_language
from reports.documents.generated import document_request, documents_for_user
from reports.models import GeneratedDocument
from reports.periods import Period
from reports.views_documents import XLSX
from skm.uploads import evidence_file_response

FIRST_YEAR = 2000


class BadYear(ValueError):
    pass


def _year(request) -> int:
    """The year asked for (?tahun=), this year without one."""
    this_year = timezone.localdate().year
    text = (request.GET.get("tahun") or "").strip()
    if not text:
        return this_year
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= this_year + 1:
        raise BadYear(text[:20])
    return int(text)


def _bad_year(request, text: str):
    return render(request, "reports/documents_message.html", status=400, context={
        "title": _("Tahun tidak dikenal"),
        "text": _("Tahun “%(text)s” tidak dapat dipakai; isi tahun %(first)s sampai %(last)s, misalnya %(now)s.")
        % {"text": text, "first": FIRST_YEAR, "last": timezone.localdate().year + 1,
           "now": timezone.localdate().year}})


def with_year(view):
    """Pass the year of ?tahun= to the view, or answer 400 with what is wrong with it."""
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            year = _year(request)
        except BadYear as problem:
            return _bad_year(request, str(problem))
        return view(request, *args, year=year, **kwargs)
    return wrapped


def _years(year: int) -> dict:
    return {"year": year, "previous_year": year - 1,
            "next_year": year + 1 if year < timezone.localdate().year + 1 else None}


# The region -------------------------------------------------------------------------------------------------

@login_required
@with_year
def region(request, region_code: str, year: int):
    """The recap on screen: every unit's status per item, compliance and missing key documents."""
    found = get_region_for_user(request.user, region_code)
    services.checklist_ensure(region=found, year=year)
    recap = region_recap(region=found, year=year)
    return render(request, "monev/region.html", {"region": found, "region_admin_nav": True, "recap": recap,
                                                 "page": "recap", **_years(year)})


@login_required
@with_year
@require_http_methods(["GET", "POST"])
def checklist(request, region_code: str, year: int):
    found = get_region_for_user(request.user, region_code)
    items = services.checklist_ensure(region=found, year=year)
    form = ItemForm(request.POST or None, initial={"kind": ChecklistItem.Kind.MANUAL})
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(region=found, year=year, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Butir “%(name)s” ditambahkan.") % {"name": item.name_shown})
            return redirect(f"{reverse('monev:checklist', args=[found.code])}?tahun={year}")
    items = sorted(items, key=lambda item: (item.position, item.id))
    used = set(ChecklistItem.objects.filter(Q(assessments__isnull=False) | Q(evidence__isnull=False),
                                            pk__in=[item.pk for item in items]).values_list("pk", flat=True))
    return render(request, "monev/checklist.html", {
        "region": found, "region_admin_nav": True, "items": items, "used": used, "form": form, "page": "checklist",
        **_years(year)},
        status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, region_code: str, item_id: int):
    found = get_region_for_user(request.user, region_code)
    item = get_object_or_404(ChecklistItem, pk=item_id, region=found)
    back = f"{reverse('monev:checklist', args=[found.code])}?tahun={item.year}"
    # The form edits a copy: validation must not change `item` before the service compares it with the input.
    form = ItemEditForm(request.POST or None, instance=ChecklistItem.objects.get(pk=item.pk))
    if request.method == "POST":
        try:
            if "delete" in request.POST:
                services.item_delete(item=item, by=request.user)
                messages.success(request, _("Butir “%(name)s” dihapus.") % {"name": item.name_shown})
                return redirect(back)
            if form.is_valid():
                services.item_update(item=item, by=request.user, **form.cleaned_data)
                messages.success(request, _("Butir “%(name)s” disimpan.") % {"name": item.name_shown})
                return redirect(back)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "monev/item_edit.html", {
        "region": found, "region_admin_nav": True, "item": item, "form": form, "in_use": services.item_in_use(item),
        "back": back, "page": "checklist", "year": item.year}, status=400 if form.errors else 200)


@login_required
@with_year
def compare(request, region_code: str, year: int):
    """Compliance beside the converted IKM of the same year, weakest first, with a scatter chart."""
    found = get_region_for_user(request.user, region_code)
    services.checklist_ensure(region=found, year=year)
    recap = region_recap(region=found, year=year)
    rows = monev_beside_ikm(recap)
    return render(request, "monev/compare.html", {
        "region": found, "region_admin_nav": True, "rows": rows, "page": "compare",
        "chart": compliance_ikm_chart(rows, year=year), **_years(year)})


@login_required
@with_year
def recap_download_xlsx(request, region_code: str, year: int):
    found = get_region_for_user(request.user, region_code)
    services.checklist_ensure(region=found, year=year)
    out = tempfile.TemporaryFile()
    recap_xlsx_write(region=found, year=year, out=out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=f"rekap-monev-{found.code}-{year}.xlsx",
                        content_type=XLSX)


@login_required
@with_year
def recap_download_pdf(request, region_code: str, year: int):
    found = get_region_for_user(request.user, region_code)
    services.checklist_ensure(region=found, year=year)
    try:
        data = recap_pdf(region=found, year=year)
    except PdfUnavailable:
        return render(request, "reports/documents_message.html", status=503, context={
            "title": _("PDF tidak dapat dibuat"),
            "text": _("Server ini belum memasang pustaka PDF (WeasyPrint dengan Pango). Unduhan Excel tetap "
                      "tersedia.")})
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rekap-monev-{found.code}-{year}.pdf"'
    return response


# One unit ---------------------------------------------------------------------------------------------------

def _unit_page(request, unit, year: int, *, upload_forms: dict | None = None, assess_forms: dict | None = None,
               status: int = 200):
    region = unit.agency.region
    items = sorted(services.checklist_ensure(region=region, year=year), key=lambda item: (item.position, item.id))
    summary, lines = unit_items(unit=unit, year=year, items=items)
    evaluator = is_evaluator(request.user, region)
    upload_forms, assess_forms = upload_forms or {}, assess_forms or {}
    for line in lines:
        line.upload_form = upload_forms.get(line.item.id) or EvidenceForm(prefix=f"item{line.item.id}")
        if evaluator and not line.item.is_automatic:
            line.assess_form = assess_forms.get(line.item.id) or AssessmentForm(
                instance=line.assessment, year=year, prefix=f"assess{line.item.id}",
                initial={"visited_on": min(timezone.localdate(), date(year, 12, 31))})
    return render(request, "monev/unit.html", {
        "unit": unit, "region": region, "summary": summary, "lines": lines, "evaluator": evaluator,
        "max_bytes": settings.MONEV_EVIDENCE_MAX_BYTES, **_years(year)}, status=status)


@login_required
@with_year
def unit(request, unit_code: str, year: int):
    return _unit_page(request, get_unit_for_user(request.user, unit_code), year)


def _item_of(unit, item_id: int) -> ChecklistItem:
    return get_object_or_404(ChecklistItem, pk=item_id, region_id=unit.agency.region_id)


def _back(unit, year: int) -> str:
    return f"{reverse('monev:unit', args=[unit.code])}?tahun={year}"


@login_required
@require_POST
def evidence_upload(request, unit_code: str, item_id: int):
    found = get_unit_for_user(request.user, unit_code)
    item = _item_of(found, item_id)
    if item.is_automatic:
        raise Http404
    form = EvidenceForm(request.POST, request.FILES, prefix=f"item{item.id}")
    if form.is_valid():
        evidence = services.evidence_add(unit=found, item=item, upload=form.cleaned_data["file"], by=request.user)
        messages.success(request, _("Bukti “%(name)s” disimpan untuk butir “%(item)s”.")
                         % {"name": evidence.original_name, "item": item.name_shown})
        return redirect(_back(found, item.year))
    messages.error(request, _("Bukti untuk butir “%(item)s” tidak disimpan.") % {"item": item.name_shown})
    return _unit_page(request, found, item.year, upload_forms={item.id: form}, status=400)


def _evidence_of(request, unit_code: str, evidence_id: int) -> Evidence:
    found = get_unit_for_user(request.user, unit_code)
    return get_object_or_404(Evidence.objects.select_related("item__region", "unit"), pk=evidence_id, unit=found)


@login_required
def evidence_file(request, unit_code: str, evidence_id: int):
    """The stored file, only to staff who see the unit; never from a public media URL."""
    evidence = _evidence_of(request, unit_code, evidence_id)
    return evidence_file_response(evidence.file.name, content_type=evidence.content_type,
                                  filename=evidence.original_name)


@login_required
@require_POST
def evidence_delete(request, unit_code: str, evidence_id: int):
    evidence = _evidence_of(request, unit_code, evidence_id)
    year = evidence.item.year
    try:
        services.evidence_delete(evidence=evidence, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Bukti “%(name)s” dihapus.") % {"name": evidence.original_name})
    return redirect(_back(evidence.unit, year))


@login_required
@require_POST
def assess(request, unit_code: str, item_id: int):
    """Evaluators only: a unit's own staff see the findings but cannot change them (403)."""
    found = get_unit_for_user(request.user, unit_code)
    item = _item_of(found, item_id)
    if not is_evaluator(request.user, found.agency.region):
        raise PermissionDenied(_("Hanya evaluator (admin pemda) yang dapat menilai butir monev."))
    if item.is_automatic:
        raise Http404
    current = item.assessments.filter(unit=found).first()
    form = AssessmentForm(request.POST, instance=current, year=item.year, prefix=f"assess{item.id}")
    if form.is_valid():
        services.assessment_record(unit=found, item=item, by=request.user, **form.cleaned_data)
        messages.success(request, _("Penilaian butir “%(item)s” disimpan.") % {"item": item.name_shown})
        return redirect(_back(found, item.year))
    messages.error(request, _("Penilaian butir “%(item)s” tidak disimpan.") % {"item": item.name_shown})
    return _unit_page(request, found, item.year, assess_forms={item.id: form}, status=400)


# The media register -----------------------------------------------------------------------------------------

def _media_page(request, *, obj, level: str, year: int, units: list, scopes: list, records, unit_media=None):
    """The register of a region, an agency or a unit: its records, each unit's count, and the form."""
    form = MediumForm(request.POST or None, request.FILES or None, scopes=scopes, year=year)
    here = f"{request.path}?tahun={year}"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.medium_record(scope=data["scope"], period=data["period"], kind=data["kind"], name=data["name"],
                                   published_on=data["published_on"], url=data["url"], upload=data["file"],
                                   by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Media “%(name)s” dicatat.") % {"name": data["name"]})
            return redirect(here)
    counts = media_count_by_unit(unit_ids=[unit.id for unit in units], year=year)
    managed = set(media_managed_by(request.user).filter(pk__in=[each.pk for each in records])
                  .values_list("pk", flat=True))
    return render(request, "monev/media.html", {
        "obj": obj, "level": level, "records": records, "managed": managed, "form": form,
        "unit_rows": [(unit, counts[unit.id]) for unit in units], "unit_media": unit_media,
        "region_admin_nav": level == "region", "region": obj if level == "region" else None,
        "max_bytes": settings.MONEV_EVIDENCE_MAX_BYTES, **_years(year)}, status=400 if form.errors else 200)


def _scope_choice(found) -> tuple[str, str, object]:
    prefix, kind = {Region: ("region", _("Pemerintah daerah")), Agency: ("agency", _("Perangkat daerah")),
                    ServiceUnit: ("unit", _("Unit layanan"))}[type(found)]
    return f"{prefix}-{found.pk}", f"{kind}: {found}", found


@login_required
@with_year
@require_http_methods(["GET", "POST"])
def media_region(request, region_code: str, year: int):
    found = get_region_for_user(request.user, region_code)
    agencies = list(Agency.objects.filter(region=found).order_by("name"))
    units = region_units(found)
    scopes = [_scope_choice(each) for each in (found, *agencies, *units)]
    return _media_page(request, obj=found, level="region", year=year, units=units, scopes=scopes,
                       records=list(media_recorded_in(year=year, region=found)))


@login_required
@with_year
@require_http_methods(["GET", "POST"])
def media_agency(request, agency_code: str, year: int):
    found = get_agency_for_user(request.user, agency_code)
    agency_ids = agency_descendant_ids({found.id})
    agencies = list(Agency.objects.filter(id__in=agency_ids).order_by("name"))
    units = list(ServiceUnit.objects.filter(agency_id__in=agency_ids, is_active=True).select_related("agency")
                 .order_by("agency__name", "name"))
    scopes = [_scope_choice(each) for each in (*agencies, *units)]
    return _media_page(request, obj=found, level="agency", year=year, units=units, scopes=scopes,
                       records=list(media_recorded_in(year=year, region=found.region, agency_ids=agency_ids,
                                                      unit_ids=[unit.id for unit in units])))


@login_required
@with_year
@require_http_methods(["GET", "POST"])
def media_unit(request, unit_code: str, year: int):
    found = get_unit_for_user(request.user, unit_code)
    shown = media_by_unit(unit_ids=[found.id], year=year)[found.id]
    return _media_page(request, obj=found, level="unit", year=year, units=[found], scopes=[_scope_choice(found)],
                       records=[each.record for each in shown if each.record is not None], unit_media=shown)


@login_required
def medium_file(request, medium_id: int):
    """A medium's photo or PDF, only to staff who may read the record; never from a public media URL."""
    medium = get_object_or_404(media_visible_to(request.user), pk=medium_id)
    if not medium.file:
        raise Http404
    return evidence_file_response(medium.file.name, content_type=medium.content_type, filename=medium.original_name)


@login_required
@require_POST
def medium_delete(request, medium_id: int):
    medium = get_object_or_404(media_managed_by(request.user).select_related("region", "agency", "unit"),
                               pk=medium_id)
    services.medium_delete(medium=medium, by=request.user)
    messages.success(request, _("Media “%(name)s” dihapus.") % {"name": medium.name})
    scope = medium.scope
    name = {Region: "monev:media_region", Agency: "monev:media_agency", ServiceUnit: "monev:media_unit"}[type(scope)]
    return redirect(f"{reverse(name, args=[scope.code])}?tahun={medium.year}")


# The evidence pack ------------------------------------------------------------------------------------------

def _pack_page(request, *, obj, level: str, year: int, units: list, **scope):
    """A region's or an agency's evidence pack: built in the background as a zip; each unit's PDF at once."""
    if request.method == "POST":
        document = document_request(kind=GeneratedDocument.Kind.EVIDENCE_PACK, period=Period.year_of(year),
                                    user=request.user, **scope)
        return redirect("documents:document-status", document_id=document.id)
    recent = documents_for_user(request.user).filter(kind=GeneratedDocument.Kind.EVIDENCE_PACK, **scope)[:10]
    return render(request, "monev/evidence_pack.html", {
        "obj": obj, "level": level, "units": units, "recent": recent,
        "region_admin_nav": level == "region", "region": obj if level == "region" else None, **_years(year)})


@login_required
@with_year
@require_http_methods(["GET", "POST"])
def evidence_pack_region(request, region_code: str, year: int):
    found = get_region_for_user(request.user, region_code)
    return _pack_page(request, obj=found, level="region", year=year, units=region_units(found), region=found)


@login_required
@with_year
@require_http_methods(["GET", "POST"])
def evidence_pack_agency(request, agency_code: str, year: int):
    found = get_agency_for_user(request.user, agency_code)
    units = list(ServiceUnit.objects.filter(agency_id__in=agency_descendant_ids({found.id}), is_active=True)
                 .select_related("agency").order_by("agency__name", "name"))
    return _pack_page(request, obj=found, level="agency", year=year, units=units, agency=found)


@login_required
@with_year
def evidence_pack_unit_pdf(request, unit_code: str, year: int):
    found = get_unit_for_user(request.user, unit_code)
    region = found.agency.region
    try:
        with document_language(), timezone.override(region_zone(region)):
            data = unit_pack_pdf(pack_units(units=[found], year=year)[0])
    except PdfUnavailable:
        return render(request, "reports/documents_message.html", status=503, context={
            "title": _("PDF tidak dapat dibuat"),
            "text": _("Server ini belum memasang pustaka PDF (WeasyPrint dengan Pango).")})
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bukti-pekppp-{found.code}-{year}.pdf"'
    return response
