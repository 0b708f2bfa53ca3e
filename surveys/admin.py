from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from agencies.admin import ViewOnly, ViewOnlyAdmin
from agencies.audit import audit_record
from agencies.models import AuditEvent
from surveys.kiosk import kiosk_create, kiosk_link, kiosk_revoke
from surveys.models import (
    Answer, Element, ElementMonthTally, ElementTally, ImportBatch, Kiosk, ProfileMonthTally, Questionnaire,
    QuestionnaireTranslation, Response, ResponseMonthTally, ResponseTally, RetentionPurge, SuggestionTagCorrection,
)
from surveys.services import questionnaire_new_version, response_exclude
from surveys.translations import BUILT_IN, translation_missing


SCORING_FIELDS = ["position", "code", "slug"]  # what a score depends on; fixed once answered


class ElementInline(admin.StackedInline):
    model = Element
    extra = 0
    fields = [("position", "code", "slug"), ("name", "name_en"), "question", "question_en",
              ("label_1", "label_2", "label_3", "label_4"), ("label_en_1", "label_en_2", "label_en_3", "label_en_4")]

    def get_readonly_fields(self, request, obj=None):
        return SCORING_FIELDS if obj is not None and obj.in_use else []

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj is not None and obj.in_use)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.in_use)


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "version", "regulation", "is_default", "is_active"]
    list_filter = ["regulation", "is_default", "is_active"]
    search_fields = ["title", "code"]
    inlines = [ElementInline]
    actions = ["make_new_version"]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "version", "regulation"] if obj is not None and obj.in_use else ["version"]

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.in_use)

    @admin.action(description=_("Buat versi baru (untuk mengubah unsur kuesioner yang sudah dipakai)"))
    def make_new_version(self, request, queryset):
        for questionnaire in queryset:
            copy = questionnaire_new_version(questionnaire, by=request.user)
            self.message_user(request, gettext("Versi baru dibuat: %(code)s") % {"code": copy.code})

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.has_changed() or any(formset.has_changed() for formset in formsets):
            _audit_questionnaire(form.instance, request.user)


@admin.register(Element)
class ElementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "questionnaire", "position", "slug"]
    list_filter = ["questionnaire"]
    list_select_related = ["questionnaire"]
    search_fields = ["code", "name", "name_en", "slug", "question"]

    def get_readonly_fields(self, request, obj=None):
        return ["questionnaire", *SCORING_FIELDS] if obj is not None and obj.questionnaire.in_use else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "questionnaire":  # a new element only joins a questionnaire nobody answered yet
            kwargs["queryset"] = Questionnaire.objects.filter(responses__isnull=True).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.questionnaire.in_use)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _audit_questionnaire(obj.questionnaire, request.user)


def _audit_questionnaire(questionnaire: Questionnaire, actor):
    audit_record(actor=actor, action=AuditEvent.Action.QUESTIONNAIRE_CHANGED, target=questionnaire,
                 questionnaire=questionnaire.code)


class AnswerInline(ViewOnly, admin.TabularInline):
    model = Answer
    fields = ["element", "value"]
    readonly_fields = fields
    ordering = ["element__position"]
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("element")


class ExcludedFilter(admin.SimpleListFilter):
    title = _("dikecualikan dari nilai")
    parameter_name = "excluded"

    def lookups(self, request, model_admin):
        return [("yes", _("Ya")), ("no", _("Tidak"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(excluded_at__isnull=self.value() == "no")
        return queryset


@admin.register(Response)
class ResponseAdmin(ViewOnlyAdmin):
    list_display = ["unit", "service", "channel", "answered_at", "suspected_repeat", "excluded"]
    list_filter = ["channel", "unit__agency", "suspected_repeat", "flag", ExcludedFilter, "respondent_type"]
    list_select_related = ["unit", "service"]
    date_hierarchy = "answered_at"
    search_fields = ["unit__name", "unit__code", "service__name", "suggestion"]
    fields = ["key", "unit", "service", "questionnaire", "channel", "kiosk", "import_batch", "answered_at",
              "received_at", "respondent_type", "gender", "age", "education", "occupation", "suggestion",
              "suggestion_elements", "suggestion_tone", "suspected_repeat", "flag", "flag_group", "excluded_at",
              "excluded_by"]
    readonly_fields = fields
    inlines = [AnswerInline]
    actions = ["exclude_from_scores", "include_again"]

    @admin.display(description=_("dikecualikan"), boolean=True, ordering="excluded_at")
    def excluded(self, response):
        return response.is_excluded

    def has_exclude_permission(self, request):
        return request.user.has_perm("surveys.change_response")

    def _set_excluded(self, request, queryset, excluded: bool):
        changed = 0
        for response in queryset.filter(excluded_at__isnull=excluded):
            response_exclude(response, by=request.user, excluded=excluded)
            changed += 1
        return changed

    @admin.action(description=_("Kecualikan dari nilai"), permissions=["exclude"])
    def exclude_from_scores(self, request, queryset):
        changed = self._set_excluded(request, queryset, True)
        self.message_user(request, ngettext("%(count)d respons dikecualikan dari nilai.",
                                            "%(count)d respons dikecualikan dari nilai.", changed) % {"count": changed})

    @admin.action(description=_("Hitung kembali dalam nilai"), permissions=["exclude"])
    def include_again(self, request, queryset):
        changed = self._set_excluded(request, queryset, False)
        self.message_user(request, ngettext("%(count)d respons dihitung kembali.",
                                            "%(count)d respons dihitung kembali.", changed) % {"count": changed})


@admin.register(Kiosk)
class KioskAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "created_at", "last_seen_at", "revoked"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "unit__agency"]
    list_select_related = ["unit"]
    search_fields = ["name", "unit__name", "unit__code"]
    fields = ["unit", "name", "created_at", "created_by", "last_seen_at", "revoked_at"]
    readonly_fields = ["created_at", "created_by", "last_seen_at", "revoked_at"]
    autocomplete_fields = ["unit"]
    actions = ["revoke"]

    @admin.display(description=_("dicabut"), boolean=True, ordering="revoked_at")
    def revoked(self, kiosk):
        return kiosk.is_revoked

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        kiosk, token = kiosk_create(unit=obj.unit, name=obj.name, by=request.user)
        obj.pk, obj.token_hash, obj.created_by = kiosk.pk, kiosk.token_hash, kiosk.created_by
        obj._state.adding = False
        # The clear token exists only now: show the kiosk link once.
        link = kiosk_link(base_url=request.build_absolute_uri("/"), token=token)
        self.message_user(request, gettext("Buka tautan ini di tablet kios (hanya ditampilkan sekali): %(link)s")
                          % {"link": link}, messages.WARNING)

    @admin.action(description=_("Cabut kios terpilih"), permissions=["change"])
    def revoke(self, request, queryset):
        revoked = 0
        for kiosk in queryset.filter(revoked_at__isnull=True):
            kiosk_revoke(kiosk=kiosk)
            revoked += 1
        self.message_user(request, ngettext("%(count)d kios dicabut.", "%(count)d kios dicabut.", revoked)
                          % {"count": revoked})


@admin.register(ImportBatch)
class ImportBatchAdmin(ViewOnlyAdmin):
    list_display = ["filename", "unit", "row_count", "imported_at", "imported_by"]
    list_filter = ["unit__agency"]
    list_select_related = ["unit", "imported_by"]
    date_hierarchy = "imported_at"
    search_fields = ["filename", "unit__name", "unit__code", "sha256"]


@admin.register(ResponseTally)
class ResponseTallyAdmin(ViewOnlyAdmin):
    list_display = ["day", "unit", "service", "channel", "count"]
    list_filter = ["channel", "unit__agency"]
    list_select_related = ["unit", "service"]
    date_hierarchy = "day"
    search_fields = ["unit__name", "unit__code", "service__name"]


@admin.register(ElementTally)
class ElementTallyAdmin(ViewOnlyAdmin):
    list_display = ["day", "unit", "service", "channel", "element", "value", "count"]
    list_filter = ["channel", "value", "unit__agency"]
    list_select_related = ["unit", "service", "element"]
    date_hierarchy = "day"
    search_fields = ["unit__name", "unit__code", "service__name", "element__code"]


@admin.register(ResponseMonthTally)
class ResponseMonthTallyAdmin(ViewOnlyAdmin):
    list_display = ["month", "unit", "service", "channel", "count"]
    list_filter = ["channel", "unit__agency"]
    list_select_related = ["unit", "service"]
    search_fields = ["unit__name", "unit__code", "service__name"]


@admin.register(ElementMonthTally)
class ElementMonthTallyAdmin(ViewOnlyAdmin):
    list_display = ["month", "unit", "element", "count_1", "count_2", "count_3", "count_4"]
    list_filter = ["unit__agency"]
    list_select_related = ["unit", "element"]
    search_fields = ["unit__name", "unit__code", "element__code"]


@admin.register(ProfileMonthTally)
class ProfileMonthTallyAdmin(ViewOnlyAdmin):
    list_display = ["month", "unit", "question", "answer", "count"]
    list_filter = ["question", "unit__agency"]
    list_select_related = ["unit"]
    search_fields = ["unit__name", "unit__code"]


@admin.register(RetentionPurge)
class RetentionPurgeAdmin(ViewOnlyAdmin):
    list_display = ["before", "purged_at", "responses_deleted"]
    date_hierarchy = "purged_at"


class QuestionnaireTranslationForm(forms.ModelForm):
    class Meta:
        model = QuestionnaireTranslation
        fields = ["questionnaire", "language", "name", "content", "regions"]

    def clean(self):
        cleaned = super().clean()
        language = cleaned.get("language")
        if language in BUILT_IN:
            self.add_error("language", gettext("Bahasa Indonesia dan Inggris sudah tersedia; pilih kode bahasa lain."))
        if cleaned.get("regions") and cleaned.get("questionnaire") and not self.errors:
            draft = QuestionnaireTranslation(questionnaire=cleaned["questionnaire"], language=language,
                                             name=cleaned.get("name", ""), content=cleaned.get("content") or {})
            missing = translation_missing(draft)
            if missing:
                shown = ", ".join(missing[:12]) + (" …" if len(missing) > 12 else "")
                self.add_error("regions", gettext(
                    "Belum dapat diaktifkan: %(n)s teks belum diisi (%(missing)s).") % {"n": len(missing),
                                                                                        "missing": shown})
        return cleaned


@admin.register(QuestionnaireTranslation)
class QuestionnaireTranslationAdmin(admin.ModelAdmin):
    """An admin adds a language; enabling it for a region is refused while any text is missing."""

    form = QuestionnaireTranslationForm
    list_display = ["name", "language", "questionnaire", "missing_count"]
    filter_horizontal = ["regions"]

    @admin.display(description=_("teks belum diisi"))
    def missing_count(self, translation):
        return len(translation_missing(translation))


@admin.register(SuggestionTagCorrection)
class SuggestionTagCorrectionAdmin(ViewOnlyAdmin):
    list_display = ["response", "corrected_by", "corrected_at", "elements_before", "tone_before", "elements_after",
                    "tone_after"]
    list_select_related = ["response__unit", "corrected_by"]
    date_hierarchy = "corrected_at"
