"""The PEKPPP evidence pack: a unit's PDF read back carries the dashboard's figures, summary.csv carries the
selectors' respondents and minimum, the command's errors, and who may build and download which pack."""

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from agencies.models import Population
from monev.selectors import media_count_by_unit
from monev.services import medium_record
from reports.aggregates import unit_adequacy, unit_figures
from reports.coverage import coverage_board
from reports.models import FollowUpPlan, GeneratedDocument, Publication
from reports.periods import Period
from reports.selectors import follow_up_indicators
from reports.services import follow_up_plan_create, follow_up_plan_update
from tests.documents_helpers import pdf_text
from tests.factories import local, submit

pytestmark = pytest.mark.django_db

YEAR = 2025
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x01" * 200
# A real 1x1 PNG, so that the PDF embeds it.
PIXEL = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                      "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
COLUMNS = ["unit_code", "surveyed", "respondents", "minimum", "media_count", "weak_with_plan_percent",
           "plans_completed_percent", "median_days_to_completion"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shown(value: Decimal | None, suffix: str = "") -> str:
    """A figure as the documents print it (Indonesian decimal comma)."""
    return "–" if value is None else f"{value}{suffix}".replace(".", ",")


@pytest.fixture
def year_data(world):
    """The unit surveyed in the first quarter with U7..U9 graded D; a completed plan for U7 (31 days after the
    quarter), an open one for U8, none for U9; two media and a publication that holds the unit."""
    unit = world.unit
    for number in range(6):
        submit(unit, world.service, [4, 4, 4, 4, 4, 4, 2, 2, 2], answered_at=local(YEAR, 2, 3 + number))
    submit(world.other_unit, world.other_unit.services.first(), [3] * 9, answered_at=local(YEAR, 5, 6))
    Population.objects.create(unit=unit, year=YEAR, service_users=40)
    elements = {element.code: element for element in unit.questionnaire.elements.all()}
    quarter = Period.quarter(YEAR, 1)
    done = follow_up_plan_create(unit=unit, element=elements["U7"], quarter=quarter, action="Menambah kursi tunggu",
                                 responsible="Kepala unit", due_date=date(YEAR, 6, 30), planned_on=date(YEAR, 4, 2),
                                 by=world.operator)
    follow_up_plan_update(plan=done, action=done.action, responsible=done.responsible, due_date=done.due_date,
                          status=FollowUpPlan.Status.DONE, status_date=date(YEAR, 5, 1),
                          evidence_note="Kursi terpasang", evidence_link="https://example.org/kursi",
                          by=world.operator)
    follow_up_plan_create(unit=unit, element=elements["U8"], quarter=quarter, action="Pelatihan petugas",
                          responsible="Kepala unit", due_date=date(YEAR, 9, 30), planned_on=date(YEAR, 4, 2),
                          by=world.operator)
    medium_record(scope=world.region, period=quarter, kind="website", name="Situs Kota Uji",
                  published_on=date(YEAR, 4, 10), url="https://kota-uji.example.go.id/skm", by=world.region_admin)
    medium_record(scope=unit, period=quarter, kind="notice_board", name="Papan loket", published_on=date(YEAR, 4, 12),
                  upload=SimpleUploadedFile("papan.png", PIXEL), by=world.operator)
    Publication.objects.create(region=world.region, year=YEAR, quarter=1, snapshot={"units": [
        {"code": unit.code, "respondents": 6, "required": 36, "groups": [
            {"title": "Kuesioner uji", "respondents": 6, "converted": "83.33", "letter": "B"}]}]})
    return world


def test_the_unit_pdf_carries_the_dashboards_figures_and_its_evidence(year_data):
    world = year_data
    unit = world.unit
    client = client_for(world.operator)

    response = client.get(f"/monev/bukti-pekppp/unit/{unit.code}/bukti-pekppp.pdf?tahun={YEAR}")
    dashboard = client.get(f"/dasbor/unit/{unit.code}/?period={YEAR}")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text, _pages = pdf_text(response.content)
    flat = " ".join(text.split())
    indicators = dashboard.context["follow_up_indicators"]
    assert indicators == follow_up_indicators(unit_ids=[unit.id], year=YEAR)
    assert (indicators.weak_covered_percent, indicators.completed_percent, indicators.median_days) == (
        Decimal("0.0"), Decimal("50.0"), Decimal("31.0"))  # U9 has no plan; one of two done, 31 days after Q1
    assert f"Unsur lemah ber- RTL: {shown(indicators.weak_covered_percent, '%')}" in flat.replace("ber-RTL", "ber- RTL")
    assert f"RTL selesai: {shown(indicators.completed_percent, '%')}" in flat
    assert f"Median hari: {shown(indicators.median_days)}" in flat
    assert f"persentil ke-90: {shown(indicators.p90_days)}" in flat
    media = media_count_by_unit(unit_ids=[unit.id], year=YEAR)[unit.id]
    assert media == 3 and f"Media: {media}" in flat  # the region's site, the board, the public page
    whole = Period.year_of(YEAR)
    sample = unit_adequacy(unit_ids=[unit.id], period=whole,
                           units=unit_figures(unit_ids=[unit.id], period=whole)).samples[unit.id]
    assert f"Responden: {sample.respondents}; sampel minimal: {sample.required}" in flat
    joined = "".join(text.split())  # links wrap inside narrow cells
    assert "Situs Kota Uji" in flat and "https://kota-uji.example.go.id/skm" in joined and "Papan loket" in flat
    assert "Kursi terpasang" in flat and "https://example.org/kursi" in joined and "Pelatihan petugas" in flat
    assert f"/hasil/{world.region.code}/{YEAR}-Q1/{unit.code}/" in joined  # the published notice
    assert "Halaman publik Hasil SKM" in flat and "83.33" in flat
    from pypdf import PdfReader
    assert sum(len(page.images) for page in PdfReader(io.BytesIO(response.content)).pages) >= 1  # the photo


def _pack_files(folder) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def _expected_rows(world) -> list[list[str]]:
    units = [world.unit, world.sub_unit, world.other_unit]
    ids = [unit.id for unit in units]
    whole = Period.year_of(YEAR)
    samples = unit_adequacy(unit_ids=ids, period=whole, units=unit_figures(unit_ids=ids, period=whole)).samples
    media = media_count_by_unit(unit_ids=ids, year=YEAR)
    rows = []
    for unit in units:
        found = follow_up_indicators(unit_ids=[unit.id], year=YEAR)
        sample = samples[unit.id]
        rows.append([unit.code, "ya" if sample.respondents else "tidak", str(sample.respondents),
                     "" if sample.required is None else str(sample.required), str(media[unit.id]),
                     "" if found.weak_covered_percent is None else str(found.weak_covered_percent),
                     "" if found.completed_percent is None else str(found.completed_percent),
                     "" if found.median_days is None else str(found.median_days)])
    return sorted(rows)


def test_the_command_writes_a_pdf_per_unit_and_opd_and_a_summary_of_the_selectors_figures(year_data, tmp_path):
    world = year_data
    out = io.StringIO()

    call_command("evidence_pack", world.region.code, year=str(YEAR), out=str(tmp_path / "pack"), stdout=out)

    files = _pack_files(tmp_path / "pack")
    assert set(files) == {f"unit-{world.unit.code}.pdf", f"unit-{world.sub_unit.code}.pdf",
                          f"unit-{world.other_unit.code}.pdf", f"opd-{world.agency.code}.pdf",
                          f"opd-{world.other_agency.code}.pdf", "summary.csv"}
    rows = list(csv.reader(io.StringIO(files["summary.csv"].decode())))
    assert rows[0] == COLUMNS
    assert sorted(rows[1:]) == _expected_rows(world)
    by_unit = {row[0]: row for row in rows[1:]}
    assert by_unit[world.unit.code][1:3] + by_unit[world.unit.code][4:] == ["ya", "6", "3", "0.0", "50.0", "31.0"]
    assert by_unit[world.sub_unit.code][1:3] == ["tidak", "0"]
    opd = "".join(pdf_text(files[f"opd-{world.agency.code}.pdf"])[0].split())
    assert world.unit.code in opd and world.sub_unit.code in opd and world.other_unit.code not in opd
    assert "6 files written" in out.getvalue()


def test_the_summary_equals_the_coverage_board_of_the_year(year_data, tmp_path):
    world = year_data
    call_command("evidence_pack", world.region.code, year=str(YEAR), out=str(tmp_path / "pack"), stdout=io.StringIO())
    rows = list(csv.reader(io.StringIO((tmp_path / "pack" / "summary.csv").read_text())))

    board = coverage_board(region=world.region, period=Period.year_of(YEAR))
    on_board = sorted([line.unit.code, "ya" if line.surveyed else "tidak", str(line.sample.respondents),
                       "" if line.sample.required is None else str(line.sample.required)] for line in board.units)
    assert sorted(row[:4] for row in rows[1:]) == on_board
    assert len(on_board) == 3


@pytest.mark.parametrize("args,message", [
    (("kota-tidak-ada", "2025"), "unknown region 'kota-tidak-ada'"),
    (("kota-uji", "20x5"), "--year '20x5' is not a year"),
    (("kota-uji", "1800"), "--year '1800' is not a year"),
])
def test_the_command_names_a_bad_region_or_year(world, tmp_path, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        call_command("evidence_pack", args[0], year=args[1], out=str(tmp_path))


def test_the_command_refuses_a_folder_it_cannot_write(world, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")

    with pytest.raises(CommandError, match="cannot write into --out"):
        call_command("evidence_pack", world.region.code, year=str(YEAR), out=str(blocker / "pack"))


def test_the_command_line_prints_the_error_without_a_traceback(world, tmp_path, capsys):
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "evidence_pack", "kota-tidak-ada", "--year", "2025",
                           "--out", str(tmp_path)]).execute()

    errors = capsys.readouterr().err
    assert exited.value.code == 1
    assert "CommandError: unknown region 'kota-tidak-ada' (known: kota-lain, kota-uji)" in errors
    assert "Traceback" not in errors


# The background build and its download -------------------------------------------------------------------------

def test_a_region_admin_builds_the_regions_pack_in_the_background(year_data, tmp_path):
    world = year_data
    admin = client_for(world.region_admin)

    response = admin.post(f"/monev/bukti-pekppp/daerah/{world.region.code}/?tahun={YEAR}")

    document = GeneratedDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/dokumen/berkas/{document.id}/"
    assert (document.kind, document.region, document.period, document.status) == (
        "evidence_pack", world.region, str(YEAR), "done")
    download = admin.get(f"/dokumen/berkas/{document.id}/unduh")
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    call_command("evidence_pack", world.region.code, year=str(YEAR), out=str(tmp_path / "pack"), stdout=io.StringIO())
    assert set(archive.namelist()) == set(_pack_files(tmp_path / "pack"))
    assert archive.read("summary.csv") == (tmp_path / "pack" / "summary.csv").read_bytes()
    for user in (world.agency_admin, world.operator, world.stranger):
        assert client_for(user).get(f"/dokumen/berkas/{document.id}/unduh").status_code == 404
    assert f"/dokumen/berkas/{document.id}/unduh" in admin.get(
        f"/monev/bukti-pekppp/daerah/{world.region.code}/?tahun={YEAR}").content.decode()


def test_an_agency_admin_builds_their_agencys_pack_only(year_data):
    world = year_data
    camat = client_for(world.agency_admin)

    camat.post(f"/monev/bukti-pekppp/opd/{world.agency.code}/?tahun={YEAR}")

    document = GeneratedDocument.objects.get()
    archive = zipfile.ZipFile(io.BytesIO(b"".join(camat.get(f"/dokumen/berkas/{document.id}/unduh").streaming_content)))
    assert set(archive.namelist()) == {f"unit-{world.unit.code}.pdf", f"unit-{world.sub_unit.code}.pdf",
                                       f"opd-{world.agency.code}.pdf", "summary.csv"}
    assert client_for(world.other_agency_admin).get(f"/dokumen/berkas/{document.id}/unduh").status_code == 404
    for user, path in ((world.agency_admin, f"/monev/bukti-pekppp/daerah/{world.region.code}/"),
                       (world.other_agency_admin, f"/monev/bukti-pekppp/opd/{world.agency.code}/"),
                       (world.operator, f"/monev/bukti-pekppp/opd/{world.agency.code}/")):
        assert client_for(user).post(f"{path}?tahun={YEAR}").status_code == 404
    for user, unit in ((world.operator, world.other_unit), (world.stranger, world.unit)):
        assert client_for(user).get(f"/monev/bukti-pekppp/unit/{unit.code}/bukti-pekppp.pdf").status_code == 404
    assert GeneratedDocument.objects.count() == 1


def test_a_bad_year_answers_400_naming_it(world):
    response = client_for(world.region_admin).get(f"/monev/bukti-pekppp/daerah/{world.region.code}/?tahun=20x5")

    assert response.status_code == 400 and "Tahun “20x5” tidak dapat dipakai" in response.content.decode()


def test_the_packs_figures_take_the_same_queries_whatever_the_number_of_units(year_data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from agencies.models import ServiceUnit
    from monev.evidence_pack import pack_units
    from tests.factories import make_unit

    world = year_data
    few = [world.unit, world.sub_unit, world.other_unit]
    more = few + [make_unit(world.agency) for _ in range(4)]
    counts = []
    for units in (few, more):
        units = list(ServiceUnit.objects.filter(pk__in=[unit.pk for unit in units]).order_by("pk")
                     .select_related("agency__region", "questionnaire"))
        with CaptureQueriesContext(connection) as queries:
            found = pack_units(units=units, year=YEAR)
        counts.append(len(queries))
        assert [each.unit for each in found] == units
    assert counts[0] == counts[1]
