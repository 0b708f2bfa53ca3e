"""Third-party survey results of a unit: the list, the entry form, one result with its IKM and the choice of how
it joins the captured responses, its withdrawal, and the provider's report. For those who manage the unit (its
agency's admins, the region's admins); anyone else gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agencies.selectors import get_managed_unit_for_user
from agencies.zones import region_zone
from reports.forms import ThirdPartyMixingForm, ThirdPartyResultForm, ThirdPartyWithdrawForm
from reports.models import ThirdPartyElement, ThirdPartyResult
from reports.periods import Period
from reports.selectors import respondents_by_unit
from reports.services import third_party_mixing_decide, third_party_result_create, third_party_result_withdraw
from reports.third_party import EntryRefused, result_period, scores_of_result, third_party_entry_check
from skm.uploads import PDF, evidence_file_response
from surveys.models import Questionnaire


def _unit(request, unit_code: str):
    unit = get_managed_unit_for_user(request.user, unit_code)
    timezone.activate(region_zone(unit.agency.region))
    return unit


def _questionnaire(request, unit) -> Questionnaire:
    """The questionnaire the result reports on: the unit's own unless another active one is picked."""
    picked = request.POST.get("kuesioner") or request.GET.get("kuesioner")
    if picked and str(picked).isdigit():
        found = Questionnaire.objects.filter(pk=picked, is_active=True).first()
        if found is not None:
            return found
    return unit.questionnaire


@login_required
@require_http_methods(["GET", "POST"])
def third_party_list(request, unit_code: str):
    unit = _unit(request, unit_code)
    questionnaire = _questionnaire(request, unit)
    elements = list(questionnaire.elements.order_by("position"))
    form = ThirdPartyResultForm(request.POST or None, request.FILES or None, elements=elements,
                                today=timezone.localdate())
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            respondents, entries = third_party_entry_check(elements=elements,
                                                           respondents=form.cleaned_data["respondents"],
                                                           rows=form.typed_rows())
            result = third_party_result_create(
                unit=unit, period=Period.from_slug(form.cleaned_data["period"]), questionnaire=questionnaire,
                provider=form.cleaned_data["provider"], method=form.cleaned_data["method"], respondents=respondents,
                entries=entries, report=form.cleaned_data["report"], by=request.user)
        except EntryRefused as refused:
            problems = refused.problems
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Hasil survei pihak ketiga disimpan."))
            return redirect("reports:third_party_detail", unit.code, result.id)
    results = (ThirdPartyResult.objects.filter(unit=unit).select_related("questionnaire", "entered_by", "mixing_by")
               .order_by("-start", "-id"))
    return render(request, "reports/third_party_list.html", {
        "unit": unit, "form": form, "problems": problems, "questionnaire": questionnaire,
        "questionnaires": Questionnaire.objects.filter(is_active=True).order_by("code", "version"),
        "results": results, "page_kind": "third_party",
    }, status=400 if request.method == "POST" else 200)


def _result(request, unit_code: str, result_id: int) -> tuple:
    unit = _unit(request, unit_code)
    result = get_object_or_404(ThirdPartyResult.objects.select_related("questionnaire", "entered_by", "mixing_by"),
                               pk=result_id, unit=unit)
    return unit, result


@login_required
def third_party_detail(request, unit_code: str, result_id: int):
    unit, result = _result(request, unit_code, result_id)
    rows = list(ThirdPartyElement.objects.filter(result=result).select_related("element")
                .order_by("element__position"))
    scores = scores_of_result(result, rows)
    period = result_period(result)
    captured = respondents_by_unit(unit_ids=[unit.id], period=period).get(unit.id, 0)
    by_id = scores.element_scores
    return render(request, "reports/third_party_detail.html", {
        "unit": unit, "result": result, "scores": scores, "period": period, "captured": captured,
        "rows": [{"row": row, "score": by_id.get(row.element_id)} for row in rows],
        "mixing_form": ThirdPartyMixingForm(initial={"choice": result.mixing or None}),
        "withdraw_form": ThirdPartyWithdrawForm(), "page_kind": "third_party",
        "dashboard_url": f"{reverse('reports:unit_dashboard', args=[unit.code])}?period={period.slug}",
    })


@login_required
@require_POST
def third_party_decide(request, unit_code: str, result_id: int):
    unit, result = _result(request, unit_code, result_id)
    form = ThirdPartyMixingForm(request.POST)
    if form.is_valid():
        third_party_mixing_decide(result=result, choice=form.cleaned_data["choice"], by=request.user)
        messages.success(request, _("Pilihan penggabungan dicatat: %(choice)s.") % {
            "choice": result.get_mixing_display()})
    else:
        messages.error(request, _("Pilih “gunakan hasil pihak ketiga saja” atau “gabungkan dengan respons "
                                  "aplikasi”."))
    return redirect("reports:third_party_detail", unit.code, result.id)


@login_required
@require_POST
def third_party_withdraw(request, unit_code: str, result_id: int):
    unit, result = _result(request, unit_code, result_id)
    form = ThirdPartyWithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hasil tidak ditarik: tulis alasannya (paling banyak 500 karakter)."))
        return redirect("reports:third_party_detail", unit.code, result.id)
    label = f"{result.provider} · {result.period}"
    third_party_result_withdraw(result=result, reason=form.cleaned_data["reason"], by=request.user)
    messages.success(request, _("Hasil survei pihak ketiga %(result)s ditarik dari semua angka.") % {"result": label})
    return redirect("reports:third_party_list", unit.code)


@login_required
def third_party_report(request, unit_code: str, result_id: int):
    _unit_found, result = _result(request, unit_code, result_id)
    return evidence_file_response(result.report.name, content_type=PDF.content_type,
                                  filename=f"pihak-ketiga-{result.unit.code}-{result.period}.pdf")
