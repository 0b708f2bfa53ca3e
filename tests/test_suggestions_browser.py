"""A unit operator sees the themes most complained about on the dashboard, follows one to its complaints and
corrects a tag in the browser. With SKM_SCREENSHOTS=1 the section is written to
docs/screenshots/dashboard-themes.png."""

import os
import random
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from reports.periods import Period
from surveys.models import SuggestionTagCorrection
from tests.dashboard_helpers import PASSWORD
from tests.suggestion_helpers import add_responses

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "dashboard-themes.png"
COMPLAINTS = {
    "U3": ["Antre lama sekali, dari jam 8 baru dipanggil jam 11", "Nunggu KTP sudah 2 minggu belum jadi",
           "Prosesnya lambat, petugas loket cuma satu"],
    "U8": ["Ruang tunggu panas, kipas angin mati", "Toiletnya kotor dan tidak ada air", "Kursi tunggu kurang"],
    "U7": ["Petugas di loket 2 judes", "Satpam membentak warga yang bertanya"],
    "U1": ["Syarat fotokopi KK harus dilegalisir, repot"],
}
OTHERS = ["Petugas ramah dan cepat, terima kasih", "Mohon disediakan kotak saran", "Tidak ada saran", ""]


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "id-ID", "viewport": {"width": 1280, "height": 900}}


def fill(world):
    draw = random.Random(17)
    today = timezone.localdate()
    current = Period.containing(today)
    rows = []
    for code, weight in (("U3", 14), ("U8", 9), ("U7", 6), ("U1", 3)):
        for _ in range(weight):
            day = max(current.start, today - timedelta(days=draw.randrange(60)))
            rows.append((day, draw.choice(COMPLAINTS[code]), draw.choice([1, 2, 2, 3])))
    previous = current.previous()
    for code, weight in (("U3", 8), ("U8", 12), ("U7", 2)):
        rows += [(previous.start + timedelta(days=draw.randrange(60)), draw.choice(COMPLAINTS[code]), 2)
                 for _ in range(weight)]
    rows += [(max(current.start, today - timedelta(days=draw.randrange(60))), draw.choice(OTHERS), 4)
             for _ in range(30)]
    add_responses(world.unit, rows)
    return current


def test_the_dashboard_shows_the_top_complaint_themes_and_a_tag_is_corrected(page, live_server, world, tmp_path):
    fill(world)
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", world.operator.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/dasbor/unit/{world.unit.code}/")
    section = page.locator('[data-testid="complaint-themes"]')
    themes = section.locator('[data-testid="complaint-theme"]')
    assert themes.count() == 3
    assert themes.nth(0).inner_text().startswith("U3 Waktu Penyelesaian · 14 keluhan")
    assert "▲ +6 dibanding 8" in themes.nth(0).inner_text()
    assert themes.nth(1).inner_text().startswith("U8 Sarana dan Prasarana · 9 keluhan")
    assert "▼ -3 dibanding 12" in themes.nth(1).inner_text()
    quotes = themes.nth(0).locator("blockquote").all_inner_texts()
    assert len(quotes) == 2 and len(set(quotes)) == 2

    target = SCREENSHOT if os.environ.get("SKM_SCREENSHOTS") == "1" else tmp_path / SCREENSHOT.name
    section.screenshot(path=str(target))
    assert target.stat().st_size > 10_000

    themes.nth(2).locator("a").click()
    page.wait_for_url("**tema=U7**")
    items = page.locator('[data-testid="suggestions"] > li')
    assert items.count() == 6
    first = items.nth(0)
    first.locator("summary").click()
    first.locator('input[value="U6"]').check()
    first.locator('select[name="tone"]').select_option("keluhan")
    first.locator("button").click()
    page.wait_for_url("**tema=U7**")
    assert "Tema saran dikoreksi." in page.content()
    correction = SuggestionTagCorrection.objects.get()
    assert (correction.elements_before, correction.elements_after, correction.corrected_by) == (
        "U7", "U6 U7", world.operator)
    assert "U6 Kompetensi Pelaksana" in page.locator('[data-testid="suggestions"] > li').nth(0).inner_text()
