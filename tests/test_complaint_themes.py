"""Top complaint themes on the dashboards and in the Laporan Hasil SKM (issue 17, item 9)."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.complaints import complaint_themes
from reports.documents.common import DocumentScope
from reports.documents.laporan import laporan_pdf
from reports.periods import Period
from surveys.models import Response
from tests.dashboard_helpers import by_testid, client_for, text
from tests.documents_helpers import pdf_text
from tests.suggestion_helpers import add_responses

pytestmark = pytest.mark.django_db
Q3 = Period.quarter(2026, 3)


@pytest.fixture
def complaints(world):
    july, august, may = date(2026, 7, 10), date(2026, 8, 20), date(2026, 5, 5)
    add_responses(world.unit, [
        *[(july, f"Antre lama sekali, nomor {n}", 2) for n in range(3)],
        (august, "Nunggu 4 jam belum dipanggil", 1),
        (august, "Lambat sekali prosesnya", 2),
        *[(july, "Toilet kotor dan bau", 2) for _ in range(2)],
        (august, "AC ruang tunggu mati", 2),
        (july, "Petugasnya judes", 1), (august, "Satpam galak", 2),
        (july, "Ada pungli di loket", 1),
        (july, "Pelayanan cepat, terima kasih", 4),  # praise about U3: no complaint
        *[(may, "Antrean lama", 2) for _ in range(2)],
        *[(may, "Toiletnya kotor", 2) for _ in range(4)],
    ])
    excluded = Response.objects.get(suggestion="Ada pungli di loket")
    excluded.excluded_at = excluded.answered_at
    excluded.save()
    add_responses(world.other_unit, [(july, "Parkir sempit dan panas sekali", 1)] * 6)
    return world


def test_the_three_most_complained_themes_with_counts_trend_and_two_newest_quotes(complaints):
    with CaptureQueriesContext(connection) as queries:
        found = complaint_themes(unit_ids=[complaints.unit.id], period=Q3)
    assert len(queries) <= 5  # two grouped counts and the quotes of three themes
    assert [(t.code, t.count, t.previous, t.change) for t in found] == [
        ("U3", 5, 2, 3), ("U8", 3, 4, -1), ("U7", 2, 0, 2)]
    assert found[0].label == "U3 Waktu Penyelesaian"
    assert found[0].quotes == ("Lambat sekali prosesnya", "Nunggu 4 jam belum dipanggil")
    assert found[1].quotes == ("AC ruang tunggu mati", "Toilet kotor dan bau")
    assert complaint_themes(unit_ids=[complaints.unit.id], period=Period.quarter(2026, 1)) == []


@pytest.mark.parametrize("kind, code, who", [
    ("unit", "loket-kecamatan", "operator"), ("agency", "kecamatan-uji", "agency_admin"),
    ("region", "kota-uji", "region_admin"),
])
def test_every_dashboard_shows_the_themes(complaints, kind, code, who):
    page = client_for(getattr(complaints, who)).get(
        reverse(f"reports:{kind}_dashboard", args=[code]), {"period": Q3.slug}).content.decode()
    themes = [text(item) for item in by_testid(page, "complaint-theme", all=True)]
    if kind == "agency":  # the agency holds the unit only, not the other agency's unit
        assert len(themes) == 3 and themes[0].startswith("U3 Waktu Penyelesaian · 5 keluhan")
    if kind == "region":  # six complaints about parking in another agency's unit come first
        assert themes[0].startswith("U8 Sarana dan Prasarana · 9 keluhan")
    if kind == "unit":
        assert themes[0].startswith("U3 Waktu Penyelesaian · 5 keluhan (▲ +3 dibanding 2 pada periode sebelumnya)")
        assert "“Lambat sekali prosesnya”" in themes[0] and "“Nunggu 4 jam belum dipanggil”" in themes[0]
        assert "▼ -1" in themes[1] and "Antre lama sekali, nomor 0" not in themes[0]
    assert "tema=U3&amp;nada=keluhan" in page


def test_the_laporan_has_a_section_on_themes_read_back_from_the_pdf(complaints):
    found, _pages = pdf_text(laporan_pdf(scope=DocumentScope.for_unit(complaints.unit), period=Q3))
    flat = re.sub(r"\s+", " ", found)
    section = flat[flat.index("E. Tema saran dan pengaduan"):]
    assert re.search(r"U3 Waktu Penyelesaian 5 2 \+3", section)
    assert re.search(r"U8 Sarana dan Prasarana 3 4 -1", section)
    assert re.search(r"U7 Perilaku Pelaksana 2 0 \+2", section)
    assert "Lambat sekali prosesnya" in section and "Petugasnya judes" in section
