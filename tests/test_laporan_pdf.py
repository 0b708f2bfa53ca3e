"""The Laporan Hasil SKM, read back from the PDF."""

import re
from datetime import date

import pytest
from django.urls import reverse

from agencies.models import Population
from reports.documents.common import DocumentScope
from reports.documents.laporan import laporan_pdf
from reports.models import FollowUpPlan
from reports.periods import Period
from tests.documents_helpers import pdf_text, submit_example
from tests.factories import local, submit

pytestmark = pytest.mark.django_db
Q3 = Period.quarter(2026, 3)


def flat(text):
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def e2_unit(world):
    world.unit.head_name, world.unit.head_title, world.unit.head_nip = "Dra. Sri Wahyuni", "Camat Uji", "19700101 199003 2 001"
    world.unit.address = "Jl. Merdeka No. 1"
    world.unit.save()
    submit_example(world.unit, world.service, "E2-29-respondents", gender="L", age=34, education="SMA",
                   occupation="Swasta")
    Population.objects.create(unit=world.unit, year=2026, quarter=3, service_users=120)
    return world


def test_it_prints_the_engines_e2_numbers(e2_unit):
    text, pages = pdf_text(laporan_pdf(scope=DocumentScope.for_unit(e2_unit.unit), period=Q3))
    text = flat(text)
    assert 6 <= pages <= 20
    for label in ("LAPORAN HASIL", "SURVEI KEPUASAN MASYARAKAT", "BAB I", "PENDAHULUAN", "Dasar Hukum",
                  "BAB II", "PENGUMPULAN DATA", "Krejcie", "BAB III", "Profil Responden", "Karakteristik",
                  "BAB IV", "Rencana Tindak Lanjut", "Tren Nilai SKM", "BAB V", "KESIMPULAN",
                  "Kota Uji", "Kecamatan Uji", "Loket Kecamatan", "Triwulan III 2026"):
        assert label in text, label
    assert "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 14 Tahun 2017" in text
    # NRR per element with 3 decimals, half up, and the weighted NRR of U1 (105/29/9 = 0.40230)
    for nrr in ("3,621", "3,483", "3,448", "4,000", "3,517", "3,655", "3,966"):
        assert nrr in text, nrr
    assert "0,402" in text
    assert "Nilai IKM (Σ NRR Tertimbang) *) 3,659" in text
    assert "91,48" in text and "Sangat Baik" in text
    assert re.search(r"91,48 A", text)
    # population 120 needs 92 respondents; 29 is short of it
    assert re.search(r"120 92 29", text)
    assert "masih kurang dari sampel minimal" in text
    # weakest elements: U3 (3,448), U2 (3,483), U5 (3,517); strongest U4
    weakest = text[text.index("Tiga unsur dengan nilai terendah"):]
    assert weakest.index("U3 Waktu Penyelesaian") < weakest.index("U2 Sistem") < weakest.index("U5 Produk")
    assert "tertinggi adalah U4 Biaya/Tarif" in text
    assert "Dra. Sri Wahyuni" in text and "NIP. 19700101 199003 2 001" in text
    assert "Halaman 2 dari" in text


def test_it_shows_e3_with_blanks_as_c(world):
    submit_example(world.unit, world.service, "E3-blanks")
    text = flat(pdf_text(laporan_pdf(scope=DocumentScope.for_unit(world.unit), period=Q3))[0])
    assert "3,500" in text and "76,39" in text and "Kurang Baik" in text
    assert "3,056" in text  # IKM 3.0556 with 3 decimals
    assert "belum dicatat" in text  # no population recorded


def test_the_profile_table_counts_and_percentages(world):
    for gender, age in (("L", 19), ("P", 25), ("P", 61), ("P", None)):
        submit(world.unit, world.service, [3] * 9, answered_at=local(2026, 7, 1), gender=gender, age=age)
    text = flat(pdf_text(laporan_pdf(scope=DocumentScope.for_unit(world.unit), period=Q3))[0])
    assert "Jenis Kelamin Laki-laki 1 25,00 Perempuan 3 75,00" in text
    assert "< 20 1 25,00 20-29 1 25,00" in text and ">= 60 1 25,00 Tidak mengisi 1 25,00" in text


def test_follow_up_plans_and_suggestions_are_printed_escaped_and_wrapped(world):
    submit_example(world.unit, world.service, "E2-29-respondents")
    long_word = "sangat" * 60
    submit(world.unit, world.service, [4] * 9, answered_at=local(2026, 7, 20),
           suggestion=f"<b>antrean</b> & {long_word}")
    element = world.unit.questionnaire.elements.get(code="U3")
    FollowUpPlan.objects.create(unit=world.unit, element=element, year=2026, quarter=3,
                                action="Menambah loket pada jam sibuk", responsible="Kasi Pelayanan",
                                due_date=date(2026, 12, 31))
    data = laporan_pdf(scope=DocumentScope.for_unit(world.unit), period=Q3)
    text = flat(pdf_text(data)[0])
    assert "Menambah loket pada jam sibuk" in text and "TW IV 2026" in text and "Kasi Pelayanan" in text
    assert "Direncanakan" in text
    assert "<b>antrean</b> &" in text  # escaped: shown as the citizen typed it
    assert text.replace(" ", "").count("sangat") >= 58  # the word is there, wrapped over lines (and pages)
    import io

    import pdfplumber
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            assert all(0 <= char["x0"] and char["x1"] <= page.width for char in page.chars)


def test_an_agency_report_pools_its_units(world):
    submit_example(world.unit, world.service, "E3-blanks")
    submit(world.sub_unit, world.sub_unit.services.get(), [4] * 9, answered_at=local(2026, 8, 1))
    scope = DocumentScope.for_agency(world.agency, user=world.agency_admin)
    text = flat(pdf_text(laporan_pdf(scope=scope, period=Q3))[0])
    # U1: (4 + 3 + 4) / 3; the others (3 * 4 + 4) / 5 = 3.2 -> IKM (11/3 + 8 * 3.2) / 9
    assert "3,667" in text and "3,200" in text
    assert "Loket Kecamatan" in text and "Loket Kelurahan" in text
    assert "IKM per unit layanan" in text


def test_an_agency_report_samples_each_unit_from_its_own_population(world):
    from agencies.models import Population

    submit_example(world.unit, world.service, "E3-blanks")
    submit(world.sub_unit, world.sub_unit.services.get(), [4] * 9, answered_at=local(2026, 8, 1))
    Population.objects.create(unit=world.unit, year=2026, quarter=3, service_users=100)  # needs 80
    Population.objects.create(unit=world.sub_unit, year=2026, quarter=3, service_users=1)  # needs 1
    scope = DocumentScope.for_agency(world.agency, user=world.agency_admin)
    text = flat(pdf_text(laporan_pdf(scope=scope, period=Q3))[0])
    assert "1 dari 2 unit memenuhi sampel minimal" in text
    assert "Kecamatan Uji (termasuk 1 Kelurahan)" in text  # the document says what the agency's figures include
    assert "Loket Kecamatan 100 80 4 belum" in text and "Loket Kelurahan 1 1 1 ya" in text
    assert "101" not in text  # no pooled population, nor a pooled minimum shown as met
    assert "Jumlah responden telah memenuhi sampel minimal" not in text


def test_the_download_is_scoped(client, world):
    submit_example(world.unit, world.service, "E1-all-four")
    for name, kwargs in (("unit-laporan", {"unit_code": "loket-kecamatan"}),
                         ("agency-laporan", {"agency_code": "kecamatan-uji"})):
        url = reverse(f"documents:{name}", kwargs=kwargs) + "?period=2026-Q3"
        for outsider in (world.other_agency_admin, world.stranger, world.nobody):
            client.force_login(outsider)
            assert client.get(url).status_code == 404
        client.force_login(world.agency_admin)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert "100,00" in pdf_text(response.content)[0]
    client.force_login(world.operator)
    assert client.get(reverse("documents:unit-laporan", kwargs={"unit_code": "loket-kecamatan"})).status_code == 200
    assert client.get(reverse("documents:agency-laporan", kwargs={"agency_code": "kecamatan-uji"})).status_code == 404


def test_without_weasyprint_the_view_explains(client, world, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    client.force_login(world.agency_admin)
    response = client.get(reverse("documents:unit-laporan", kwargs={"unit_code": "loket-kecamatan"}))
    assert response.status_code == 503
    assert "PDF" in response.content.decode()
