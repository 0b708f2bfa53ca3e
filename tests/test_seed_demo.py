"""`seed_demo` builds Kota Sukamaju: its structure, staff, kiosk and realistic, reproducible responses;
`demo_welcome` prints how to get in."""

import hashlib
import io
from datetime import timedelta
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from agencies import demo
from agencies.models import Agency, AuditEvent, Population, Region, ServiceUnit, StaffRole
from agencies.selectors import units_for_user
from monev.models import PublicationMedium
from reports.models import FollowUpPlan
from reports.periods import Period
from reports.selectors import scores_by_unit
from surveys.models import Answer, ImportBatch, Kiosk, Response
from surveys.tallies import tallies_differences
from tests.factories import sign_in

pytestmark = pytest.mark.django_db
RESPONSES = 1500


def seed(responses=RESPONSES, seed=7, *flags) -> str:
    out = io.StringIO()
    call_command("seed_demo", *flags, responses=responses, seed=seed, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded():
    return seed()


def fingerprint() -> str:
    """Everything a response says, in a stable order."""
    responses = Response.objects.order_by("key").values_list(
        "key", "unit__code", "service__name", "channel", "answered_at", "gender", "age", "education",
        "occupation", "respondent_type", "suggestion", "suspected_repeat", "excluded_by__username",
        "import_batch__filename", "kiosk__name")
    answers = Answer.objects.order_by("response__key", "element__position").values_list(
        "response__key", "element__code", "value")
    return hashlib.sha256(repr((list(responses), list(answers))).encode()).hexdigest()


def fingerprint_of_a_run(seed_value) -> str:
    with transaction.atomic():
        seed(200, seed_value)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


def test_it_builds_a_kota_of_about_ten_agencies(seeded):
    region = Region.objects.get(code="sukamaju")
    assert (region.name, region.kind) == ("Kota Sukamaju", "kota")
    top = Agency.objects.filter(region=region, parent=None)
    assert 9 <= top.count() <= 12
    assert ServiceUnit.objects.filter(agency__region=region).count() >= 15
    assert not ServiceUnit.objects.filter(services=None).exists()
    loket = ServiceUnit.objects.get(code="disdukcapil-loket")
    services = set(loket.services.values_list("name", flat=True))
    assert {"Perekaman KTP-el", "Kartu Keluarga", "Akta Kelahiran"} <= services


def test_it_puts_puskesmas_under_the_health_office_and_kelurahan_under_kecamatan(seeded):
    puskesmas = Agency.objects.filter(kind="puskesmas")
    assert puskesmas.count() == 2
    assert {agency.parent.code for agency in puskesmas} == {"dinkes"}
    assert all(agency.units.exists() for agency in puskesmas)
    kecamatan = Agency.objects.filter(kind="kecamatan").annotate(kelurahan=Count("children"))
    assert kecamatan.count() == 2
    assert all(2 <= agency.kelurahan <= 3 for agency in kecamatan)
    for office in Agency.objects.filter(kind__in=["kecamatan", "kelurahan"]):
        assert office.units.filter(services__name="Surat Keterangan Domisili").exists(), office.code


def test_it_surveys_civil_servants_at_the_inspectorate(seeded):
    unit = ServiceUnit.objects.get(agency__code="inspektorat")
    assert unit.respondent_type == "internal"
    answered = Response.objects.filter(unit=unit)
    assert answered.exists()
    assert set(answered.values_list("respondent_type", flat=True)) == {"internal"}
    assert answered.filter(occupation="PNS").count() > answered.count() * 0.8
    assert set(Response.objects.exclude(unit=unit).values_list("respondent_type", flat=True)) == {"public"}


def test_it_gives_every_role_a_user_who_can_log_in(seeded, client):
    roles = {demo_user.role for demo_user in demo.DEMO_USERS}
    assert roles == {demo.SUPERUSER, *StaffRole.Role.values}
    for demo_user in demo.DEMO_USERS:
        sign_in(client, demo_user.username, "skm-demo-2026")
        client.logout()
    assert StaffRole.objects.get(user__username="operator-ktp").unit.code == "disdukcapil-loket"
    assert StaffRole.objects.get(user__username="bagor").region.code == "sukamaju"
    granted = AuditEvent.objects.filter(action="role_granted").values_list("detail__user", flat=True)
    assert sorted(granted) == sorted(user.username for user in demo.DEMO_USERS if user.role != demo.SUPERUSER)


def test_it_scopes_the_demo_staff_as_their_roles_say(seeded, django_user_model):
    def unit_codes(username):
        return set(units_for_user(django_user_model.objects.get(username=username)).values_list("code", flat=True))

    assert django_user_model.objects.get(username="admin").is_superuser
    assert unit_codes("bagor") == set(ServiceUnit.objects.values_list("code", flat=True))
    assert unit_codes("operator-ktp") == {"disdukcapil-loket"}
    assert unit_codes("disdukcapil") == {"disdukcapil-loket"}
    assert {"puskesmas-sukamaju-pelayanan", "puskesmas-cibeureum-pelayanan"} < unit_codes("dinkes")
    camat = unit_codes("camat-utara")
    assert ServiceUnit.objects.filter(code__in=camat, agency__kind="kelurahan").count() == 3
    assert not ServiceUnit.objects.filter(code__in=camat, agency__code="kec-sukamaju-selatan").exists()
    for demo_user in demo.DEMO_USERS:
        user = django_user_model.objects.get(username=demo_user.username)
        assert user.first_name and user.last_name


def test_it_pairs_the_demo_kiosk_with_the_published_token(seeded):
    kiosk = Kiosk.for_token("demo-kiosk-sukamaju")
    assert (kiosk.unit.code, kiosk.name, kiosk.is_revoked) == ("disdukcapil-loket", "Tablet loket 1", False)
    assert kiosk.token_hash != "demo-kiosk-sukamaju"
    assert Response.objects.filter(kiosk=kiosk, channel="kiosk").exists()
    assert not Response.objects.filter(kiosk__isnull=False).exclude(channel="kiosk").exists()


def test_it_records_service_users_per_unit_and_quarter(seeded):
    quarters = Period.containing(timezone.localdate()).previous_ones(4)
    for unit in ServiceUnit.objects.all():
        rows = Population.objects.filter(unit=unit)
        assert {(row.year, row.quarter) for row in rows} == {(q.year, q.number) for q in quarters}, unit.code
        assert all(row.service_users > 0 for row in rows)


def test_it_stores_the_requested_number_of_responses_with_exact_tallies(seeded):
    assert Response.objects.count() == RESPONSES
    assert Response.objects.filter(suspected_repeat=True).exists()
    assert Response.objects.filter(excluded_at__isnull=False).exists()
    assert not Response.objects.filter(excluded_at__isnull=False, suspected_repeat=False).exists()
    assert tallies_differences() == []


def test_it_mixes_channels_and_leaves_blanks_only_on_paper_and_imports(seeded):
    channels = dict(Response.objects.values_list("channel").annotate(n=Count("id")))
    assert set(channels) == {"kiosk", "qr", "paper", "import"}
    assert channels["kiosk"] == max(channels.values())
    with_blanks = Response.objects.annotate(n=Count("answers")).filter(n__lt=9)
    assert with_blanks.exists()
    assert set(with_blanks.values_list("channel", flat=True)) <= {"paper", "import"}
    assert not Response.objects.annotate(n=Count("answers")).filter(n=0).exists()
    imported = Response.objects.filter(channel="import")
    assert not imported.filter(import_batch=None).exists()
    for batch in ImportBatch.objects.all():
        assert batch.row_count == batch.responses.count()


def test_it_answers_on_working_days_in_office_hours_over_the_last_four_quarters(seeded):
    today = timezone.localdate()
    first = Period.containing(today).previous_ones(4)[0].start
    times = [moment.astimezone(demo.TZ) for moment in Response.objects.values_list("answered_at", flat=True)]
    assert all(moment.weekday() < 5 and 8 <= moment.hour < 16 for moment in times)
    assert min(times).date() >= first and max(times).date() < today
    assert min(times).date() < first + timedelta(days=14)
    assert max(times).date() > today - timedelta(days=14)


def test_it_draws_realistic_profiles_and_indonesian_suggestions(seeded):
    ages = list(Response.objects.exclude(age=None).values_list("age", flat=True))
    assert min(ages) >= 17 and max(ages) <= 75 and 30 <= sum(ages) / len(ages) <= 50
    assert {"L", "P"} <= set(Response.objects.values_list("gender", flat=True))
    assert Response.objects.exclude(education="").values("education").distinct().count() >= 6
    assert Response.objects.exclude(occupation="").values("occupation").distinct().count() >= 5
    suggestions = list(Response.objects.exclude(suggestion="").values_list("suggestion", flat=True))
    assert 0.1 < len(suggestions) / RESPONSES < 0.35
    assert len(set(suggestions)) >= 20
    assert any("petugas" in suggestion for suggestion in suggestions)


def test_it_gives_units_clearly_different_scores_and_one_weakest_element(seeded):
    specs = {unit_spec.code: unit_spec for unit_spec in _unit_specs(demo.AGENCIES)}
    units = {unit.id: unit for unit in ServiceUnit.objects.all()}
    quarters = Period.containing(timezone.localdate()).previous_ones(4)
    scores = scores_by_unit(unit_ids=units, period=Period.custom(quarters[0].start, quarters[-1].end))
    results = {units[unit_id].code: score.result for unit_id, score in scores.items()}
    assert set(results) == set(specs)
    assert {result.grade.letter for result in results.values()} == {"A", "B", "C"}
    converted = [result.ikm_converted for result in results.values()]
    assert max(converted) - min(converted) > 15
    slugs = {element.code: element.slug for element in scores[next(iter(scores))].elements}
    for code, result in results.items():
        lowest, runner_up = sorted(result.elements, key=lambda element: element.nrr)[:2]
        assert slugs[lowest.code] == specs[code].weak, code
        assert lowest.nrr < runner_up.nrr - Fraction(15, 100), code


def test_it_plans_follow_up_on_the_weakest_element_of_the_weakest_units(seeded, client):
    specs = {unit_spec.code: unit_spec for unit_spec in _unit_specs(demo.AGENCIES)}
    weakest = sorted(specs, key=lambda code: specs[code].quality)[:3]
    plans = list(FollowUpPlan.objects.select_related("unit", "element").order_by("status"))
    assert sorted(plan.unit.code for plan in plans) == sorted(weakest)
    assert all(plan.element.slug == specs[plan.unit.code].weak for plan in plans)
    assert {plan.status for plan in plans} == {"planned", "in_progress", "done"}
    quarters = Period.containing(timezone.localdate()).previous_ones(4)
    assert {(plan.year, plan.quarter) for plan in plans} == {(q.year, q.number) for q in quarters[-3:-1]}
    done = next(plan for plan in plans if plan.status == "done")
    assert done.evidence_note and done.evidence_link.startswith("https://")
    assert [change.status for change in done.status_changes.order_by("date", "id")] == ["planned", "done"]
    sign_in(client, "admin", demo.PASSWORD)
    page = client.get(reverse("reports:follow_up", args=[done.unit.code]),
                      {"period": f"{done.year}-Q{done.quarter}"}).content.decode()
    assert done.action in page


def test_it_records_where_the_last_quarter_was_published(seeded, client):
    quarter = Period.containing(timezone.localdate()).previous()
    media = list(PublicationMedium.objects.order_by("published_on"))
    assert [(medium.kind, medium.period) for medium in media] == [("website", quarter.slug), ("social", quarter.slug)]
    assert media[0].region.code == "sukamaju" and media[1].agency.code == "dinkes"
    assert all(quarter.end <= medium.published_on < timezone.localdate() for medium in media)
    sign_in(client, "bagor", demo.PASSWORD)
    page = client.get(reverse("monev:media_region", args=["sukamaju"]), {"tahun": quarter.year}).content.decode()
    assert "Laman resmi Pemerintah Kota Sukamaju" in page and "Instagram Dinas Kesehatan" in page


def _unit_specs(agencies):
    for agency in agencies:
        yield from agency.units
        yield from _unit_specs(agency.children)


def test_it_gives_the_same_responses_for_the_same_seed_and_others_for_another():
    first = fingerprint_of_a_run(11)
    assert not Response.objects.exists()
    assert fingerprint_of_a_run(11) == first
    assert fingerprint_of_a_run(12) != first


def test_it_leaves_an_existing_demo_alone_with_if_empty(seeded):
    before = fingerprint()
    output = seed(100, 99, "--if-empty")
    assert "already exists" in output
    assert fingerprint() == before
    assert Region.objects.filter(code="sukamaju").count() == 1
    with pytest.raises(CommandError, match="already exists"):
        seed(100, 99)
    assert Response.objects.count() == RESPONSES


def test_it_seeds_an_empty_database_with_if_empty():
    output = seed(50, 1, "--if-empty")
    assert "50 responses" in output
    assert Response.objects.count() == 50


def test_it_leaves_an_existing_account_with_a_demo_name_untouched(django_user_model):
    django_user_model.objects.create_user("bagor", password="milik-sendiri-123")
    output = seed(50, 1)
    assert "bagor already existed" in output
    user = django_user_model.objects.get(username="bagor")
    assert user.check_password("milik-sendiri-123")
    assert not StaffRole.objects.filter(user=user).exists()
    assert Response.objects.count() == 50


def test_it_welcomes_with_the_logins_the_kiosk_link_and_the_admin(seeded):
    out = io.StringIO()
    call_command("demo_welcome", "--base-url", "http://demo.example:8000/", stdout=out)
    text = out.getvalue()
    for demo_user in demo.DEMO_USERS:
        line = next(line for line in text.splitlines() if line.split()[:1] == [demo_user.username])
        assert "skm-demo-2026" in line
    assert "Dinas Kesehatan" in text and "Kecamatan Sukamaju Utara" in text
    assert "http://demo.example:8000/kiosk/#demo-kiosk-sukamaju" in text
    assert "http://demo.example:8000/admin/" in text


def test_it_stores_nothing_when_a_demo_code_is_taken():
    other = Region.objects.create(code="kota-lain", name="Kota Lain", kind="kota", kemendagri_code="99.01")
    Agency.objects.create(region=other, code="dinkes", name="Dinas Kesehatan Kota Lain", kind="dinas")
    with pytest.raises(CommandError, match="nothing was stored"):
        seed(50, 1)
    assert not Region.objects.filter(code="sukamaju").exists()
    assert not Response.objects.exists()
    assert not ServiceUnit.objects.exists()


def test_it_refuses_a_response_count_below_one():
    with pytest.raises(CommandError, match="--responses"):
        call_command("seed_demo", "--responses", "0", stdout=io.StringIO())
