"""In a real browser: a unit operator finds the monev from the dashboard and attaches a photo; the evaluator
records the finding, sees the compliance rise and downloads the recap."""

import io
import os
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from monev.models import Assessment, Evidence
from tests.dashboard_helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x01" * 64
SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "monev-unit.png"


def sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_an_operator_attaches_evidence_and_the_evaluator_records_the_finding(page, live_server, world, tmp_path):
    year = timezone.localdate().year
    sign_in(page, live_server, world.operator.username)
    page.wait_for_url(f"**/dasbor/unit/{world.unit.code}/**")
    page.click('[data-testid="monev-status"] a')
    page.wait_for_url(f"**/monev/unit/{world.unit.code}/?tahun={year}")
    sop = page.locator("section[data-item]", has=page.locator("h2", has_text="1. SOP"))
    assert "Belum dinilai" in sop.inner_text()
    assert sop.locator("select").count() == 0  # no evaluator's form for the unit's own staff

    sop.locator("input[type=file]").set_input_files(
        files=[{"name": "sop-loket.png", "mimeType": "image/png", "buffer": PNG}])
    sop.locator("button", has_text="Unggah bukti").click()
    page.wait_for_url(f"**/monev/unit/{world.unit.code}/?tahun={year}")
    assert "Bukti “sop-loket.png” disimpan" in page.locator(".alert-success").inner_text()
    assert Evidence.objects.get().original_name == "sop-loket.png"

    sign_in(page, live_server, world.region_admin.username)
    page.goto(f"{live_server.url}/monev/unit/{world.unit.code}/?tahun={year}")
    assert page.locator('[data-testid="compliance"]').inner_text() == "0,00%"
    sop = page.locator("section[data-item]", has=page.locator("h2", has_text="1. SOP"))
    sop.locator("select").select_option("met")
    sop.locator("textarea").fill("SOP ditandatangani kepala dinas, dipajang di loket.")
    sop.locator("button", has_text="Simpan penilaian").click()
    page.wait_for_url(f"**/monev/unit/{world.unit.code}/?tahun={year}")
    assert page.locator('[data-testid="compliance"]').inner_text() == "12,50%"  # 1 of 8 items
    assert Assessment.objects.get().status == "met"
    assert page.locator("script:not([src])").count() == 0

    target = SCREENSHOT if os.environ.get("SKM_SCREENSHOTS") == "1" else tmp_path / SCREENSHOT.name
    page.screenshot(path=str(target), full_page=True)

    page.goto(f"{live_server.url}/monev/daerah/{world.region.code}/?tahun={year}")
    with page.expect_download() as download:
        page.click("text=Rekap monev (Excel)")
    rows = list(load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))["Rekap Monev"]
                .iter_rows(values_only=True))
    assert next(row for row in rows if row and row[2] == world.unit.name)[-3] == 12.5
