"""Documents built in the background: the recap and large exports, their progress page, and the download
kept for a while and scoped to whoever may see the region, agency or unit."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from reports import views_documents
from reports.models import GeneratedDocument
from tests.documents_helpers import pdf_text, submit_example

pytestmark = pytest.mark.django_db


def recap_url(region_code="kota-uji"):
    return reverse("documents:region-recap", kwargs={"region_code": region_code})


def test_a_region_admin_builds_the_recap_and_downloads_it_again(client, world):
    submit_example(world.unit, world.service, "E2-29-respondents")
    client.force_login(world.region_admin)
    response = client.post(recap_url(), {"period": "2026-Q3", "format": "xlsx"})
    document = GeneratedDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "documents:document-status", kwargs={"document_id": document.id})
    assert document.status == "done" and document.progress == 100 and document.requested_by == world.region_admin
    assert document.expires_at > timezone.now() + timedelta(days=6)
    page = client.get(response["Location"]).content.decode()
    assert "Dokumen siap" in page and 'http-equiv="refresh"' not in page
    download = reverse("documents:document-download", kwargs={"document_id": document.id})
    for _ in range(2):  # kept: downloadable again
        got = client.get(download)
        assert got.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(got.streaming_content)))["Rekap"]
        assert any(row[1] == "    Loket Kecamatan" and row[7] == 91.48 for row in sheet.iter_rows(values_only=True))
    assert "Rekap SKM daerah (Excel)" in client.get(recap_url()).content.decode()


def test_the_recap_pdf_is_built_too(client, world):
    submit_example(world.unit, world.service, "E2-29-respondents")
    client.force_login(world.region_admin)
    client.post(recap_url(), {"period": "2026-Q3", "format": "pdf"})
    document = GeneratedDocument.objects.get()
    got = client.get(reverse("documents:document-download", kwargs={"document_id": document.id}))
    assert got["Content-Type"] == "application/pdf"
    assert "91,48" in pdf_text(b"".join(got.streaming_content))[0]


def test_a_pending_document_shows_progress_and_refreshes(client, world):
    document = GeneratedDocument.objects.create(kind="recap_xlsx", region=world.region, period="2026-Q3",
                                                progress=40, status="running",
                                                expires_at=timezone.now() + timedelta(days=7))
    client.force_login(world.region_admin)
    page = client.get(reverse("documents:document-status", kwargs={"document_id": document.id})).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page and 'value="40"' in page
    assert "<script>" not in page
    assert client.get(reverse("documents:document-download", kwargs={"document_id": document.id})).status_code == 404


def test_documents_are_scoped_and_expire(client, world):
    submit_example(world.unit, world.service, "E1-all-four")
    client.force_login(world.region_admin)
    client.post(recap_url(), {"period": "2026-Q3", "format": "xlsx"})
    document = GeneratedDocument.objects.get()
    urls = [reverse(f"documents:{name}", kwargs={"document_id": document.id})
            for name in ("document-status", "document-download")]
    for outsider in (world.agency_admin, world.stranger, world.nobody, world.operator):
        client.force_login(outsider)
        assert [client.get(url).status_code for url in urls] == [404, 404]
        assert client.post(recap_url(), {"period": "2026-Q3", "format": "xlsx"}).status_code == 404
    client.force_login(world.stranger)
    assert client.get(recap_url()).status_code == 404
    GeneratedDocument.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(world.region_admin)
    assert client.get(urls[1]).status_code == 404
    client.post(recap_url(), {"period": "2026-Q3", "format": "pdf"})  # the next task purges expired files
    assert list(GeneratedDocument.objects.values_list("kind", flat=True)) == ["recap_pdf"]


def test_a_large_export_goes_to_the_background(client, world, monkeypatch):
    submit_example(world.unit, world.service, "E3-blanks")
    monkeypatch.setattr(views_documents, "LARGE_EXPORT", 3)
    client.force_login(world.agency_admin)
    url = reverse("documents:agency-responses-export", kwargs={"agency_code": "kecamatan-uji"}) + "?period=2026-Q3"
    page = client.get(url)
    assert page.status_code == 200 and "dibuat di latar belakang" in page.content.decode()
    response = client.post(url, {"period": "2026-Q3"})
    document = GeneratedDocument.objects.get()
    assert document.agency == world.agency and document.status == "done"
    got = client.get(reverse("documents:document-download", kwargs={"document_id": document.id}))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(got.streaming_content)))["Data Responden"]
    assert sheet.max_row == 2 + 4
    assert response.status_code == 302
    client.force_login(world.other_agency_admin)
    assert client.get(reverse("documents:document-download", kwargs={"document_id": document.id})).status_code == 404


def test_an_unknown_format_is_a_clear_message(client, world):
    client.force_login(world.region_admin)
    response = client.post(recap_url(), {"period": "2026-Q3", "format": "doc"})
    assert response.status_code == 400 and "Excel atau PDF" in response.content.decode()
    assert not GeneratedDocument.objects.exists()
