"""Document tables never split a row across pages, and repeat their header on every page: read back per page."""

import io
import re
from datetime import date

import pytest
from django.test import Client
from pypdf import PdfReader

from agencies.models import Population
from monev.services import checklist_ensure
from reports.documents.common import DocumentScope
from reports.documents.evaluation import evaluation_pdf
from reports.models import FollowUpPlan
from reports.periods import Period
from tests.factories import make_service, make_unit, submit

pytestmark = pytest.mark.django_db
ROWS = 36
FILLER = ("penataan ulang alur berkas di loket depan dan belakang, pelatihan petugas, papan informasi baru, "
          "serta pemantauan waktu tunggu setiap pekan oleh kepala seksi bersama pengawas internal")


def pages_of(data: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def page_holding(pages: list[str], token: str) -> int:
    """The page where the token first appears (a unit may be listed again in a later table)."""
    return next(number for number, text in enumerate(pages) if token in text)


def assert_rows_whole(pages, tokens_per_row, header):
    """Every row's first and last words are on one page, and every page that holds rows repeats the header."""
    holding = set()
    for tokens in tokens_per_row:
        where = {page_holding(pages, token) for token in tokens}
        assert len(where) == 1, f"row split across pages: {tokens} on pages {sorted(where)}"
        holding |= where
    assert len(holding) > 1, "the table should run over several pages for this check"
    for number in holding:
        # A narrow header cell may wrap ("Program/ Kegiatan"): compare without spaces.
        assert header.replace(" ", "") in pages[number].replace(" ", ""), f"no repeated header on page {number + 1}"


def test_the_evaluation_never_splits_a_follow_up_row_and_repeats_its_header(world):
    element = world.unit.questionnaire.elements.get(code="U3")
    for n in range(ROWS):
        unit = make_unit(world.agency, f"loket-{n:02d}", name=f"Loket {n:02d}")
        submit(unit, make_service(unit), [3] * 9)
        FollowUpPlan.objects.create(unit=unit, element=element, year=2026, quarter=2, status="planned",
                                    action=f"Awal{n:02d} {FILLER} Akhir{n:02d}", responsible=f"Penanggung{n:02d}",
                                    due_date=date(2026, 9, 30))
    pdf = evaluation_pdf(scope=DocumentScope.for_agency(world.agency, user=world.agency_admin),
                         period=Period.quarter(2026, 3))
    assert_rows_whole(pages_of(pdf), [(f"Awal{n:02d}", f"Akhir{n:02d}", f"Penanggung{n:02d}") for n in range(ROWS)],
                      header="Program/Kegiatan")


def test_the_monev_recap_never_splits_a_unit_row_and_repeats_its_header(world):
    checklist_ensure(region=world.region, year=2025)
    for n in range(ROWS):
        # Long names wrap over several lines, so a row is tall, as in a real region's recap.
        unit = make_unit(world.agency, f"puskesmas-{n:02d}",
                         name=f"Mula{n:02d} Unit Pelayanan Terpadu Satu Pintu Kecamatan Sukamaju Bagian Timur "
                              f"Ujung{n:02d}")
        Population.objects.create(unit=unit, year=2025, service_users=10)
    client = Client()
    client.force_login(world.region_admin)
    response = client.get(f"/monev/daerah/{world.region.code}/rekap-monev.pdf?tahun=2025")
    assert response.status_code == 200
    assert_rows_whole(pages_of(response.content), [(f"Mula{n:02d}", f"Ujung{n:02d}") for n in range(ROWS)],
                      header="Kepatuhan (%)")
