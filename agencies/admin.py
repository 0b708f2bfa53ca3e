from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, AuditEvent, Population, Region, Service, ServiceUnit, StaffRole
from agencies.services import ROLE_REFUSED, staff_role_grant, staff_role_revoke


class ViewOnly:
    """Rows written only by services (responses and tallies, imports, the audit log): shown, never edited here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ViewOnlyAdmin(ViewOnly, admin.ModelAdmin):
    pass


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "kemendagri_code", "province", "time_zone"]
    list_filter = ["kind"]
    list_select_related = ["province"]
    search_fields = ["name", "code", "kemendagri_code"]
    autocomplete_fields = ["province"]


class ServiceUnitInline(admin.TabularInline):
    model = ServiceUnit
    fields = ["code", "name", "respondent_type", "questionnaire", "is_active"]
    extra = 0
    show_change_link = True


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "region", "parent", "is_active"]
    list_filter = ["region", "kind", ("parent", admin.RelatedOnlyFieldListFilter), "is_active"]
    list_select_related = ["region", "parent"]
    search_fields = ["name", "code", "head_name"]
    autocomplete_fields = ["region", "parent"]
    inlines = [ServiceUnitInline]


class ServiceInline(admin.TabularInline):
    model = Service
    fields = ["name", "is_active"]
    extra = 0


class PopulationInline(admin.TabularInline):
    model = Population
    fields = ["year", "quarter", "service_users"]
    extra = 0


@admin.register(ServiceUnit)
class ServiceUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "agency", "respondent_type", "questionnaire", "is_active"]
    list_filter = ["agency__region", "respondent_type", "questionnaire", "is_active"]
    list_select_related = ["agency", "questionnaire"]
    search_fields = ["name", "code", "agency__name", "agency__code"]
    autocomplete_fields = ["agency"]
    inlines = [ServiceInline, PopulationInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "agency", "is_active"]
    list_filter = ["is_active", "unit__agency__region"]
    list_select_related = ["unit__agency"]
    search_fields = ["name", "unit__name", "unit__code"]
    autocomplete_fields = ["unit"]

    @admin.display(description=_("perangkat daerah"), ordering="unit__agency__name")
    def agency(self, service):
        return service.unit.agency


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "quarter", "service_users"]
    list_filter = ["year", "quarter", "unit__agency__region"]
    list_select_related = ["unit"]
    search_fields = ["unit__name", "unit__code"]
    autocomplete_fields = ["unit"]


class StaffRoleRegionFilter(admin.SimpleListFilter):
    """The region a role belongs to, whichever level its scope is at."""

    title = _("pemerintah daerah")
    parameter_name = "in_region"

    def lookups(self, request, model_admin):
        return [(str(region.pk), region.name) for region in Region.objects.all()]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(Q(region_id=self.value()) | Q(agency__region_id=self.value())
                               | Q(unit__agency__region_id=self.value()))


class StaffRoleAdminForm(forms.ModelForm):
    def clean_user(self):
        user = self.cleaned_data["user"]
        if user.is_superuser:  # a superuser sees everything already; a role would only confuse the lists
            raise forms.ValidationError(ROLE_REFUSED)
        return user


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    form = StaffRoleAdminForm
    list_display = ["user", "full_name", "role", "scope"]
    list_filter = ["role", StaffRoleRegionFilter]
    list_select_related = ["user", "region", "agency", "unit"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "region__name", "agency__name",
                     "unit__name"]
    autocomplete_fields = ["user", "region", "agency", "unit"]

    @admin.display(description=_("nama"), ordering="user__first_name")
    def full_name(self, role):
        return role.user.get_full_name()

    @admin.display(description=_("cakupan"))
    def scope(self, role):
        return role.scope

    # Granted and revoked through agencies.services, which check the scope and keep the audit log.
    def has_change_permission(self, request, obj=None):
        return False  # a role is granted or revoked, never edited

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.user_id != request.user.pk)

    def save_model(self, request, obj, form, change):
        role, _created = staff_role_grant(by=request.user, user=obj.user, role=obj.role, scope=obj.scope)
        obj.pk = role.pk
        obj._state.adding = False

    def delete_model(self, request, obj):
        staff_role_revoke(by=request.user, role=obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        # The admin has refused the whole selection already if it holds one of the user's own roles.
        for role in queryset.select_related("user", "region", "agency__region", "unit__agency__region"):
            staff_role_revoke(by=request.user, role=role)


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnlyAdmin):
    list_display = ["at", "actor", "action", "region", "target"]
    list_filter = ["action", "region"]
    list_select_related = ["actor", "region"]
    date_hierarchy = "at"
    search_fields = ["target", "actor__username"]
