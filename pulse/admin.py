from django.contrib import admin

from agencies.admin import ViewOnlyAdmin
from pulse.models import PulseAnswer


@admin.register(PulseAnswer)
class PulseAnswerAdmin(ViewOnlyAdmin):
    list_display = ["answered_at", "day", "unit", "kiosk", "value"]
    list_filter = ["value", "unit__agency"]
    list_select_related = ["unit", "kiosk__unit"]
    date_hierarchy = "day"
    search_fields = ["unit__name", "unit__code", "kiosk__name"]
