from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from agencies.admin import ViewOnlyAdmin
from agencies.audit import audit_record
from agencies.models import AuditEvent
from reports.models import FollowUpPlan, GeneratedDocument, Publication


@admin.register(FollowUpPlan)
class FollowUpPlanAdmin(admin.ModelAdmin):
    list_display = ["unit", "element", "year", "quarter", "action", "responsible", "due_year", "due_quarter",
                    "status"]
    list_filter = ["status", "year", "quarter", "unit__agency__region", "unit__agency"]
    list_select_related = ["unit", "element"]
    search_fields = ["action", "responsible", "unit__name", "unit__code"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["created_at", "updated_at", "created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["region", "year", "quarter", "published_at", "published_by"]
    list_filter = ["region", "year", "quarter"]
    list_select_related = ["region", "published_by"]
    search_fields = ["region__name", "region__code"]
    readonly_fields = ["published_at", "published_by"]
    autocomplete_fields = ["region"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.published_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            _audit_publication(obj, request.user, AuditEvent.Action.RESULTS_PUBLISHED)

    def delete_model(self, request, obj):
        _audit_publication(obj, request.user, AuditEvent.Action.RESULTS_WITHDRAWN)
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for publication in queryset.select_related("region"):
            _audit_publication(publication, request.user, AuditEvent.Action.RESULTS_WITHDRAWN)
        super().delete_queryset(request, queryset)


def _audit_publication(publication: Publication, actor, action: str):
    audit_record(actor=actor, action=action, target=publication, region=publication.region,
                 year=publication.year, quarter=publication.quarter)


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(ViewOnlyAdmin):
    list_display = ["created_at", "kind", "scope", "period", "status", "requested_by", "expires_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["region", "agency", "unit", "requested_by"]
    date_hierarchy = "created_at"
    search_fields = ["filename", "period", "region__name", "agency__name", "unit__name"]

    @admin.display(description=_("cakupan"))
    def scope(self, document):
        return document.region or document.agency or document.unit
