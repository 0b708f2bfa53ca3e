"""Publication: only published periods are public, the public pages need no login and show only the
converted IKM, grade, respondent count and trend."""

import re

import pytest
from django.urls import reverse

from reports.models import Publication
from tests.documents_helpers import pdf_text, submit_example
from tests.factories import local, submit

pytestmark = pytest.mark.django_db


def publish(client, user, period, region_code="kota-uji", action="publish"):
    client.force_login(user)
    response = client.post(reverse("documents:region-publication", kwargs={"region_code": region_code}),
                           {"period": period, "action": action, "confirmed": "yes"})
    client.logout()
    return response


@pytest.fixture
def results(world):
    submit_example(world.unit, world.service, "E2-29-respondents", suggestion="Petugas Budi lambat sekali")
    submit(world.unit, world.service, [3] * 9, answered_at=local(2026, 5, 4), gender="P", age=44)
    submit(world.other_unit, world.other_unit.services.get(), [2] * 9, answered_at=local(2026, 8, 4))
    return world


def test_nothing_is_public_before_publication(client, results):
    # The region's page (linked from staff pages) says nothing is published yet; a period's page does not exist.
    page = client.get(reverse("public:region", kwargs={"region_code": "kota-uji"}))
    assert page.status_code == 200 and "Belum ada hasil yang dipublikasikan." in page.content.decode()
    assert "Loket Kecamatan" not in page.content.decode()
    assert client.get(reverse("public:region", kwargs={"region_code": "tidak-ada"})).status_code == 404
    assert client.get(reverse("public:region-period", args=["kota-uji", "2026-Q3"])).status_code == 404
    assert client.get(reverse("public:notice", args=["kota-uji", "2026-Q3", "loket-kecamatan"])).status_code == 404
    assert "Kota Uji" not in client.get(reverse("public:index")).content.decode()


def test_a_published_period_is_public_without_login(client, results):
    assert publish(client, results.region_admin, "2026-Q3").status_code == 302
    assert Publication.objects.get().published_by == results.region_admin
    page = client.get(reverse("public:region", kwargs={"region_code": "kota-uji"})).content.decode()
    assert "Triwulan III 2026" in page and "Loket Kecamatan" in page and "91,48" in page
    assert "Sangat Baik" in page and "29" in page
    assert "Loket Dinas" in page and "50,00" in page
    assert "Budi" not in page and "Perempuan" not in page  # no suggestions, no profiles
    assert "Kota Uji" in client.get(reverse("public:index")).content.decode()
    # the previous quarter is not published, so it is neither shown nor part of the trend
    assert client.get(reverse("public:region-period", args=["kota-uji", "2026-Q2"])).status_code == 404
    assert "75,00" not in page


def test_the_trend_has_only_published_periods(client, results):
    publish(client, results.region_admin, "2026-Q2")
    publish(client, results.region_admin, "2026-Q3")
    page = client.get(reverse("public:region", kwargs={"region_code": "kota-uji"})).content.decode()
    assert re.search(r"TW II 2026: 75,00\s*→\s*TW III 2026: 91,48", page)
    notice = client.get(reverse("public:notice", args=["kota-uji", "2026-Q3", "loket-kecamatan"])).content.decode()
    assert "HASIL SURVEI KEPUASAN MASYARAKAT" in notice and "91,48" in notice and "Budi" not in notice


def test_the_notice_prints_as_an_a4_pdf(client, results):
    publish(client, results.region_admin, "2026-Q3")
    response = client.get(reverse("public:notice-pdf", args=["kota-uji", "2026-Q3", "loket-kecamatan"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text, pages = pdf_text(response.content)
    assert pages == 1
    text = re.sub(r"\s+", " ", text)
    assert "PEMERINTAH KOTA UJI" in text and "Loket Kecamatan" in text and "91,48" in text
    assert "Mutu Pelayanan A · Sangat Baik" in text and "Jumlah responden: 29" in text
    from pypdf import PdfReader
    import io
    box = PdfReader(io.BytesIO(response.content)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_withdrawing_hides_it_again(client, results):
    publish(client, results.region_admin, "2026-Q3")
    publish(client, results.region_admin, "2026-Q3", action="withdraw")
    assert not Publication.objects.exists()
    from agencies.models import AuditEvent
    assert list(AuditEvent.objects.order_by("at").values_list("action", "actor__username", "target")) == [
        ("results_published", "bagor", "Triwulan III 2026"), ("results_withdrawn", "bagor", "Triwulan III 2026")]
    page = client.get(reverse("public:region", kwargs={"region_code": "kota-uji"})).content.decode()
    assert "Belum ada hasil yang dipublikasikan." in page and "91,48" not in page
    assert client.get(reverse("public:region-period", args=["kota-uji", "2026-Q3"])).status_code == 404


def test_only_the_regions_admin_publishes(client, results):
    for user in (results.agency_admin, results.stranger, results.operator, results.nobody):
        assert publish(client, user, "2026-Q3").status_code == 404
    assert not Publication.objects.exists()
    client.force_login(results.region_admin)
    page = client.get(reverse("documents:region-publication", kwargs={"region_code": "kota-uji"}))
    assert page.status_code == 200
    refused = publish(client, results.region_admin, "2026-M07")  # a month: a form error on the page itself
    assert refused.status_code == 200 and "Pilih dari daftar periode" in refused.content.decode()
    assert not Publication.objects.exists()


def test_another_regions_publication_does_not_publish_this_one(client, results):
    publish(client, results.stranger, "2026-Q3", region_code="kota-lain")
    page = client.get(reverse("public:region", kwargs={"region_code": "kota-uji"})).content.decode()
    assert "Belum ada hasil yang dipublikasikan." in page and "91,48" not in page
    assert client.get(reverse("public:region-period", args=["kota-uji", "2026-Q3"])).status_code == 404
    assert client.get(reverse("public:notice", args=["kota-lain", "2026-Q3", "loket-kecamatan"])).status_code == 404


def test_the_dashboard_link_block_points_at_every_document(world):
    from django.template.loader import render_to_string

    from reports.periods import Period

    period = Period.quarter(2026, 3)
    unit_links = render_to_string("reports/_document_links.html",
                                  {"doc_kind": "unit", "doc_code": "loket-kecamatan", "doc_period": period})
    assert unit_links.count("?period=2026-Q3") == 4 and "/dokumen/unit/loket-kecamatan/laporan.pdf" in unit_links
    region_links = render_to_string("reports/_document_links.html",
                                    {"doc_kind": "region", "doc_code": "kota-uji", "doc_period": period})
    assert "/dokumen/daerah/kota-uji/rekap/?period=2026-Q3" in region_links and "/hasil/kota-uji/" in region_links
