"""Publication is deliberate and frozen: only finished periods with data, reviewed before confirming, marked
"sementara" when units are short; the public page and notice read a checksummed snapshot that later responses
do not change; a revision keeps the earlier version readable with what changed."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from agencies.models import Population
from reports.documents.publication import publication_intact, publication_snapshot, snapshot_checksum
from reports.models import Publication
from reports.periods import Period
from surveys.models import Questionnaire
from tests.documents_helpers import pdf_text, submit_example
from tests.factories import make_service, make_unit, submit

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 4, 21, 50, tzinfo=UTC)  # 04:50 WIB on 5 December


def page_url(region="kota-uji", period="2026-Q3"):
    return reverse("public:region-period", args=[region, period])


def staff_page(client, world, data=None):
    client.force_login(world.region_admin)
    url = reverse("documents:region-publication", args=[world.region.code])
    return client.post(url, data) if data is not None else client.get(url)


def publish(client, world, period="2026-Q3"):
    return staff_page(client, world, {"period": period, "action": "publish", "confirmed": "yes"})


@pytest.fixture
def results(world, frozen):
    frozen(NOW)
    submit_example(world.unit, world.service, "E2-29-respondents")  # 29 respondents, IKM 91,48 in July 2026
    Population.objects.create(unit=world.unit, year=2026, quarter=3, service_users=100)  # needs 80
    submit(world.other_unit, world.other_unit.services.get(), [2] * 9, answered_at=datetime(2026, 8, 4, 3, tzinfo=UTC))
    Population.objects.create(unit=world.other_unit, year=2026, quarter=3, service_users=1)  # needs 1
    return world


def test_only_finished_periods_with_data_are_offered_and_accepted(client, world, frozen):
    frozen(datetime(2026, 8, 15, 3, tzinfo=UTC))  # Q3 2026 is running
    submit(world.unit, world.service, [3] * 9, answered_at=datetime(2026, 5, 4, 3, tzinfo=UTC))
    submit(world.unit, world.service, [3] * 9, answered_at=datetime(2026, 8, 4, 3, tzinfo=UTC))
    page = staff_page(client, world)
    assert [label for _slug, label in page.context["form"].fields["period"].choices] == ["Triwulan II 2026"]
    assert 'name="period"' in page.content.decode() and "<select" in page.content.decode()
    for refused in ("2026-Q3", "2026", "2030-Q1", "2026-Q1", "Triwulan III 2026", ""):
        answer = publish(client, world, refused)
        assert answer.status_code == 200, refused  # the page again with the error, never a bare 400
        assert answer.context["form"].errors["period"], refused
    assert not Publication.objects.exists()
    assert publish(client, world, "2026-Q2").status_code == 302
    assert Publication.objects.get().quarter == 2
    # a published period is no longer offered for a first publication
    assert staff_page(client, world).context["form"].fields["period"].choices == []


def test_the_review_lists_short_and_empty_units_and_the_publication_is_provisional(client, results):
    review = staff_page(client, results, {"period": "2026-Q3", "action": "review"})
    text = re.sub(r"\s+", " ", review.content.decode())
    assert review.status_code == 200 and not Publication.objects.exists()  # nothing published before confirming
    assert "Unit di bawah sampel minimal" in text and "Loket Kecamatan: 29 dari minimal 80 responden" in text
    assert "Unit tanpa data" in text and "Loket Kelurahan" in text
    assert "Loket Dinas" not in text.split("Unit di bawah sampel minimal")[1].split("Unit tanpa data")[0]
    assert 'name="confirmed" value="yes"' in text
    publish(client, results)
    publication = Publication.objects.get()
    assert publication.provisional and publication.snapshot["short"] == ["loket-kecamatan"]
    assert "loket-kelurahan" in publication.snapshot["empty"]
    page = re.sub(r"\s+", " ", client.get(page_url()).content.decode())
    assert "sementara" in page and "Unit di bawah sampel minimal: Loket Kecamatan" in page
    notice = client.get(reverse("public:notice-pdf", args=["kota-uji", "2026-Q3", "loket-kecamatan"]))
    assert "(SEMENTARA)" in pdf_text(notice.content)[0]


def figures(html: str) -> str:
    """The public page without what is not a figure (the login/CSRF bits of the layout)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_a_late_response_changes_nothing_published_until_a_revision(client, results, frozen):
    publish(client, results)
    client.logout()
    notice_url = reverse("public:notice-pdf", args=["kota-uji", "2026-Q3", "loket-kecamatan"])
    page_before, pdf_before = client.get(page_url()).content.decode(), pdf_text(client.get(notice_url).content)[0]
    assert "91,48" in page_before and "91,48" in pdf_before
    # a kiosk that was offline delivers a July response two days later
    frozen(datetime(2026, 12, 6, 3, tzinfo=UTC))
    submit(results.unit, results.service, [1] * 9, answered_at=datetime(2026, 7, 20, 3, tzinfo=UTC))
    assert figures(client.get(page_url()).content.decode()) == figures(page_before)
    assert pdf_text(client.get(notice_url).content)[0] == pdf_before
    staff = staff_page(client, results).content.decode()
    assert "1 respons masuk setelah publikasi" in staff and 'value="revise"' in staff
    # the revision: a new version, the first one kept and readable with what changed
    assert staff_page(client, results, {"period": "2026-Q3", "action": "revise"}).status_code == 302
    assert list(Publication.objects.order_by("revision").values_list("revision", flat=True)) == [1, 2]
    client.logout()
    latest = re.sub(r"\s+", " ", client.get(page_url()).content.decode())
    assert "Versi 2 menggantikan versi 1" in latest and "Loket Kecamatan: responden 29 → 30" in latest
    assert "91,48" not in latest.split("<table")[1]
    first = client.get(page_url(), {"versi": 1}).content.decode()
    assert "91,48" in first and "telah diganti oleh versi yang lebih baru" in first
    assert pdf_text(client.get(notice_url, {"versi": 1}).content)[0] == pdf_before
    assert client.get(page_url(), {"versi": 3}).status_code == 404
    # nothing new since version 2: no third version
    staff_page(client, results, {"period": "2026-Q3", "action": "revise"})
    assert Publication.objects.count() == 2


def test_the_checksum_detects_a_changed_snapshot(client, results):
    publish(client, results)
    publication = Publication.objects.get()
    assert publication_intact(publication)
    assert publication.checksum == snapshot_checksum(publication_snapshot(region=results.region,
                                                                          period=Period.quarter(2026, 3)))
    snapshot = publication.snapshot
    snapshot["units"][0]["groups"][0]["converted"] = "99.99"
    Publication.objects.filter(pk=publication.pk).update(snapshot=snapshot)
    publication.refresh_from_db()
    assert not publication_intact(publication)
    client.logout()
    page = client.get(page_url())
    assert page.status_code == 409 and "tidak cocok dengan checksum" in page.content.decode()
    assert "99,99" not in page.content.decode()
    assert client.get(reverse("public:notice-pdf", args=["kota-uji", "2026-Q3", "loket-kecamatan"])).status_code == 409


def test_groups_unanswered_elements_and_the_2004_regulation_on_the_public_page(client, results):
    old = Questionnaire.objects.get(code="kepmenpan-25-2004")
    unit_2004 = make_unit(results.agency, "loket-lama", name="Loket Lama", questionnaire=old)
    submit(unit_2004, make_service(unit_2004), [4] * 14, answered_at=datetime(2026, 8, 5, 3, tzinfo=UTC))
    # a unit whose only sheet left U9 blank
    blank = make_unit(results.agency, "loket-kosong", name="Loket Kosong")
    submit(blank, make_service(blank), [3] * 8 + [None], answered_at=datetime(2026, 8, 5, 3, tzinfo=UTC))
    # the unit changes questionnaire within the period: two groups
    results.unit.questionnaire = old
    results.unit.save()
    submit(results.unit, results.service, [3] * 14, answered_at=datetime(2026, 9, 1, 3, tzinfo=UTC))
    publish(client, results)
    client.logout()
    page = re.sub(r"\s+", " ", client.get(page_url()).content.decode())
    assert "tidak dapat dihitung (U9 belum ada jawaban)" in page
    assert "Mutu pelayanan menurut Kepmenpan 25/2004" in page and "81,26 – 100,00" in page
    assert "Mutu pelayanan menurut Permenpan RB 14/2017" in page and "88,31 – 100,00" in page
    kecamatan = page.split('rowspan="2">Loket Kecamatan</td>')[1].split("Loket Kosong")[0]  # next row
    assert "Permenpan RB 14/2017" in kecamatan and "Kepmenpan 25/2004" in kecamatan and "91,48" in kecamatan
    notice = re.sub(r"\s+", " ", pdf_text(client.get(
        reverse("public:notice-pdf", args=["kota-uji", "2026-Q3", "loket-lama"])).content)[0])
    assert "Keputusan Menteri Pendayagunaan Aparatur Negara Nomor KEP/25/M.PAN/2/2004" in notice
    assert "14 Tahun 2017" not in notice and "81,26 – 100,00" in notice


def test_the_laporan_states_the_publication_status(client, results):
    client.force_login(results.region_admin)
    url = reverse("documents:unit-laporan", args=["loket-kecamatan"])
    before = re.sub(r"\s+", " ", pdf_text(client.get(url, {"period": "2026-Q3"}).content)[0])
    assert "Hasil periode ini belum dipublikasikan." in before and "dipublikasikan kepada masyarakat" not in before
    publish(client, results)
    after = re.sub(r"\s+", " ", pdf_text(client.get(url, {"period": "2026-Q3"}).content)[0])
    assert "Hasil periode ini dipublikasikan pada 5 Desember 2026 sebagai hasil sementara." in after
