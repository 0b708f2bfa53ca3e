"""The coverage board (reports.coverage): the screen, its workbook and the reminder action, for a region admin
(the whole region) or an agency admin (their agency and the agencies below it). Scopes come from
agencies.selectors, so anything else answers 404."""

from __future__ import annotations

import tempfile
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agencies.models import Agency, Region
from agencies.selectors import get_agency_for_user, get_region_for_user
from agencies.zones import region_today, region_zone
from reports.coverage import (
    FILTERS, coverage_board, coverage_filter_label, coverage_filters_read, coverage_period_options,
    coverage_period_read,
)
from reports.documents.common import document_language
from reports.documents.coverage import coverage_workbook_write
from reports.services import coverage_reminders_send
from reports.views import Scope

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope(user, *, region_code=None, agency_code=None) -> tuple[Region, Agency | None]:
    if region_code:
        return get_region_for_user(user, region_code), None
    agency = get_agency_for_user(user, agency_code)
    return agency.region, agency


def _urls(region: Region, agency: Agency | None) -> dict[str, str]:
    if agency is None:
        args, prefix = [region.code], "reports:region_coverage"
    else:
        args, prefix = [agency.code], "reports:agency_coverage"
    return {"board": reverse(prefix, args=args), "xlsx": reverse(f"{prefix}_xlsx", args=args),
            "remind": reverse(f"{prefix}_remind", args=args)}


def _nav_scope(region: Region, agency: Agency | None) -> Scope:
    """What the staff navigation links to from the board (its dashboard, suggestions, management)."""
    if agency is None:
        return Scope(kind="region", obj=region, region=region, unit_ids=[], crumbs=[],
                     manage_url=reverse("agencies:region_manage", args=[region.code]))
    return Scope(kind="agency", obj=agency, region=region, unit_ids=[], crumbs=[],
                 manage_url=reverse("agencies:agency_manage", args=[agency.code]))


def _bad_period(request, problem: str):
    return render(request, "reports/documents_message.html", {"title": _("Periode tidak dapat dipakai"),
                                                               "text": problem}, status=400)


@login_required
def coverage(request, **codes):
    region, agency = _scope(request.user, **codes)
    timezone.activate(region_zone(region))  # the region's days and times; reset after the response
    today = region_today(region)
    period, problem = coverage_period_read(request.GET.get("period"), today=today)
    filters, problems = coverage_filters_read(request.GET.getlist("saring"))
    board = coverage_board(region=region, period=period, agency=agency, filters=filters)
    urls = _urls(region, agency)
    query = urlencode([("period", period.slug), *(("saring", name) for name in filters)])
    return render(request, "reports/coverage.html", {
        "board": board, "lines": board.shown(), "counts": board.counts, "period": period,
        "problems": ([problem] if problem else []) + problems,
        "periods": coverage_period_options(today=today, selected=period),
        "filters": [(name, coverage_filter_label(name), name in filters) for name in FILTERS],
        "urls": urls, "xlsx_url": f"{urls['xlsx']}?{query}", "scope": _nav_scope(region, agency),
        "page_kind": "coverage",
    })


@login_required
def coverage_xlsx(request, **codes):
    region, agency = _scope(request.user, **codes)
    period, problem = coverage_period_read(request.GET.get("period"), today=region_today(region))
    filters, problems = coverage_filters_read(request.GET.getlist("saring"))
    if problem or problems:  # a file must hold what was asked for, not a fallback
        return _bad_period(request, " ".join(filter(None, [problem, *problems])))
    out = tempfile.TemporaryFile()
    with document_language(), timezone.override(region_zone(region)):
        board = coverage_board(region=region, period=period, agency=agency, filters=filters)
        coverage_workbook_write(board=board, out=out)
    out.seek(0)
    code = agency.code if agency else region.code
    return FileResponse(out, as_attachment=True, filename=f"cakupan-survei-{code}-{period.slug}.xlsx",
                        content_type=XLSX)


@login_required
@require_http_methods(["POST"])
def coverage_remind(request, **codes):
    region, agency = _scope(request.user, **codes)
    timezone.activate(region_zone(region))
    period, problem = coverage_period_read(request.POST.get("period"), today=region_today(region))
    if problem:
        return _bad_period(request, problem)
    board = coverage_board(region=region, period=period, agency=agency)
    outcome = coverage_reminders_send(board=board, by=request.user)
    for reminder in outcome.sent:
        recipients = ", ".join(r["email"] for r in reminder.recipients)
        parent = outcome.through_parent.get(reminder.agency_id)
        if parent:
            messages.success(request, _("Pengingat untuk %(agency)s (belum punya admin) terkirim ke admin %(parent)s: "
                                        "%(recipients)s.") % {"agency": reminder.agency.name, "parent": parent.name,
                                                              "recipients": recipients})
        else:
            messages.success(request, _("Pengingat terkirim ke %(agency)s: %(recipients)s.") % {
                "agency": reminder.agency.name, "recipients": recipients})
    for found, usernames in outcome.without_email:
        messages.warning(request, _("%(agency)s: admin tanpa alamat e-mail tidak dikirimi (%(users)s).") % {
            "agency": found.name, "users": ", ".join(usernames)})
    for found in outcome.without_admin:
        messages.warning(request, _("%(agency)s belum punya admin perangkat daerah, begitu pula perangkat daerah di "
                                    "atasnya; tidak ada pengingat.") % {"agency": found.name})
    for found in outcome.failed:
        messages.error(request, _("Pengingat ke %(agency)s gagal dikirim oleh server e-mail; coba lagi nanti.")
                       % {"agency": found.name})
    if not (outcome.sent or outcome.without_email or outcome.without_admin or outcome.failed):
        messages.info(request, _("Tidak ada unit yang kurang data pada %(period)s; tidak ada pengingat.")
                      % {"period": period.label})
    return redirect(f"{_urls(region, agency)['board']}?{urlencode({'period': period.slug})}")
