"""Spreadsheet import: template, preview with every problem, then all rows or none, and each file once."""

import hashlib
import io
import os
import threading
import uuid
from datetime import datetime, time, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections  # noqa: F401 - connection is read by a skipif
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from surveys.imports import IMPORT_KEYS, IMPORT_MAX_BYTES, ImportRefused, import_confirm, import_pending_keep
from surveys.models import Channel, ImportBatch, Response
from surveys.tallies import tallies_differences
from tests.factories import make_service

pytestmark = pytest.mark.django_db
HEADER = ["tanggal", "layanan", "jenis_kelamin", "usia", "pendidikan", "pekerjaan",
          *[f"U{i}" for i in range(1, 10)], "saran"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def days_ago(n):
    return timezone.localdate() - timedelta(days=n)


def xlsx(rows, header=HEADER):
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def good_rows():
    midnight = datetime.combine(days_ago(5), time(0))  # how a date-formatted cell reads back
    return [
        [midnight, "Surat Keterangan", "P", 34, "SMA", "Swasta", 4, 4, 3, 3, 4, 3, 4, 3, 4, "Ruang tunggu sempit."],
        [days_ago(4).isoformat(), 1, "L", None, "5", "1", 3, 3, 3, 3, 3, 3, 3, 3, None, None],
        [datetime.combine(days_ago(3), time(9, 30)), "surat keterangan", None, 61.0, None, None,
         2, 2, 2, 2, 2, 2, 2, 2, 2, None],
    ]


def upload(client, unit, data, name="jawaban.xlsx"):
    return client.post(reverse("surveys_staff:import_upload", args=[unit.code]),
                       {"file": SimpleUploadedFile(name, data)})


def confirm(client, unit, data):
    return client.post(reverse("surveys_staff:import_confirm", args=[unit.code]),
                       {"sha256": hashlib.sha256(data).hexdigest()})


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_it_previews_a_good_xlsx_file_and_stores_it_on_confirmation(client, world):
    client.force_login(world.operator)
    data = xlsx(good_rows())
    sha256 = hashlib.sha256(data).hexdigest()

    preview = upload(client, world.unit, data)
    assert preview.status_code == 200
    assert "3 baris siap disimpan" in preview.content.decode() and not preview.context["check"].problems
    assert Response.objects.count() == 0 and default_storage.exists(f"imports/pending/{sha256}")

    done = confirm(client, world.unit, data)
    assert done.status_code == 302 and messages_of(done) == ["3 baris dari jawaban.xlsx tersimpan."]
    batch = ImportBatch.objects.get()
    assert (batch.unit, batch.sha256, batch.row_count, batch.imported_by, batch.filename) == (
        world.unit, sha256, 3, world.operator, "jawaban.xlsx")
    stored = list(Response.objects.filter(import_batch=batch).order_by("answered_at"))
    assert [r.channel for r in stored] == [Channel.IMPORT] * 3
    assert [r.key for r in stored] == [uuid.uuid5(IMPORT_KEYS, f"{world.unit.id}:{sha256}:{row}") for row in (2, 3, 4)]
    assert [timezone.localtime(r.answered_at).replace(tzinfo=None) for r in stored] == [
        datetime.combine(days_ago(5), time(12)), datetime.combine(days_ago(4), time(12)),
        datetime.combine(days_ago(3), time(9, 30))]
    assert [(r.gender, r.age, r.education, r.occupation) for r in stored] == [
        ("P", 34, "SMA", "Swasta"), ("L", None, "D1-D3", "PNS"), ("", 61, "", "")]
    assert [r.answers.count() for r in stored] == [9, 8, 9] and stored[0].suggestion == "Ruang tunggu sempit."
    assert {r.service for r in stored} == {world.service}
    assert tallies_differences() == []
    assert not default_storage.exists(f"imports/pending/{sha256}")


def test_it_imports_a_csv_file_written_by_excel_in_an_indonesian_locale(client, world):
    lines = [";".join(HEADER),
             f"{days_ago(2):%d/%m/%Y};1;P;45;D4/S1;Wirausaha;4;4;4;4;4;4;4;4;4;\"Petugas ramah; cepat\"",
             f"{days_ago(1):%d/%m/%Y} 08.15;Surat Keterangan;L;19;SMP;Lainnya;3;;3;3;3;3;3;3;3;"]
    data = "\r\n".join(lines).encode("cp1252")
    client.force_login(world.agency_admin)
    assert upload(client, world.unit, data, "jawaban.csv").status_code == 200
    assert confirm(client, world.unit, data).status_code == 302

    stored = list(Response.objects.order_by("answered_at"))
    assert [r.channel for r in stored] == [Channel.IMPORT] * 2
    assert stored[0].suggestion == "Petugas ramah; cepat" and stored[0].education == "D4/S1"
    assert timezone.localtime(stored[1].answered_at).replace(tzinfo=None) == datetime.combine(days_ago(1), time(8, 15))
    assert stored[1].answers.count() == 8 and tallies_differences() == []


def test_it_lists_every_problem_by_row_and_column_and_stores_nothing(client, world):
    future = timezone.localdate() + timedelta(days=2)
    good = good_rows()[0]
    rows = [
        good,
        [*good[:3], "tujuh", *good[4:8], 5, *good[9:]],  # row 3
        good,
        [future.strftime("%d/%m/%Y"), "Tidak Ada", *good[2:]],  # row 5
        [*good[:2], "X", *good[3:6], *[None] * 9, "hanya saran"],  # row 6
        [None] * len(HEADER),  # row 7: blank, skipped
        [*good[:4], "PhD", "Astronot", *good[6:]],  # row 8
        ["31/02/2026", *good[1:]],  # row 9
    ]
    client.force_login(world.operator)
    response = upload(client, world.unit, xlsx(rows))

    assert response.status_code == 400
    problems = [(p.row, p.letter, p.column) for p in response.context["check"].problems]
    assert problems == [
        (3, "D", "usia"), (3, "I", "U3"),
        (5, "A", "tanggal"), (5, "B", "layanan"),
        (6, "", "U1..U9"), (6, "C", "jenis_kelamin"),
        (8, "E", "pendidikan"), (8, "F", "pekerjaan"),
        (9, "A", "tanggal"),
    ]
    html = response.content.decode()
    assert "Ada 9 masalah" in html and "tanggal tidak boleh di masa depan" in html
    assert "layanan Tidak Ada tidak ada di daftar layanan unit ini" in html and "Simpan semua baris" not in html
    assert Response.objects.count() == 0 and ImportBatch.objects.count() == 0


def test_it_lists_every_header_problem(client, world):
    header = ["Tanggal", "Layanan", "umur", *[f"U{i}" for i in range(1, 8)], "U7", "saran"]
    client.force_login(world.operator)
    response = upload(client, world.unit, xlsx([], header))
    assert [(p.row, p.column) for p in response.context["check"].problems] == [
        (1, "umur"), (1, "U7"), (1, "U8"), (1, "U9")]


def test_it_refuses_the_same_file_twice_and_says_when_and_by_whom(client, world):
    data = xlsx(good_rows())
    client.force_login(world.operator)
    upload(client, world.unit, data)
    confirm(client, world.unit, data)
    batch = ImportBatch.objects.get()

    client.force_login(world.agency_admin)
    again = upload(client, world.unit, data)
    assert again.status_code == 400
    message = again.context["form"].errors["file"][0]
    when = timezone.localtime(batch.imported_at)
    assert message.startswith("Berkas ini sudah diimpor pada ") and "oleh operator (3 baris)" in message
    assert f"pada {when.day} " in message and f"{when:%Y %H.%M} oleh" in message

    import_pending_keep(data=data, sha256=batch.sha256)  # a second confirmation racing the first
    raced = confirm(client, world.unit, data)
    assert raced.status_code == 302 and messages_of(raced)[0].startswith("Berkas ini sudah diimpor pada ")
    assert Response.objects.count() == 3 and ImportBatch.objects.count() == 1 and tallies_differences() == []


def test_the_same_file_may_be_imported_for_another_unit_with_its_own_keys(client, world):
    data = xlsx(good_rows()[1:2])  # service by number: each unit's first service
    client.force_login(world.region_admin)
    for unit in (world.unit, world.other_unit):
        upload(client, unit, data)
        assert confirm(client, unit, data).status_code == 302
    assert Response.objects.filter(unit=world.other_unit).count() == 1 and Response.objects.count() == 2


def test_the_template_round_trips(client, world):
    make_service(world.unit, "Legalisir Dokumen")
    client.force_login(world.operator)
    response = client.get(reverse("surveys_staff:import_template", args=[world.unit.code]))
    assert response.status_code == 200 and "templat-impor-loket-kecamatan.xlsx" in response["Content-Disposition"]

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Data", "Petunjuk"]
    data_sheet, guide = workbook["Data"], workbook["Petunjuk"]
    assert [cell.value for cell in data_sheet[1]] == HEADER
    guide_rows = [tuple(cell.value for cell in row[:2]) for row in guide.iter_rows()]
    assert (1, "Surat Keterangan") in guide_rows and (2, "Legalisir Dokumen") in guide_rows
    assert (4, "SMA") in guide_rows and ("L", "Laki-laki") in guide_rows
    assert any(code == "U9" and "Dikelola dengan baik" in text for code, text in guide_rows)

    data_sheet.append([datetime.combine(days_ago(6), time(0)), 2, "P", 40, 4, 4, 4, 3, 4, 3, 4, 3, 4, 3, 4, "Baik"])
    data_sheet.append([datetime.combine(days_ago(6), time(0)), 1, "L", 22, 3, 5, 3, 3, 3, 3, 3, 3, 3, 3, 3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    filled = buffer.getvalue()

    assert upload(client, world.unit, filled, "templat-impor-loket-kecamatan.xlsx").status_code == 200
    assert confirm(client, world.unit, filled).status_code == 302
    assert sorted(Response.objects.values_list("service__name", "education", "occupation")) == [
        ("Legalisir Dokumen", "SMA", "Swasta"), ("Surat Keterangan", "SMP", "Wirausaha")]


def test_it_refuses_a_pdf_named_xlsx_with_a_clear_message(client, world):
    client.force_login(world.operator)
    response = upload(client, world.unit, b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "Berkas ini bukan lembar kerja XLSX atau CSV (mungkin PDF, gambar atau .xls lama). "
        "Simpan sebagai .xlsx atau .csv, lalu unggah lagi."]
    assert Response.objects.count() == 0


def test_it_refuses_an_oversized_file(client, world):
    client.force_login(world.operator)
    data = b",".join([b"4"] * (IMPORT_MAX_BYTES // 2 + 1))
    response = upload(client, world.unit, data, "besar.csv")
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["Berkas terlalu besar (5.0 MB); paling besar 5 MB."]
    assert Response.objects.count() == 0


def test_it_refuses_a_confirmation_without_a_kept_file(client, world):
    client.force_login(world.operator)
    response = confirm(client, world.unit, b"never uploaded")
    assert messages_of(response) == ["Berkas yang akan diimpor tidak ditemukan lagi di server; unggah ulang berkasnya."]
    response = client.post(reverse("surveys_staff:import_confirm", args=[world.unit.code]), {"sha256": "../x"})
    assert response.status_code == 302 and Response.objects.count() == 0


def test_a_previewed_file_waits_a_day_for_its_confirmation(tmp_path):
    import_pending_keep(data=b"old", sha256="a" * 64)
    import_pending_keep(data=b"recent", sha256="b" * 64)
    two_days_ago = (timezone.now() - timedelta(days=2)).timestamp()
    os.utime(tmp_path / "imports" / "pending" / ("a" * 64), (two_days_ago, two_days_ago))

    import_pending_keep(data=b"new", sha256="c" * 64)
    assert sorted(default_storage.listdir("imports/pending")[1]) == ["b" * 64, "c" * 64]


def test_it_checks_the_kept_file_again_on_confirmation(client, world):
    data = xlsx(good_rows())
    client.force_login(world.operator)
    upload(client, world.unit, data)
    world.service.is_active = False  # retired between preview and confirmation
    world.service.save()
    response = confirm(client, world.unit, data)
    assert response.status_code == 400 and len(response.context["check"].problems) == 3
    assert Response.objects.count() == 0 and ImportBatch.objects.count() == 0


@pytest.mark.parametrize("who, status", [("operator", 200), ("region_admin", 200), ("other_agency_admin", 404),
                                         ("stranger", 404), ("nobody", 404)])
def test_it_lets_only_staff_above_the_unit_in(client, world, who, status):
    client.force_login(getattr(world, who))
    for name in ("import_upload", "import_template"):
        assert client.get(reverse(f"surveys_staff:{name}", args=[world.unit.code])).status_code == status
    data = xlsx(good_rows())
    assert upload(client, world.unit, data).status_code == status
    assert confirm(client, world.unit, data).status_code == (302 if status == 200 else 404)
    assert Response.objects.count() == (3 if status == 200 else 0)


def test_it_sends_anonymous_visitors_to_the_login(client, world):
    for name in ("import_upload", "import_template", "import_confirm"):
        response = client.get(reverse(f"surveys_staff:{name}", args=[world.unit.code]))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="real concurrency needs PostgreSQL")
def test_two_confirmations_at_the_same_moment_store_the_file_once(world):
    data = xlsx(good_rows())
    sha256 = hashlib.sha256(data).hexdigest()
    import_pending_keep(data=data, sha256=sha256)
    start, outcomes = threading.Barrier(2), []

    def confirm_now():
        try:
            start.wait(timeout=10)
            outcomes.append(import_confirm(unit=world.unit, sha256=sha256, filename="jawaban.xlsx",
                                           user=world.operator))
        except ImportRefused as refused:
            outcomes.append(refused)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm_now) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["ImportBatch", "ImportRefused"]
    assert Response.objects.count() == 3 and ImportBatch.objects.count() == 1 and tallies_differences() == []
