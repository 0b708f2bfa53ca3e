"""Campaign screens: the list, the form (region admins) and the progress page (the region's admins, and the
staff of participating units for their own units). Objects come from campaigns.selectors: 404 outside scope."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from agencies.selectors import administered_regions, get_region_for_user
from campaigns.forms import CampaignForm
from campaigns.models import Campaign
from campaigns.selectors import (
    campaign_progress, campaign_units_for_user, campaigns_for_user, get_campaign_for_user,
    get_region_campaign_for_user,
)
from campaigns.services import campaign_save
from reports import charts


@login_required
def campaign_list(request, region_code=None):
    """Every campaign the user may see, or those of one region its admin looks after."""
    campaigns = campaigns_for_user(request.user)
    region = None
    if region_code:
        region = get_region_for_user(request.user, region_code)
        campaigns = campaigns.filter(region=region)
    regions = [region] if region else list(administered_regions(request.user).order_by("name"))
    return render(request, "campaigns/list.html", {
        "region": region, "regions": regions, "today": timezone.localdate(),
        "campaigns": campaigns.prefetch_related("campaign_services").order_by("-start", "name"),
    })


def _form_page(request, *, region, campaign: Campaign):
    form = CampaignForm(request.POST or None, instance=campaign, region=region)
    if request.method == "POST" and form.is_valid():
        saved = campaign_save(campaign=form.instance, units=form.cleaned_data["chosen_units"],
                              service_names=form.cleaned_data["services"], by=request.user)
        units = len(form.cleaned_data["chosen_units"])
        messages.success(request, ngettext("Kampanye “%(name)s” disimpan dengan %(n)s unit peserta.",
                                           "Kampanye “%(name)s” disimpan dengan %(n)s unit peserta.", units)
                         % {"name": saved.name, "n": units})
        return redirect("campaigns:detail", campaign_id=saved.pk)
    return render(request, "campaigns/form.html", {"form": form, "region": region, "campaign": campaign},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request, region_code):
    region = get_region_for_user(request.user, region_code)
    return _form_page(request, region=region, campaign=Campaign(region=region))


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, region_code, campaign_id):
    region, campaign = get_region_campaign_for_user(request.user, region_code, campaign_id)
    return _form_page(request, region=region, campaign=campaign)


@login_required
def campaign_detail(request, campaign_id):
    campaign = get_campaign_for_user(request.user, campaign_id)
    today = timezone.localdate()
    units = campaign_units_for_user(request.user, campaign)
    progress = campaign_progress(campaign=campaign, units=units, today=today)
    is_region_admin = administered_regions(request.user).filter(pk=campaign.region_id).exists()
    return render(request, "campaigns/detail.html", {
        "campaign": campaign, "progress": progress, "today": today, "is_region_admin": is_region_admin,
        "services": list(campaign.campaign_services.all()),
        "daily_chart": charts.daily_chart(counts=progress.by_day, start=campaign.start, end=campaign.end,
                                          today=today, title=_("Responden kampanye per hari") + f" · {campaign.name}"),
    })
