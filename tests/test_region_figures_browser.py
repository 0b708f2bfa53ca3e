"""The region dashboard and the regional recap PDF of the same quarter show the same agency figures, as Bagian
Organisasi sees them. With SKM_SCREENSHOTS=1 it writes docs/screenshots/dashboard-region.png and
docs/screenshots/doc-recap-region.png (the recap's table page rendered from the real PDF)."""

import io
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from agencies.models import Region
from reports.documents.recap import recap_pdf
from reports.periods import Period

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def target(tmp_path, name: str) -> Path:
    return SCREENSHOTS / name if os.environ.get("SKM_SCREENSHOTS") == "1" else tmp_path / name


def test_the_region_dashboard_and_the_recap_show_the_same_agency_figures(page, live_server, tmp_path):
    import pdfplumber

    call_command("seed_demo", responses=800, seed=7, stdout=io.StringIO())
    quarter = Period.containing(timezone.localdate()).previous()
    region = Region.objects.get(code="sukamaju")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "bagor")
    page.fill("#id_password", "skm-demo-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/dasbor/daerah/{region.code}/")
    page.goto(f"{live_server.url}/dasbor/daerah/{region.code}/?period={quarter.slug}")
    page.click('[data-testid="table-links"] a:has-text("perangkat daerah")')
    page.wait_for_url("**/tabel/**jenis=opd**")
    row = page.locator('[data-testid="agency-table"] tr', has_text="Dinas Kesehatan").first
    cells = [cell.inner_text().strip() for cell in row.locator("td").all()]
    rank, respondents, converted = cells[0], cells[2], cells[4]
    assert "termasuk" in cells[1] and "Puskesmas" in cells[1]

    pdf = recap_pdf(region=region, period=quarter)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        table_page = next(found for found in document.pages if "Dinas Kesehatan" in (found.extract_text() or "")
                          and "Perangkat Daerah / Unit Layanan" in found.extract_text())
        text = " ".join(table_page.extract_text().split())
        table_page.to_image(resolution=110).save(str(target(tmp_path, "doc-recap-region.png")))
    # "N Dinas Kesehatan – – respondents ikm converted grade performance rank" (no pooled minimum)
    found = re.search(r"\d+ Dinas Kesehatan – – ([\d.]+) [\d,]+ (\d+,\d{2}) [A-D] "
                      r"(?:Sangat |Kurang |Tidak )?Baik (\d+)", text)
    assert found, text[:1500]
    assert found.groups() == (respondents, converted, rank)

    page.locator('[data-testid="agency-table"]').scroll_into_view_if_needed()
    shot = target(tmp_path, "dashboard-region.png")
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
