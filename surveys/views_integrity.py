"""The staff review of self-filling patterns (docs/integrity.md): a unit's flagged groups and the decision on
each, for the unit's operators and the admins above it; outside that scope the unit does not exist (404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.selectors import get_unit_for_user
from reports.integrity import integrity_by_unit
from reports.periods import Period
from surveys.models import FlagGroup
from surveys.services import flag_group_decide

GROUPS_PER_PAGE = 50


@login_required
def integrity_review(request, unit_code: str):
    unit = get_unit_for_user(request.user, unit_code)
    # Awaiting a decision first (blank sorts first), newest first.
    groups = (FlagGroup.objects.filter(unit=unit).select_related("decided_by")
              .annotate(size=Count("responses")).order_by("decision", "-found_at", "-id"))
    page = Paginator(groups, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    period = Period.containing(timezone.localdate())
    return render(request, "surveys/integrity_review.html", {
        "unit": unit, "page": page, "period": period,
        "integrity": integrity_by_unit(unit_ids=[unit.id], period=period)[unit.id],
    })


@login_required
@require_POST
def integrity_decide(request, unit_code: str, group_id: int):
    unit = get_unit_for_user(request.user, unit_code)
    group = get_object_or_404(FlagGroup, pk=group_id, unit=unit)
    decision = request.POST.get("decision")
    if decision not in FlagGroup.Decision.values:
        return HttpResponseBadRequest(_("Pilih keputusan: kecualikan atau tetap hitung."))
    group = flag_group_decide(group, by=request.user, exclude=decision == FlagGroup.Decision.EXCLUDE)
    messages.success(request, _("Isian dalam kelompok ini dikecualikan dari nilai.") if decision == "exclude"
                     else _("Isian dalam kelompok ini tetap dihitung."))
    return redirect("surveys_staff:integrity_review", unit_code=unit.code)
