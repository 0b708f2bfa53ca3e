"""Monev pelayanan publik: the year's checklist, evidence files, the evaluators' findings, the two items read
from the SKM data, and who may see and change what."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from agencies.models import AuditEvent, Population, Region, StaffRole
from monev import compliance
from monev.demo import monev_demo_seed
from monev.models import Assessment, ChecklistItem, Evidence
from monev.selectors import checklist_of, region_recap
from monev.services import checklist_ensure
from reports.models import Publication
from tests.factories import local, make_user, submit

pytestmark = pytest.mark.django_db

YEAR = 2025
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x01" * 200
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x02" * 200
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x03" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
DEFAULT_NAMES = ["SOP", "Standar Pelayanan", "SKM dilaksanakan", "Hasil SKM dipublikasikan",
                 "Maklumat Pelayanan dipajang", "Sarana pengaduan / kotak pengaduan",
                 "Banner/media informasi pelayanan", "Sarana bagi penyandang disabilitas"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def items_of(world, year=YEAR) -> dict[str, ChecklistItem]:
    return {item.name: item for item in checklist_ensure(region=world.region, year=year)}


def unit_url(unit, year=YEAR) -> str:
    return f"/monev/unit/{unit.code}/?tahun={year}"


def upload(client, unit, item, name, content):
    return client.post(f"/monev/unit/{unit.code}/butir/{item.id}/bukti/",
                       {f"item{item.id}-file": SimpleUploadedFile(name, content)})


def assess(client, unit, item, status="met", day="2025-10-06", note="Ada dan mutakhir"):
    return client.post(f"/monev/unit/{unit.code}/butir/{item.id}/nilai/",
                       {f"assess{item.id}-status": status, f"assess{item.id}-visited_on": day,
                        f"assess{item.id}-note": note})


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# The checklist -----------------------------------------------------------------------------------------------

def test_it_starts_a_year_with_the_default_items(world):
    page = client_for(world.region_admin).get(f"/monev/daerah/{world.region.code}/daftar-periksa/?tahun={YEAR}")

    assert page.status_code == 200
    items = checklist_of(region=world.region, year=YEAR)
    assert [item.name for item in items] == DEFAULT_NAMES
    assert [item.position for item in items] == list(range(1, 9))
    assert {item.name for item in items if item.is_key} == {"SOP", "Standar Pelayanan",
                                                            "Maklumat Pelayanan dipajang"}
    assert {item.name: item.kind for item in items if item.is_automatic} == {
        "SKM dilaksanakan": "skm_carried_out", "Hasil SKM dipublikasikan": "skm_published"}
    assert "Sarana bagi penyandang disabilitas" in page.content.decode()


def test_it_keeps_one_checklist_per_region_and_year_and_copies_the_previous_year(world):
    ChecklistItem.objects.create(region=world.region, year=2024, position=1, name="SOP", is_key=True)
    ChecklistItem.objects.create(region=world.region, year=2024, position=2, name="Survei dipublikasikan",
                                 kind="skm_published")

    copied = checklist_ensure(region=world.region, year=2025)
    fresh = checklist_ensure(region=world.other_region, year=2025)

    assert [(item.name, item.is_key, item.kind, item.year) for item in copied] == [
        ("SOP", True, "manual", 2025), ("Survei dipublikasikan", False, "skm_published", 2025)]
    assert [item.name for item in fresh] == DEFAULT_NAMES
    assert checklist_ensure(region=world.region, year=2025) == copied  # a second use creates nothing
    assert ChecklistItem.objects.filter(region=world.region).count() == 4


def test_it_adds_renames_reorders_and_removes_an_unused_item(world):
    client = client_for(world.region_admin)
    base = f"/monev/daerah/{world.region.code}"
    items_of(world)

    added = client.post(f"{base}/daftar-periksa/?tahun={YEAR}",
                        {"name": "  Pojok   laktasi ", "is_key": "", "kind": "manual"})
    item = ChecklistItem.objects.get(region=world.region, year=YEAR, name="Pojok laktasi")
    renamed = client.post(f"{base}/butir/{item.id}/", {"name": "Ruang laktasi", "is_key": "on", "position": 3})
    item.refresh_from_db()
    removed = client.post(f"{base}/butir/{item.id}/", {"delete": "1", "name": item.name, "position": 3})

    assert added.status_code == renamed.status_code == removed.status_code == 302
    assert (item.name, item.is_key, item.position) == ("Ruang laktasi", True, 3)
    assert not ChecklistItem.objects.filter(pk=item.pk).exists()
    changes = list(AuditEvent.objects.filter(action="monev_checklist_changed").order_by("at", "id")
                   .values_list("detail__change", flat=True))
    assert changes == ["added", "updated", "deleted"]


def test_it_refuses_to_rename_or_remove_an_item_in_use_and_says_why(world):
    client = client_for(world.region_admin)
    sop = items_of(world)["SOP"]
    assert assess(client, world.unit, sop).status_code == 302

    renamed = client.post(f"/monev/daerah/{world.region.code}/butir/{sop.id}/",
                          {"name": "SOP layanan", "position": 1, "is_key": "on"})
    removed = client.post(f"/monev/daerah/{world.region.code}/butir/{sop.id}/",
                          {"delete": "1", "name": "SOP", "position": 1})
    reordered = client.post(f"/monev/daerah/{world.region.code}/butir/{sop.id}/",
                            {"name": "SOP", "position": 9, "is_key": "on"})

    assert renamed.status_code == removed.status_code == 400
    assert "sudah ada penilaian atau bukti" in renamed.content.decode()
    assert "tidak dapat dihapus" in removed.content.decode()
    assert reordered.status_code == 302
    sop.refresh_from_db()
    assert (sop.name, sop.position) == ("SOP", 9)


def test_it_refuses_a_duplicate_name_and_a_second_automatic_item_of_a_kind(world):
    client = client_for(world.region_admin)
    items_of(world)
    url = f"/monev/daerah/{world.region.code}/daftar-periksa/?tahun={YEAR}"

    twice = client.post(url, {"name": "sop", "kind": "manual"})
    automatic = client.post(url, {"name": "SKM lagi", "kind": "skm_carried_out"})

    assert twice.status_code == automatic.status_code == 400
    assert "sudah ada pada daftar 2025" in twice.content.decode()
    assert "Otomatis: SKM dilaksanakan" in automatic.content.decode()
    assert ChecklistItem.objects.filter(region=world.region, year=YEAR).count() == 8


def test_it_answers_a_bad_year_with_a_message(world):
    response = client_for(world.region_admin).get(f"/monev/daerah/{world.region.code}/?tahun=20x5")

    assert response.status_code == 400
    assert "Tahun “20x5” tidak dapat dipakai" in response.content.decode()
    assert not ChecklistItem.objects.exists()


# Evidence ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,content,content_type", [
    ("sop.pdf", PDF, "application/pdf"), ("maklumat.jpg", JPEG, "image/jpeg"),
    ("banner.png", PNG, "image/png"), ("kotak.webp", WEBP, "image/webp"),
])
def test_it_stores_an_accepted_file_and_serves_it_only_in_scope(world, settings, name, content, content_type):
    sop = items_of(world)["SOP"]

    response = upload(client_for(world.operator), world.unit, sop, name, content)

    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.content_type, evidence.size) == (name, content_type, len(content))
    assert default_storage.exists(evidence.file.name)
    assert Path(default_storage.path(evidence.file.name)).is_relative_to(Path(settings.MEDIA_ROOT))
    path = f"/monev/unit/{world.unit.code}/bukti/{evidence.id}/"
    for user in (world.operator, world.agency_admin, world.region_admin):
        served = client_for(user).get(path)
        assert served.status_code == 200 and served["Content-Type"] == content_type
        assert b"".join(served.streaming_content) == content
    for user in (world.other_agency_admin, world.stranger, world.nobody):
        assert client_for(user).get(path).status_code == 404
    assert Client().get(path).status_code == 302
    assert Client().get(f"/media/{evidence.file.name}").status_code == 404
    event = AuditEvent.objects.get(action="monev_evidence_added")
    assert event.detail["file"] == name and event.region == world.region


def test_it_refuses_a_file_too_large_and_stores_nothing(world, settings):
    settings.MONEV_EVIDENCE_MAX_BYTES = 1000
    sop = items_of(world)["SOP"]

    response = upload(client_for(world.operator), world.unit, sop, "sop.pdf", PDF + b"0" * 1000)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Berkas “sop.pdf” berukuran" in page and "paling besar 1000" in page
    assert not Evidence.objects.exists() and not stored_files(settings)


@pytest.mark.parametrize("name,content", [
    ("foto.jpg", b"GIF89a" + b"\x00" * 50),  # a GIF is not accepted, whatever its name
    ("maklumat.png", EXE),  # a program renamed as a photo
    ("sop.pdf", b"<html><script>alert(1)</script></html>"),
])
def test_it_refuses_content_that_is_not_an_accepted_type_whatever_its_name(world, settings, name, content):
    sop = items_of(world)["SOP"]

    response = upload(client_for(world.operator), world.unit, sop, name, content)

    assert response.status_code == 400
    assert f"Isi berkas “{name}” bukan PDF, JPEG, PNG, WebP" in response.content.decode()
    assert not Evidence.objects.exists() and not stored_files(settings)


def test_it_takes_no_evidence_for_an_automatic_item(world):
    carried_out = items_of(world)["SKM dilaksanakan"]

    assert upload(client_for(world.operator), world.unit, carried_out, "a.pdf", PDF).status_code == 404


def test_it_deletes_evidence_before_the_item_is_assessed_and_not_after(world, settings):
    items = items_of(world)
    operator = client_for(world.operator)
    upload(operator, world.unit, items["SOP"], "sop.pdf", PDF)
    upload(operator, world.unit, items["Standar Pelayanan"], "sp.pdf", PDF)
    sop_file, sp_file = Evidence.objects.order_by("id")
    assess(client_for(world.region_admin), world.unit, items["Standar Pelayanan"])

    deleted = operator.post(f"/monev/unit/{world.unit.code}/bukti/{sop_file.id}/hapus/")
    kept = operator.post(f"/monev/unit/{world.unit.code}/bukti/{sp_file.id}/hapus/", follow=True)
    outside = client_for(world.other_agency_admin).post(f"/monev/unit/{world.unit.code}/bukti/{sp_file.id}/hapus/")

    assert deleted.status_code == 302
    assert list(Evidence.objects.all()) == [sp_file]
    assert not default_storage.exists(sop_file.file.name) and default_storage.exists(sp_file.file.name)
    assert "tidak dapat dihapus: butir ini sudah dinilai" in kept.content.decode()
    assert outside.status_code == 404
    assert AuditEvent.objects.filter(action="monev_evidence_deleted").count() == 1


# Evaluators' findings ----------------------------------------------------------------------------------------

def test_an_evaluator_records_a_finding_with_note_and_date(world):
    sop = items_of(world)["SOP"]

    response = assess(client_for(world.region_admin), world.unit, sop, status="partly", note="Belum ditandatangani")

    assert response.status_code == 302
    finding = Assessment.objects.get()
    assert (finding.unit, finding.item, finding.status, finding.note, finding.visited_on, finding.assessed_by) == (
        world.unit, sop, "partly", "Belum ditandatangani", date(2025, 10, 6), world.region_admin)
    event = AuditEvent.objects.get(action="monev_assessed")
    assert event.detail["status"] == "partly" and event.detail["unit"] == world.unit.code
    assert event.actor == world.region_admin
    assert "Terpenuhi sebagian" in client_for(world.operator).get(unit_url(world.unit)).content.decode()


def test_unit_staff_see_findings_but_cannot_change_them(world):
    sop = items_of(world)["SOP"]
    assess(client_for(world.region_admin), world.unit, sop, status="not_met")

    page = client_for(world.operator).get(unit_url(world.unit)).content.decode()
    answers = {name: assess(client_for(getattr(world, name)), world.unit, sop, status="met").status_code
               for name in ("operator", "agency_admin", "other_agency_admin", "stranger", "nobody")}

    assert "Tidak terpenuhi" in page and f"assess{sop.id}-status" not in page
    assert answers == {"operator": 403, "agency_admin": 403, "other_agency_admin": 404, "stranger": 404,
                       "nobody": 404}
    assert Assessment.objects.get().status == "not_met"


def test_it_refuses_a_visit_in_the_future_or_another_year_and_an_unknown_status(world):
    sop = items_of(world)["SOP"]
    client = client_for(world.region_admin)
    tomorrow = timezone.localdate().toordinal() + 1

    future = assess(client, world.unit, sop, day=date.fromordinal(tomorrow).isoformat())
    other_year = assess(client, world.unit, sop, day="2023-05-01")
    unknown = assess(client, world.unit, sop, status="excellent")

    assert future.status_code == other_year.status_code == unknown.status_code == 400
    assert "tidak boleh setelah hari ini" in future.content.decode()
    assert "Kunjungan monev 2025 dicatat" in other_year.content.decode()
    assert not Assessment.objects.exists()


# Items read from the SKM data --------------------------------------------------------------------------------

def statuses(world, year=YEAR) -> dict[str, dict[str, str | None]]:
    checklist_ensure(region=world.region, year=year)
    recap = region_recap(region=world.region, year=year)
    names = [item.name for item in recap.items]
    return {summary.unit.code: dict(zip(names, (found.status for found in summary.found), strict=True))
            for summary in recap.units}


def test_skm_carried_out_follows_the_years_respondents_against_the_minimum_sample(world):
    items_of(world)
    Population.objects.create(unit=world.unit, year=YEAR, service_users=10)  # Krejcie-Morgan: all 10
    Population.objects.create(unit=world.sub_unit, year=YEAR, service_users=10)
    sub_service = world.sub_unit.services.first()
    for day in range(1, 11):
        submit(world.unit, world.service, [4] * 9, answered_at=local(YEAR, 3, day))
    for day in range(1, 4):
        submit(world.sub_unit, sub_service, [3] * 9, answered_at=local(YEAR, 6, day))
    submit(world.other_unit, world.other_unit.services.first(), [3] * 9, answered_at=local(YEAR, 2, 3))
    submit(world.sub_unit, sub_service, [3] * 9, answered_at=local(YEAR + 1, 1, 5))  # another year

    found = {code: row["SKM dilaksanakan"] for code, row in statuses(world).items()}
    page = client_for(world.operator).get(unit_url(world.unit)).content.decode()

    assert found == {world.unit.code: "met", world.sub_unit.code: "partly",
                     world.other_unit.code: "partly"}  # other_unit: no population, the minimum is unknown
    assert "10 responden dari sampel minimal 10" in page
    following = {code: row["SKM dilaksanakan"] for code, row in statuses(world, YEAR + 1).items()}
    assert following == {world.unit.code: "not_met", world.sub_unit.code: "partly", world.other_unit.code: "not_met"}


def test_skm_published_follows_the_regions_publications_of_the_year(world):
    items_of(world)

    def published() -> set:
        return {row["Hasil SKM dipublikasikan"] for row in statuses(world).values()}

    assert published() == {"not_met"}
    Publication.objects.create(region=world.other_region, year=YEAR)
    Publication.objects.create(region=world.region, year=YEAR - 1)
    assert published() == {"not_met"}
    Publication.objects.create(region=world.region, year=YEAR, quarter=1)
    assert published() == {"partly"}
    for quarter in (2, 3, 4):
        Publication.objects.create(region=world.region, year=YEAR, quarter=quarter)
    assert published() == {"met"}
    Publication.objects.filter(region=world.region, year=YEAR, quarter__in=(2, 3)).delete()
    Publication.objects.create(region=world.region, year=YEAR, quarter=None)
    assert published() == {"met"}


def test_the_automatic_rules_as_plain_functions():
    assert compliance.carried_out_status(respondents=0, required=None) == "not_met"
    assert compliance.carried_out_status(respondents=99, required=100) == "partly"
    assert compliance.carried_out_status(respondents=100, required=100) == "met"
    assert compliance.carried_out_status(respondents=500, required=None) == "partly"
    assert compliance.published_status(whole_year=False, quarters={1, 2}, quarters_ended=2) == "met"
    assert compliance.published_status(whole_year=False, quarters={1}, quarters_ended=2) == "partly"
    assert compliance.published_status(whole_year=False, quarters={2}, quarters_ended=0) == "met"
    assert compliance.published_status(whole_year=False, quarters=set(), quarters_ended=0) == "not_met"
    assert compliance.quarters_ended(year=2026, today=date(2026, 8, 1)) == 2
    assert compliance.quarters_ended(year=2025, today=date(2026, 1, 1)) == 4


def test_compliance_weighs_met_partly_and_counts_not_assessed_as_not_met():
    assert compliance.compliance_percent(["met", "partly", "not_met", None]) == Decimal("37.50")
    assert compliance.compliance_percent(["met"] * 2 + ["partly"]) == Decimal("83.33")
    assert compliance.compliance_percent(["partly"] * 3) == Decimal("50.00")
    assert compliance.compliance_percent([]) is None
    assert compliance.key_items_missing([("SOP", True, "partly"), ("SP", True, None), ("Maklumat", True, "not_met"),
                                         ("Banner", False, None)]) == ["SP", "Maklumat"]


# Scope -------------------------------------------------------------------------------------------------------

def test_unit_staff_see_only_their_units_and_evaluators_the_region(world):
    items_of(world)
    answers = {}
    for name in ("operator", "agency_admin", "other_agency_admin", "region_admin", "stranger", "nobody"):
        client = client_for(getattr(world, name))
        answers[name] = ({unit.code for unit in (world.unit, world.sub_unit, world.other_unit, world.far_unit)
                          if client.get(unit_url(unit)).status_code == 200},
                         client.get(f"/monev/daerah/{world.region.code}/?tahun={YEAR}").status_code)

    assert answers == {
        "operator": ({world.unit.code}, 404),
        "agency_admin": ({world.unit.code, world.sub_unit.code}, 404),
        "other_agency_admin": ({world.other_unit.code}, 404),
        "region_admin": ({world.unit.code, world.sub_unit.code, world.other_unit.code}, 200),
        "stranger": ({world.far_unit.code}, 404),
        "nobody": (set(), 404),
    }


def test_an_evaluator_cannot_reach_another_regions_items(world):
    far_sop = {item.name: item for item in checklist_ensure(region=world.other_region, year=YEAR)}["SOP"]
    client = client_for(world.region_admin)

    assert client.get(f"/monev/daerah/{world.region.code}/butir/{far_sop.id}/").status_code == 404
    assert assess(client, world.unit, far_sop).status_code == 404
    assert upload(client, world.unit, far_sop, "a.pdf", PDF).status_code == 404


# Where the monev shows --------------------------------------------------------------------------------------

def test_the_unit_dashboard_shows_the_monev_beside_the_ikm(world):
    year = timezone.localdate().year
    items = {item.name: item for item in checklist_ensure(region=world.region, year=year)}
    for name in ("SOP", "Standar Pelayanan", "Maklumat Pelayanan dipajang", "Banner/media informasi pelayanan"):
        assess(client_for(world.region_admin), world.unit, items[name], day=timezone.localdate().isoformat())

    page = client_for(world.operator).get(f"/dasbor/unit/{world.unit.code}/?period={year}").content.decode()

    assert f"Kepatuhan monev {year}: <strong>50,00%</strong>" in page  # 4 of 8; both automatic items not met
    assert f'href="/monev/unit/{world.unit.code}/?tahun={year}"' in page


def test_region_admins_find_the_monev_from_home_and_their_dashboard(world):
    StaffRole.objects.create(user=world.region_admin, role=StaffRole.Role.UNIT_OPERATOR, unit=world.far_unit)
    client = client_for(world.region_admin)

    home = client.get("/").content.decode()
    dashboard = client.get(f"/dasbor/daerah/{world.region.code}/").content.decode()
    operator_home = client_for(make_user("dua-unit", world.unit, world.sub_unit)).get("/").content.decode()

    assert f'href="/monev/daerah/{world.region.code}/"' in home
    assert f'href="/monev/daerah/{world.region.code}/?tahun=' in dashboard
    assert "/monev/daerah/" not in operator_home


# Demo --------------------------------------------------------------------------------------------------------

def test_the_demo_gives_sukamaju_this_years_checklist_and_a_few_reproducible_visits():
    call_command("seed_demo", responses=100, seed=3, stdout=io.StringIO())
    region = Region.objects.get(code="sukamaju")
    year = timezone.localdate().year

    def findings() -> list[tuple]:
        return sorted(Assessment.objects.values_list("unit__code", "item__name", "status", "visited_on"))

    seeded = findings()
    recap = region_recap(region=region, year=year)
    Assessment.objects.all().delete()
    monev_demo_seed(seed=3)
    again = findings()
    Assessment.objects.all().delete()
    monev_demo_seed(seed=4)

    assert [item.name for item in recap.items] == DEFAULT_NAMES
    assert recap.assessed_units == 3 and len(seeded) == 3 * 6
    assert "disdukcapil-loket" not in {code for code, *_rest in seeded}  # left for a visit in the demo
    assert {status for _code, _item, status, _day in seeded} <= {"met", "partly", "not_met"}
    assert again == seeded and findings() != seeded


def test_it_answers_bad_input_without_storing_anything(world, settings):
    items = items_of(world)
    operator, evaluator = client_for(world.operator), client_for(world.region_admin)
    sop = items["SOP"]

    no_file = operator.post(f"/monev/unit/{world.unit.code}/butir/{sop.id}/bukti/", {})
    empty = upload(operator, world.unit, sop, "kosong.pdf", b"")
    accepted = upload(operator, world.unit, sop, "a.pdf", PDF)
    missing = operator.post(f"/monev/unit/{world.unit.code}/butir/999999/bukti/", {})
    automatic = assess(evaluator, world.unit, items["Hasil SKM dipublikasikan"])
    bad_year = operator.get(f"/monev/unit/{world.unit.code}/?tahun=1999")

    assert no_file.status_code == empty.status_code == 400 and accepted.status_code == 302
    assert "Berkas yang dikirimkan kosong." in empty.content.decode()
    assert missing.status_code == automatic.status_code == 404
    assert bad_year.status_code == 400
    assert Evidence.objects.count() == 1 and len(stored_files(settings)) == 1
    assert not Assessment.objects.exists()


def test_the_admin_shows_monev_rows_read_only(world, admin_client):
    sop = items_of(world)["SOP"]
    upload(client_for(world.operator), world.unit, sop, "sop.pdf", PDF)
    assess(client_for(world.region_admin), world.unit, sop)

    for model, row in (("checklistitem", sop), ("assessment", Assessment.objects.get()),
                       ("evidence", Evidence.objects.get())):
        assert admin_client.get(f"/admin/monev/{model}/").status_code == 200
        change = admin_client.get(f"/admin/monev/{model}/{row.pk}/change/")
        assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert admin_client.post(f"/admin/monev/checklistitem/{sop.pk}/delete/", {"post": "yes"}).status_code == 403
