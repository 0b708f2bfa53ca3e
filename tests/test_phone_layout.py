"""At a phone's 390 px: the public results keep the IKM on screen, and the QR survey's header shows the whole
unit name (wrapped, not cut off)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.documents_helpers import submit_example
from tests.factories import make_service, make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
LONG_NAME = "Loket Pelayanan Administrasi Kependudukan dan Pencatatan Sipil Kecamatan Uji"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}}


def test_the_public_results_keep_the_ikm_on_a_phone(page, live_server, world):
    unit = make_unit(world.agency, "loket-panjang", name=LONG_NAME)
    submit_example(unit, make_service(unit), "E2-29-respondents")
    client = Client()
    client.force_login(world.region_admin)
    client.post(reverse("documents:region-publication", kwargs={"region_code": world.region.code}),
                {"period": "2026-Q3", "action": "publish", "confirmed": "yes"})
    page.goto(f"{live_server.url}/hasil/{world.region.code}/")
    for ikm in (page.get_by_role("cell", name="91,48", exact=True), page.locator(".skm-region-figure b")):
        assert ikm.inner_text() == "91,48"  # the unit's row and the region's figure (its only unit)
        box = ikm.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_qr_survey_header_shows_the_whole_unit_name(page, live_server, world):
    unit = make_unit(world.agency, "loket-panjang", name=LONG_NAME)
    make_service(unit, "Surat Keterangan")
    page.goto(f"{live_server.url}/s/{unit.code}/")
    name = page.locator("#unit-name")
    name.wait_for()
    assert name.inner_text() == LONG_NAME
    fits = name.evaluate("e => e.scrollWidth <= e.clientWidth && e.getBoundingClientRect().right <= 390")
    assert fits
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
