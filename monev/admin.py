from django.contrib import admin

from agencies.admin import ViewOnlyAdmin
from monev.models import Assessment, ChecklistItem, Evidence, PublicationMedium


# Read-only: checklists, findings and evidence change on the monev screens, which audit every change.
@admin.register(ChecklistItem)
class ChecklistItemAdmin(ViewOnlyAdmin):
    list_display = ["name", "region", "year", "position", "is_key", "kind"]
    list_filter = ["year", "kind", "is_key", "region"]
    search_fields = ["name", "region__name"]


@admin.register(Assessment)
class AssessmentAdmin(ViewOnlyAdmin):
    list_display = ["unit", "item", "status", "visited_on", "assessed_by", "assessed_at"]
    list_filter = ["status", "item__year", "unit__agency__region"]
    list_select_related = ["unit", "item", "assessed_by"]
    search_fields = ["unit__name", "unit__code", "item__name", "note"]


@admin.register(Evidence)
class EvidenceAdmin(ViewOnlyAdmin):
    list_display = ["unit", "item", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["content_type", "item__year", "unit__agency__region"]
    list_select_related = ["unit", "item", "uploaded_by"]
    search_fields = ["unit__name", "unit__code", "item__name", "original_name"]
    exclude = ["file"]  # the file is served only by the scoped view, never by a link from here


@admin.register(PublicationMedium)
class PublicationMediumAdmin(ViewOnlyAdmin):
    list_display = ["name", "kind", "period", "published_on", "region", "agency", "unit", "recorded_by"]
    list_filter = ["year", "kind"]
    list_select_related = ["region", "agency", "unit", "recorded_by"]
    search_fields = ["name", "url", "unit__code", "agency__code", "region__code"]
    exclude = ["file"]  # served only by the scoped view
