from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from agencies.admin import ViewOnlyAdmin
from agencies.zones import unit_today
from reports.documents.publication import (
    publication_period, publication_publish, publication_withdraw, publishable_check,
)
from reports.models import (
    CoverageReminder, FollowUpPlan, FollowUpStatusChange, GeneratedDocument, Publication, ThirdPartyResult,
)
from reports.periods import Period


@admin.register(FollowUpPlan)
class FollowUpPlanAdmin(admin.ModelAdmin):
    list_display = ["unit", "element", "year", "quarter", "action", "responsible", "due_date", "status"]
    list_filter = ["status", "year", "quarter", "unit__agency__region", "unit__agency"]
    list_select_related = ["unit", "element"]
    search_fields = ["action", "responsible", "unit__name", "unit__code"]
    autocomplete_fields = ["unit"]
    # Status and evidence change on the follow-up screen, which keeps the dated history and asks for evidence.
    readonly_fields = ["status", "evidence_note", "evidence_file", "evidence_name", "evidence_type", "evidence_link",
                       "created_at", "updated_at", "created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:  # the history starts as on the follow-up screen
            FollowUpStatusChange.objects.create(plan=obj, status=obj.status, date=unit_today(obj.unit_id),
                                                recorded_by=request.user)


class PublicationAdminForm(forms.ModelForm):
    """Only a finished quarter or year with data is published, as on the staff screen."""

    class Meta:
        model = Publication
        fields = ["region", "year", "quarter"]

    def clean(self):
        cleaned = super().clean()
        region, year, quarter = cleaned.get("region"), cleaned.get("year"), cleaned.get("quarter")
        if region is not None and year:
            try:
                period = Period.quarter(year, quarter) if quarter else Period.year_of(year)
                publishable_check(region=region, period=period)
            except (ValueError, OverflowError) as problem:
                raise forms.ValidationError(str(problem)) from None
        return cleaned


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    """Published and withdrawn through reports.documents.publication, like on the staff screens; a publication
    is not edited (withdraw it and publish again)."""

    form = PublicationAdminForm
    list_display = ["region", "year", "quarter", "revision", "provisional", "published_at", "published_by"]
    list_filter = ["region", "year", "quarter"]
    list_select_related = ["region", "published_by"]
    search_fields = ["region__name", "region__code"]
    fields = ["region", "year", "quarter", "revision", "provisional", "checksum", "published_at", "published_by"]
    readonly_fields = ["revision", "provisional", "checksum", "published_at", "published_by"]
    autocomplete_fields = ["region"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        published = publication_publish(region=obj.region, period=publication_period(obj), user=request.user)
        obj.pk, obj.published_by, obj.published_at = published.pk, published.published_by, published.published_at
        obj._state.adding = False

    def delete_model(self, request, obj):
        publication_withdraw(region=obj.region, period=publication_period(obj), user=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for publication in queryset.select_related("region"):
            self.delete_model(request, publication)


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


@admin.register(CoverageReminder)
class CoverageReminderAdmin(ViewOnlyAdmin):
    """Reminders are sent from the coverage board; here they are only read."""

    list_display = ["sent_at", "region", "agency", "period", "sent_by", "sent_to"]
    list_filter = ["region", "period"]
    list_select_related = ["region", "agency", "sent_by"]
    date_hierarchy = "sent_at"
    search_fields = ["agency__name", "agency__code", "period"]

    @admin.display(description=_("penerima"))
    def sent_to(self, reminder):
        return reminder.recipients_shown


@admin.register(ThirdPartyResult)
class ThirdPartyResultAdmin(ViewOnlyAdmin):
    """Third-party results are entered and decided on the unit's staff pages, where they are checked; here they
    are only read."""

    list_display = ["unit", "period", "provider", "respondents", "mixing", "entered_by", "entered_at"]
    list_filter = ["mixing", "unit__agency__region"]
    list_select_related = ["unit", "entered_by"]
    search_fields = ["unit__name", "unit__code", "provider"]
