"""Responses "dibantu petugas" (a staff member helped): their share on the dashboards and in the Laporan's method
section, counted over the period's counted respondents."""

import re

import pytest
from django.urls import reverse

from reports.documents.common import DocumentScope
from reports.documents.laporan import laporan_pdf
from reports.periods import Period
from surveys.models import Response
from surveys.services import response_exclude
from tests.dashboard_helpers import by_testid, client_for
from tests.documents_helpers import pdf_text
from tests.factories import local, submit

pytestmark = pytest.mark.django_db
Q3 = Period.quarter(2026, 3)


@pytest.fixture
def helped(world):
    """Eight counted respondents in 2026-Q3, two of them helped; one more helped but excluded, one in Q2."""
    for n in range(8):
        submit(world.unit, world.service, [3] * 9, answered_at=local(2026, 7, 1 + n), assisted=n < 2)
    excluded = submit(world.unit, world.service, [3] * 9, answered_at=local(2026, 8, 1), assisted=True)
    response_exclude(Response.objects.get(pk=excluded), by=world.region_admin)
    submit(world.unit, world.service, [3] * 9, answered_at=local(2026, 6, 1), assisted=True)
    return world


def test_the_unit_and_region_dashboards_show_the_share(helped):
    world = helped
    for user, url in ((world.operator, reverse("reports:unit_dashboard", args=[world.unit.code])),
                      # a region's first screen loads it with the second request
                      (world.region_admin, reverse("reports:region_details", args=[world.region.code]))):
        page = client_for(user).get(url, {"period": "2026-Q3"}).content.decode()
        assert by_testid(page, "assisted-share") == "Dibantu petugas: 2 dari 8 responden (25,0%)"


def test_the_dashboard_says_when_there_is_nobody_yet(world):
    page = client_for(world.operator).get(reverse("reports:unit_dashboard", args=[world.unit.code]),
                                          {"period": "2026-Q3"}).content.decode()
    assert by_testid(page, "assisted-share") == "Dibantu petugas: belum ada responden."


def test_the_laporan_method_section_reports_the_share(helped):
    text = re.sub(r"\s+", " ", pdf_text(laporan_pdf(scope=DocumentScope.for_unit(helped.unit), period=Q3))[0])
    method = text[text.index("B. Metode Pengumpulan Data"):text.index("C. Lokasi Pengumpulan Data")]
    assert "dengan bantuan petugas (dibantu petugas" in method
    assert "2 orang (25,00% dari seluruh responden)" in method
