"""The Django admin: every registered model opens for a superuser, search finds rows, and responses, answers,
imports and tallies cannot be edited there (only through surveys.services, so the tallies stay exact)."""

import re
import uuid
from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from agencies.audit import audit_record
from campaigns.models import Campaign
from campaigns.services import campaign_save
from monev.services import assessment_record, checklist_ensure, evidence_add, medium_record
from pulse.models import PulseAnswer
from agencies.models import AuditEvent, Population, StaffRole
from reports.documents.publication import published_period
from reports.models import CoverageReminder, FollowUpPlan, GeneratedDocument, Publication
from reports.services import third_party_result_create
from reports.third_party import third_party_entry_check
from reports.periods import Period
from surveys.kiosk import kiosk_authenticate, kiosk_create
from surveys.services import suggestion_tags_correct
from surveys.models import (
    Element, ElementMonthTally, ImportBatch, Kiosk, QuestionnaireTranslation, Response, ResponseMonthTally,
    ResponseTally, RetentionPurge,
)
from surveys.tallies import tallies_differences
from tests.factories import local, make_agency, make_region, make_service, make_unit, make_user, submit

pytestmark = pytest.mark.django_db
OUR_APPS = {"agencies", "surveys", "reports", "monev", "campaigns", "pulse", "auth"}


@pytest.fixture
def data(admin_user):
    """At least one row of every model the admin shows."""
    region = make_region("kota-admin", name="Kota Admin")
    agency = make_agency(region, "kecamatan-admin", name="Kecamatan Admin", kind="kecamatan")
    sub_agency = make_agency(region, "kelurahan-admin", name="Kelurahan Mawar", kind="kelurahan", parent=agency)
    unit = make_unit(sub_agency, "loket-mawar", name="Loket Kelurahan Mawar")
    service = make_service(unit, "Surat Keterangan Domisili")
    Population.objects.create(unit=unit, year=2026, quarter=3, service_users=300)
    make_user("lurah", sub_agency)
    kiosk = Kiosk(unit=unit, name="Tablet loket 1")
    kiosk.issue_token()
    kiosk.save()
    batch = ImportBatch.objects.create(unit=unit, filename="rekap-tw3.xlsx", sha256="a" * 64, row_count=1,
                                       imported_by=admin_user)
    submit(unit, service, [4, 3, 3, 4, 3, 3, 4, 3, 3], answered_at=local(2026, 8, 3), kiosk_id=kiosk.id,
           suggestion="Antrean terlalu lama di pagi hari")
    submit(unit, service, [3, 3, None, 3, 3, 3, 3, 3, 3], answered_at=local(2026, 8, 4), channel="import",
           import_batch_id=batch.id)
    QuestionnaireTranslation.objects.create(questionnaire=unit.questionnaire, language="jv", name="Basa Jawa")
    element = unit.questionnaire.elements.get(code="U3")
    FollowUpPlan.objects.create(unit=unit, element=element, year=2026, quarter=3, action="Tambah petugas loket",
                                responsible="Sekretaris Lurah", due_date=date(2026, 12, 31))
    Publication.objects.create(region=region, year=2026, quarter=3, published_by=admin_user)
    Group.objects.create(name="Operator")
    audit_record(actor=admin_user, action=AuditEvent.Action.ROLE_GRANTED, target="lurah", region=region)
    RetentionPurge.objects.create(before=date(2020, 1, 1), responses_deleted=0)
    GeneratedDocument.objects.create(kind="recap_xlsx", region=region, period="2026-Q3", requested_by=admin_user,
                                     expires_at=timezone.now() + timedelta(days=1))
    campaign_save(campaign=Campaign(region=region, name="Survei Kelurahan", start=date(2026, 8, 1),
                                    end=date(2026, 8, 31), target_fixed=50), units=[unit],
                  service_names=["Posyandu"], by=admin_user)
    item = checklist_ensure(region=region, year=2026)[0]
    evidence_add(unit=unit, item=item, by=admin_user,
                 upload=SimpleUploadedFile("sop.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))
    assessment_record(unit=unit, item=item, status="met", note="SOP dipajang", visited_on=date(2026, 10, 1),
                      by=admin_user)
    medium_record(scope=unit, period=Period.quarter(2026, 3), kind="social", name="Instagram @kelurahan.mawar",
                  published_on=date(2026, 10, 2), url="https://example.org/p/1", by=admin_user)
    PulseAnswer.objects.create(unit=unit, kiosk=kiosk, key=uuid.uuid4(), value=4, answered_at=local(2026, 8, 3),
                               day=date(2026, 8, 3))
    suggestion_tags_correct(Response.objects.get(suggestion__startswith="Antrean"), elements=["U3"], tone="keluhan",
                            by=admin_user)
    CoverageReminder.objects.create(region=region, agency=unit.agency, period="2026-Q3", sent_by=admin_user,
                                    recipients=[{"name": "Admin", "email": "admin@example.org"}], units=[])
    elements = list(unit.questionnaire.elements.order_by("position"))
    respondents, entries = third_party_entry_check(elements=elements, respondents="20", rows={
        element.id: {"sum": "60", "answers": "20"} for element in elements})
    third_party_result_create(unit=unit, period=Period.quarter(2026, 2), questionnaire=unit.questionnaire,
                              provider="PT Survei", method="wawancara", respondents=respondents, entries=entries,
                              report=SimpleUploadedFile("laporan.pdf", b"%PDF-1.4\n%%EOF\n"), by=admin_user)
    return unit


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_it_opens_every_changelist_change_and_add_page(admin_client, admin_user, data):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        row = model.objects.first()
        # Third-party models (the task queue's results) may have no row; ours must have one to open.
        assert row is not None or model._meta.app_label not in OUR_APPS, f"no {label} row to open"
        assert admin_client.get(_url(model, "changelist")).status_code == 200, label
        if row is not None:
            assert admin_client.get(_url(model, "change", row.pk)).status_code == 200, label
        expected_add = 200 if model_admin.has_add_permission(request) else 403
        assert admin_client.get(_url(model, "add")).status_code == expected_add, label


def test_it_answers_a_search_on_every_searchable_model(admin_client, data):
    searchable = [model for model, model_admin in admin.site._registry.items() if model_admin.search_fields]
    assert len(searchable) >= 15
    for model in searchable:
        assert admin_client.get(_url(model, "changelist"), {"q": "mawar"}).status_code == 200, model._meta.label


def test_it_finds_agencies_units_and_responses_by_name(admin_client, data):
    agencies = admin_client.get(_url(data.agency.__class__, "changelist"), {"q": "mawar"})
    assert list(agencies.context["cl"].result_list) == [data.agency]
    units = admin_client.get(_url(data.__class__, "changelist"), {"q": "kelurahan-admin"})
    assert list(units.context["cl"].result_list) == [data]
    responses = admin_client.get(_url(Response, "changelist"), {"q": "antrean"})
    assert [response.suggestion for response in responses.context["cl"].result_list] == [
        "Antrean terlalu lama di pagi hari"]
    roles = admin_client.get(_url(StaffRole, "changelist"), {"q": "lurah"})
    assert [role.user.username for role in roles.context["cl"].result_list] == ["lurah"]


def test_it_filters_responses_by_channel_agency_and_exclusion(admin_client, data):
    url = _url(Response, "changelist")
    by_channel = admin_client.get(url, {"channel__exact": "import"}).context["cl"].result_list
    assert [response.channel for response in by_channel] == ["import"]
    by_agency = admin_client.get(url, {"unit__agency__id__exact": data.agency_id}).context["cl"].result_list
    assert len(by_agency) == 2
    assert list(admin_client.get(url, {"excluded": "yes"}).context["cl"].result_list) == []


def test_it_keeps_responses_read_only(admin_client, data):
    response = Response.objects.get(channel="kiosk")
    assert admin_client.get(_url(Response, "add")).status_code == 403
    assert admin_client.get(_url(Response, "delete", response.pk)).status_code == 403
    page = admin_client.get(_url(Response, "change", response.pk))
    content = page.content.decode()
    assert 'name="_save"' not in content
    assert 'name="answers-0-value"' not in content
    assert "Antrean terlalu lama di pagi hari" in content
    posted = admin_client.post(_url(Response, "change", response.pk), {"suggestion": "diubah", "channel": "qr"})
    assert posted.status_code == 403
    response.refresh_from_db()
    assert (response.suggestion, response.channel) == ("Antrean terlalu lama di pagi hari", "kiosk")
    actions = [value for value in re.findall(r'<option value="([a-z_]+)"', admin_client.get(
        _url(Response, "changelist")).content.decode())]
    assert "delete_selected" not in actions
    assert {"exclude_from_scores", "include_again"} <= set(actions)


def test_it_shows_the_answers_of_a_response(admin_client, data):
    response = Response.objects.get(channel="import")
    page = admin_client.get(_url(Response, "change", response.pk))
    inline = page.context["inline_admin_formsets"][0]
    shown = {form.original.element.code: form.original.value for form in inline}
    assert shown == {"U1": 3, "U2": 3, "U4": 3, "U5": 3, "U6": 3, "U7": 3, "U8": 3, "U9": 3}


def test_it_excludes_and_includes_responses_through_the_service(admin_client, admin_user, data):
    response = Response.objects.get(channel="kiosk")
    url = _url(Response, "changelist")
    admin_client.post(url, {"action": "exclude_from_scores", "_selected_action": [response.pk]})
    response.refresh_from_db()
    assert response.excluded_at is not None and response.excluded_by == admin_user
    assert ResponseTally.objects.get(channel="kiosk").count == 0
    assert tallies_differences() == []
    admin_client.post(url, {"action": "include_again", "_selected_action": [response.pk]})
    response.refresh_from_db()
    assert response.excluded_at is None and response.excluded_by is None
    assert ResponseTally.objects.get(channel="kiosk").count == 1
    assert tallies_differences() == []


def test_it_keeps_imports_and_tallies_view_only(admin_client, data):
    for model in (ImportBatch, ResponseTally):
        row = model.objects.first()
        assert admin_client.get(_url(model, "add")).status_code == 403
        assert admin_client.get(_url(model, "delete", row.pk)).status_code == 403
        assert 'name="_save"' not in admin_client.get(_url(model, "change", row.pk)).content.decode()


def test_it_never_shows_a_kiosk_token_hash(admin_client, data):
    kiosk = Kiosk.objects.get()
    pages = [admin_client.get(_url(Kiosk, "changelist")), admin_client.get(_url(Kiosk, "change", kiosk.pk))]
    for page in pages:
        assert kiosk.token_hash not in page.content.decode()


def test_it_issues_a_token_once_when_a_kiosk_is_added(admin_client, admin_user, data):
    page = admin_client.post(_url(Kiosk, "add"), {"unit": data.pk, "name": "Tablet loket 2"}, follow=True)
    shown = [str(message) for message in page.context["messages"]]
    token = next(re.search(r"/kiosk/#(\S+)", message).group(1) for message in shown if "/kiosk/#" in message)
    kiosk = Kiosk.for_token(token)
    assert kiosk.name == "Tablet loket 2" and kiosk.created_by == admin_user


def test_it_revokes_kiosks_at_once(admin_client, data):
    kiosk, token = kiosk_create(unit=data, name="Tablet loket 2")
    assert not kiosk_authenticate(token=token).revoked  # now cached as active
    admin_client.post(_url(Kiosk, "changelist"), {"action": "revoke", "_selected_action": [kiosk.pk]})
    kiosk.refresh_from_db()
    assert kiosk.is_revoked
    assert kiosk_authenticate(token=token).revoked
    assert not Kiosk.objects.exclude(pk=kiosk.pk).get().is_revoked


def test_it_grants_and_revokes_roles_through_the_service_with_an_audit(admin_client, admin_user, data):
    lurah = StaffRole.objects.get(user__username="lurah")
    operator = make_user("operator-mawar")
    page = admin_client.post(_url(StaffRole, "add"), {"user": operator.pk, "role": "unit_operator", "unit": data.pk})
    assert page.status_code == 302
    granted = StaffRole.objects.get(user=operator)
    assert granted.unit == data
    assert admin_client.post(_url(StaffRole, "change", granted.pk), {"role": "agency_admin"}).status_code == 403
    admin_client.post(_url(StaffRole, "delete", lurah.pk), {"post": "yes"})
    assert not StaffRole.objects.filter(pk=lurah.pk).exists()
    events = list(AuditEvent.objects.filter(actor=admin_user, action__startswith="role_").order_by("id")
                  .values_list("action", "detail"))
    assert events[-2:] == [
        ("role_granted", {"user": "operator-mawar", "role": "unit_operator", "scope": "loket-mawar"}),
        ("role_revoked", {"user": "lurah", "role": "agency_admin", "scope": "kelurahan-admin"}),
    ]
    assert AuditEvent.objects.get(target=str(granted)).region.code == "kota-admin"


def test_it_refuses_a_mismatched_role_and_scope(admin_client, data):
    page = admin_client.post(_url(StaffRole, "add"), {"user": StaffRole.objects.get().user_id,
                                                      "role": "region_admin", "unit": data.pk})
    assert page.status_code == 200
    assert page.context["adminform"].form.errors
    assert StaffRole.objects.count() == 1


def test_it_keeps_a_superuser_from_revoking_their_own_role(admin_client, admin_user, data):
    own = StaffRole.objects.create(user=admin_user, role="unit_operator", unit=data)
    assert admin_client.post(_url(StaffRole, "delete", own.pk), {"post": "yes"}).status_code == 403
    page = admin_client.post(_url(StaffRole, "changelist"), {"action": "delete_selected", "post": "yes",
                                                             "_selected_action": [own.pk]})
    assert page.status_code == 403
    assert StaffRole.objects.filter(pk=own.pk).exists()


def test_it_publishes_and_withdraws_results_through_the_service(admin_client, admin_user, data):
    region = Publication.objects.get().region
    future = admin_client.post(_url(Publication, "add"), {"region": region.pk, "year": 2030, "quarter": 1})
    assert future.status_code == 200 and "belum selesai atau belum ada datanya" in future.content.decode()
    submit(data, data.services.first(), [3] * 9, answered_at=local(2026, 5, 4))
    page = admin_client.post(_url(Publication, "add"), {"region": region.pk, "year": 2026, "quarter": 2})
    assert page.status_code == 302
    published = Publication.objects.get(quarter=2)
    assert published.published_by == admin_user
    assert published_period(region=region, period=Period.quarter(2026, 2))
    assert admin_client.post(_url(Publication, "change", published.pk), {"year": 2025}).status_code == 403
    admin_client.post(_url(Publication, "changelist"), {"action": "delete_selected", "post": "yes",
                                                        "_selected_action": [published.pk]})
    assert not published_period(region=region, period=Period.quarter(2026, 2))
    assert published_period(region=region, period=Period.quarter(2026, 3))


def test_it_keeps_the_audit_log_append_only(admin_client, data):
    event = AuditEvent.objects.first()
    assert admin_client.get(_url(AuditEvent, "add")).status_code == 403
    assert admin_client.get(_url(AuditEvent, "delete", event.pk)).status_code == 403
    assert admin_client.post(_url(AuditEvent, "change", event.pk), {"target": "x"}).status_code == 403


def test_it_lists_elements_of_a_questionnaire_inline(admin_client, data):
    questionnaire = data.questionnaire
    page = admin_client.get(_url(questionnaire.__class__, "change", questionnaire.pk))
    inline = page.context["inline_admin_formsets"][0]
    assert [form.original.code for form in inline if form.original] == list(
        Element.objects.filter(questionnaire=questionnaire).order_by("position").values_list("code", flat=True))


def test_it_lists_responses_and_tallies_without_a_query_per_row(admin_client, data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(model):
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(_url(model, "changelist")).status_code == 200
        return len(captured)

    models = (Response, ResponseTally, ResponseMonthTally, ElementMonthTally, ImportBatch, StaffRole, FollowUpPlan,
              PulseAnswer)
    before = {model: queries(model) for model in models}
    service = data.services.get(name="Surat Keterangan Domisili")
    for day in range(1, 21):
        submit(data, service, [3] * 9, answered_at=local(2026, 9, day))
        PulseAnswer.objects.create(unit=data, kiosk=data.kiosks.get(), key=uuid.uuid4(), value=3,
                                   answered_at=local(2026, 9, day), day=date(2026, 9, day))
    for n in range(5):
        make_user(f"staf-{n}", data)
        FollowUpPlan.objects.create(unit=data, element=data.questionnaire.elements.get(code="U1"), year=2026,
                                    quarter=3, action=f"Kegiatan {n}", responsible="Lurah",
                                    due_date=date(2026, 12, 31))
    ImportBatch.objects.create(unit=data, filename="rekap-2.xlsx", sha256="b" * 64, row_count=0)
    assert {model: queries(model) for model in models} == before


def test_it_audits_a_questionnaire_element_changed_in_the_admin(admin_client, admin_user, data):
    element = data.questionnaire.elements.get(code="U8")
    fields = {**model_to_dict(element), "label_4": "Sangat baik"}
    fields = {name: value for name, value in fields.items() if name != "id"}
    page = admin_client.post(_url(Element, "change", element.pk), fields)
    assert page.status_code == 302
    element.refresh_from_db()
    assert element.label_4 == "Sangat baik"
    event = AuditEvent.objects.get(action="questionnaire_changed")
    assert (event.actor, event.detail) == (admin_user, {"questionnaire": data.questionnaire.code})
