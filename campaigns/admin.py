from django.contrib import admin

from agencies.admin import ViewOnly, ViewOnlyAdmin
from campaigns.models import Campaign, CampaignService


class CampaignServiceInline(ViewOnly, admin.TabularInline):
    model = CampaignService
    fields = ["name", "position"]


# View only: a campaign is saved through campaigns.services, which links and creates the units' services.
@admin.register(Campaign)
class CampaignAdmin(ViewOnlyAdmin):
    list_display = ["name", "region", "start", "end", "selection", "seed"]
    list_filter = ["region"]
    search_fields = ["name"]
    inlines = [CampaignServiceInline]
