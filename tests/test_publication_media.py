"""The publication media register: where each period's results were published, the app's own public page counted
by itself, the PEKPPP count of distinct media per unit, and who may record, read and delete what."""

from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from agencies.models import AuditEvent
from monev.media import media_count, medium_key
from monev.models import PublicationMedium
from monev.selectors import media_by_unit, media_count_by_unit
from monev.services import medium_record
from reports.models import Publication
from reports.periods import Period
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

YEAR = 2025
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x01" * 200
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def record(scope, name, *, kind="social", period=None, by=None, url="https://example.org/post"):
    return medium_record(scope=scope, period=period or Period.quarter(YEAR, 1), kind=kind, name=name,
                         published_on=date(YEAR, 4, 10), url=url, by=by)


def publish(region, quarter, *unit_codes):
    """A publication whose frozen figures hold these units (what the public page shows)."""
    return Publication.objects.create(region=region, year=YEAR, quarter=quarter,
                                      snapshot={"units": [{"code": code} for code in unit_codes]})


def form(scope_value, **fields):
    data = {"scope": scope_value, "period": f"{YEAR}-Q2", "kind": "website", "name": "Situs kecamatan",
            "published_on": f"{YEAR}-07-15", "url": "https://kecamatan.example.go.id/skm"}
    data.update(fields)
    return data


# The rule ----------------------------------------------------------------------------------------------------

def test_the_same_medium_counts_once_whatever_its_case_or_spacing():
    keys = [medium_key("social", "Instagram  @dinkes"), medium_key("social", "instagram @Dinkes"),
            medium_key("website", "Instagram @dinkes"), medium_key("social", "Facebook Dinkes")]

    assert media_count(keys, public_page=False) == 3
    assert media_count(keys, public_page=True) == 4
    assert media_count([], public_page=False) == 0


# The selector ------------------------------------------------------------------------------------------------

def test_a_unit_counts_its_own_its_agencies_and_its_regions_media_and_the_public_page(world):
    record(world.sub_unit, "Papan pengumuman loket", kind="notice_board")
    record(world.sub_agency, "Instagram @kelurahan")
    record(world.agency, "Radio Suara Uji", kind="mass_media")
    record(world.agency, "radio  suara uji", kind="mass_media", period=Period.quarter(YEAR, 2))  # the same radio
    record(world.region, "Situs pemda", kind="website")
    record(world.other_agency, "Instagram @dinas-lain")
    record(world.far_agency, "Situs jauh", kind="website")
    record(world.region, "Situs tahun lalu", kind="website", period=Period.quarter(YEAR - 1, 4))
    publish(world.region, 1, world.sub_unit.code, world.unit.code)
    publish(world.region, 2, world.sub_unit.code)
    units = [world.unit, world.sub_unit, world.other_unit, world.far_unit]

    counts = media_count_by_unit(unit_ids=[unit.id for unit in units], year=YEAR)
    shown = media_by_unit(unit_ids=[world.sub_unit.id], year=YEAR)[world.sub_unit.id]

    # sub_unit: its board, its kelurahan's Instagram, the kecamatan's radio (once), the region's site, the page.
    assert counts == {world.unit.id: 3, world.sub_unit.id: 5, world.other_unit.id: 2, world.far_unit.id: 1}
    assert [each.level for each in shown].count("app") == 2  # one line per published period, one medium
    assert {each.period.slug for each in shown if each.level == "app"} == {f"{YEAR}-Q1", f"{YEAR}-Q2"}
    assert f"/hasil/{world.region.code}/{YEAR}-Q1/" in [each.url for each in shown]


def test_the_count_takes_the_same_queries_for_one_unit_or_many(world, django_assert_num_queries):
    more = [make_unit(world.agency) for _ in range(5)]
    record(world.agency, "Radio Suara Uji", kind="mass_media")
    publish(world.region, 1, *[unit.code for unit in more])

    with django_assert_num_queries(4):
        media_count_by_unit(unit_ids=[world.unit.id], year=YEAR)
    with django_assert_num_queries(4):
        counts = media_count_by_unit(unit_ids=[unit.id for unit in (world.unit, *more)], year=YEAR)
    assert counts[world.unit.id] == 1 and all(counts[unit.id] == 2 for unit in more)


# The screens -------------------------------------------------------------------------------------------------

def test_a_region_admin_records_a_regional_medium_that_counts_for_every_unit(world):
    page = f"/monev/media/daerah/{world.region.code}/?tahun={YEAR}"
    admin = client_for(world.region_admin)

    response = admin.post(page, form(f"region-{world.region.id}", kind="sippn", name="SIPPN",
                                     url="https://sippn.menpan.go.id/x"))

    assert response.status_code == 302
    medium = PublicationMedium.objects.get()
    assert (medium.region, medium.period, medium.kind, medium.recorded_by) == (
        world.region, f"{YEAR}-Q2", "sippn", world.region_admin)
    shown = admin.get(page).content.decode()
    assert shown.count('data-testid="media-count">1<') == 3  # the region's three units
    event = AuditEvent.objects.get(action="medium_recorded")
    assert event.region == world.region and event.detail["period"] == f"{YEAR}-Q2"


def test_an_agency_admin_records_a_photo_for_a_unit_below_and_it_is_served_only_in_scope(world):
    response = client_for(world.agency_admin).post(
        f"/monev/media/opd/{world.agency.code}/?tahun={YEAR}",
        form(f"unit-{world.sub_unit.id}", kind="notice_board", name="Papan loket", url="",
             file=SimpleUploadedFile("papan.png", PNG)))

    assert response.status_code == 302
    medium = PublicationMedium.objects.get()
    assert medium.unit == world.sub_unit and medium.content_type == "image/png"
    assert default_storage.exists(medium.file.name)
    path = f"/monev/media/{medium.id}/bukti/"
    for user in (world.agency_admin, world.region_admin):
        served = client_for(user).get(path)
        assert served.status_code == 200 and b"".join(served.streaming_content) == PNG
    for user in (world.operator, world.other_agency_admin, world.stranger, world.nobody):
        assert client_for(user).get(path).status_code == 404


def test_an_operator_records_for_their_own_unit_only(world):
    operator = client_for(world.operator)
    own = operator.post(f"/monev/media/unit/{world.unit.code}/?tahun={YEAR}", form(f"unit-{world.unit.id}"))
    other_scope = operator.post(f"/monev/media/unit/{world.unit.code}/?tahun={YEAR}",
                                form(f"unit-{world.other_unit.id}"))

    assert own.status_code == 302
    assert other_scope.status_code == 400 and "Masukkan pilihan yang valid" in other_scope.content.decode()
    assert [medium.unit for medium in PublicationMedium.objects.all()] == [world.unit]
    for path in (f"/monev/media/unit/{world.other_unit.code}/", f"/monev/media/opd/{world.agency.code}/",
                 f"/monev/media/daerah/{world.region.code}/"):
        assert operator.get(path).status_code == 404


@pytest.mark.parametrize("fields,field,message", [
    ({"url": ""}, "url", "Isi tautan atau unggah foto sebagai bukti publikasi."),
    ({"url": "", "file": "exe"}, "file", "Isi berkas “papan.png” bukan PDF, JPEG, PNG, WebP"),
    ({"published_on": f"{YEAR}-03-31"}, "published_on", "tidak dapat terbit sebelum 01-04-2025"),
    ({"name": "   "}, "name", "Bidang ini tidak boleh kosong."),
    ({"period": f"{YEAR + 1}-Q1"}, "period", "Masukkan pilihan yang valid"),
])
def test_bad_input_names_the_field_and_stores_nothing(world, settings, fields, field, message):
    if fields.get("file") == "exe":
        fields["file"] = SimpleUploadedFile("papan.png", EXE)

    response = client_for(world.region_admin).post(f"/monev/media/daerah/{world.region.code}/?tahun={YEAR}",
                                                   form(f"region-{world.region.id}", **fields))

    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert not PublicationMedium.objects.exists()


def test_out_of_scope_pages_answer_404(world):
    for user, path in ((world.other_agency_admin, f"/monev/media/opd/{world.agency.code}/"),
                       (world.agency_admin, f"/monev/media/daerah/{world.region.code}/"),
                       (world.stranger, f"/monev/media/unit/{world.unit.code}/"),
                       (world.nobody, f"/monev/media/unit/{world.unit.code}/")):
        assert client_for(user).get(path).status_code == 404


def test_only_who_manages_the_scope_deletes_a_record(world):
    regional = record(world.region, "Situs pemda", kind="website", by=world.region_admin)
    own = record(world.unit, "Papan loket", kind="notice_board", by=world.operator)
    operator = client_for(world.operator)

    page = operator.get(f"/monev/media/unit/{world.unit.code}/?tahun={YEAR}").content.decode()
    refused = operator.post(f"/monev/media/{regional.id}/hapus/")
    deleted = operator.post(f"/monev/media/{own.id}/hapus/")

    assert "Situs pemda" in page and "Papan loket" in page  # the operator reads what covers the unit
    assert refused.status_code == 404 and deleted.status_code == 302
    assert list(PublicationMedium.objects.all()) == [regional]
    assert client_for(world.agency_admin).post(f"/monev/media/{regional.id}/hapus/").status_code == 404
    assert client_for(world.region_admin).post(f"/monev/media/{regional.id}/hapus/").status_code == 302
    assert AuditEvent.objects.filter(action="medium_deleted").count() == 2


def test_the_dashboards_link_the_register(world):
    for user, path, link in (
            (world.operator, f"/dasbor/unit/{world.unit.code}/", f"/monev/media/unit/{world.unit.code}/"),
            (world.agency_admin, f"/dasbor/opd/{world.agency.code}/", f"/monev/media/opd/{world.agency.code}/"),
            (world.region_admin, f"/dasbor/daerah/{world.region.code}/",
             f"/monev/media/daerah/{world.region.code}/")):
        assert link in client_for(user).get(path).content.decode()
