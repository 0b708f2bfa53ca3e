"""The region's monev recap: on screen, in the Excel workbook and in the PDF, the same compliance figures,
the units missing key documents, and the comparison with the IKM, weakest first."""

import io

import pdfplumber
import pytest
from django.test import Client
from openpyxl import load_workbook

from agencies.models import Population
from monev.services import assessment_record, checklist_ensure
from tests.factories import local, submit

pytestmark = pytest.mark.django_db

YEAR = 2025
MANUAL = ["SOP", "Standar Pelayanan", "Maklumat Pelayanan dipajang", "Sarana pengaduan / kotak pengaduan",
          "Banner/media informasi pelayanan", "Sarana bagi penyandang disabilitas"]


@pytest.fixture
def recorded(world):
    """unit: every manual item met and its sample reached (10 of 10), nothing published: 7 of 8 = 87.50%,
    IKM 100 (A). other_unit: 3 respondents without a known population (SKM partly), nothing else:
    0.5 of 8 = 6.25%, IKM 50 (D). sub_unit: SOP partly, Standar Pelayanan not met, no respondents:
    6.25%, no IKM. The region: 8 of 24 = 33.33%."""
    items = {item.name: item for item in checklist_ensure(region=world.region, year=YEAR)}
    visit = local(YEAR, 10, 6).date()
    for name in MANUAL:
        assessment_record(unit=world.unit, item=items[name], status="met", note="", visited_on=visit,
                          by=world.region_admin)
    assessment_record(unit=world.sub_unit, item=items["SOP"], status="partly", note="Belum disahkan",
                      visited_on=visit, by=world.region_admin)
    assessment_record(unit=world.sub_unit, item=items["Standar Pelayanan"], status="not_met", note="",
                      visited_on=visit, by=world.region_admin)
    Population.objects.create(unit=world.unit, year=YEAR, service_users=10)
    for day in range(1, 11):
        submit(world.unit, world.service, [4] * 9, answered_at=local(YEAR, 4, day))
    for day in range(1, 4):
        submit(world.other_unit, world.other_unit.services.first(), [2] * 9, answered_at=local(YEAR, 5, day))
    return world


def admin_client(world) -> Client:
    client = Client()
    client.force_login(world.region_admin)
    return client


def test_the_recap_screen_shows_each_units_compliance_and_missing_key_documents(recorded):
    world = recorded
    page = admin_client(world).get(f"/monev/daerah/{world.region.code}/?tahun={YEAR}")

    assert page.status_code == 200
    text = page.content.decode()
    assert '<div class="stat-value" data-testid="average">33,33%</div>' in text
    rows = text.split('<tr data-unit="')[1:]
    compliance = {row.split('"')[0]: row.split('data-testid="compliance">')[1].split("<")[0] for row in rows}
    assert compliance == {world.unit.code: "87,50%", world.sub_unit.code: "6,25%", world.other_unit.code: "6,25%"}
    missing = text.split('data-testid="missing-key">')[1].split("</ul>")[0]
    assert "Loket Kecamatan" not in missing
    assert "Loket Kelurahan</a>: Standar Pelayanan, Maklumat Pelayanan dipajang" in missing
    assert "Loket Dinas</a>: SOP, Standar Pelayanan, Maklumat Pelayanan dipajang" in missing


def test_the_workbook_carries_the_same_numbers(recorded):
    world = recorded
    response = admin_client(world).get(f"/monev/daerah/{world.region.code}/rekap-monev.xlsx?tahun={YEAR}")

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'filename="rekap-monev-{world.region.code}-{YEAR}.xlsx"')
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook["Rekap Monev"].iter_rows(values_only=True))
    header = next(row for row in rows if row and row[0] == "No")
    column = {name: index for index, name in enumerate(header)}
    by_unit = {row[column["Unit Layanan"]]: row for row in rows if row and isinstance(row[0], int)}
    assert {name: row[column["Kepatuhan (%)"]] for name, row in by_unit.items()} == {
        "Loket Kecamatan": 87.5, "Loket Kelurahan": 6.25, "Loket Dinas": 6.25}
    kelurahan = by_unit["Loket Kelurahan"]
    assert kelurahan[column["SOP *"]] == "Sebagian" and kelurahan[column["Standar Pelayanan *"]] == "Tidak"
    assert kelurahan[column["Belum Dinilai"]] == 4  # the two automatic items are always filled in
    assert kelurahan[column["Dokumen Kunci Belum Terpenuhi"]] == "Standar Pelayanan, Maklumat Pelayanan dipajang"
    assert by_unit["Loket Kecamatan"][column["SKM dilaksanakan"]] == "Terpenuhi"
    assert by_unit["Loket Dinas"][column["SKM dilaksanakan"]] == "Sebagian"
    total = next(row for row in rows if row and row[1] == "Kepatuhan Kota Uji")
    assert total[column["Kepatuhan (%)"]] == pytest.approx(33.33)

    compare = [row for row in workbook["Monev dan IKM"].iter_rows(values_only=True) if row and isinstance(row[0], int)]
    assert [(row[1], row[2], row[3], row[4], row[5]) for row in compare] == [
        ("Loket Dinas", 6.25, 50.0, "D", "Lemah pada monev dan IKM"),
        ("Loket Kecamatan", 87.5, 100.0, "A", "Baik pada keduanya"),
        ("Loket Kelurahan", 6.25, None, None, "Belum ada IKM"),
    ]


def test_the_pdf_carries_the_same_numbers(recorded):
    world = recorded
    response = admin_client(world).get(f"/monev/daerah/{world.region.code}/rekap-monev.pdf?tahun={YEAR}")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "33,33%" in text
    assert "TAHUN 2025" in text
    lines = text.splitlines()
    compare_lines = [line for line in lines if line.startswith(("1 Loket", "2 Loket", "3 Loket"))]
    assert any(line.startswith("1 Loket Dinas Dinas Lain 6,25 50,00 D Lemah pada monev dan IKM")
               for line in compare_lines)
    assert any("Loket Kecamatan Kecamatan Uji 87,50 100,00 A Baik pada keduanya" in line for line in compare_lines)
    assert "87,50" in text and "6,25" in text
    assert "Standar Pelayanan, Maklumat Pelayanan dipajang" in text


def test_the_comparison_screen_puts_the_weakest_first_and_draws_them(recorded):
    world = recorded
    page = admin_client(world).get(f"/monev/daerah/{world.region.code}/monev-dan-ikm/?tahun={YEAR}")

    assert page.status_code == 200
    text = page.content.decode()
    order = [row.split('"')[0] for row in text.split('<tr data-unit="')[1:]]
    assert order == [world.other_unit.code, world.unit.code, world.sub_unit.code]
    assert 'data-quadrant="both_weak"' in text
    svg = text.split("<svg")[1].split("</svg>")[0]
    assert svg.count("<circle") == 2  # the unit without an IKM is not drawn
    assert "1. Loket Dinas: 6,25%, IKM 50,00" in svg and "2. Loket Kecamatan: 87,50%, IKM 100,00" in svg


def test_only_the_regions_admins_download_the_recap(recorded):
    world = recorded
    paths = [f"/monev/daerah/{world.region.code}/{name}?tahun={YEAR}"
             for name in ("rekap-monev.xlsx", "rekap-monev.pdf")]
    for name in ("operator", "agency_admin", "other_agency_admin", "stranger", "nobody"):
        client = Client()
        client.force_login(getattr(world, name))
        assert [client.get(path).status_code for path in paths] == [404, 404], name
    assert [Client().get(path).status_code for path in paths] == [302, 302]
