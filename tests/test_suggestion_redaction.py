"""Personal data removed from a suggestion before it is stored, on every channel (issue 17, item 7)."""


import pytest
from django.test import Client

from surveys.kiosk import kiosk_create
from surveys.models import Channel, Response
from surveys.redaction import personal_data_redact
from tests.test_import import confirm, good_rows, upload, xlsx
from tests.test_kiosk_api import body, post
from tests.test_paper_entry import save, sheet
from tests.test_qr_survey import answer, send

PERSONAL = "Hubungi 0812-3456-7890 atau budi.santoso@gmail.com, NIK 3201012345670001, motor B 1234 XYZ"
REDACTED = "Hubungi [nomor telepon] atau [email], NIK [NIK], motor [nomor polisi]"
ORIGINALS = ("0812-3456-7890", "3456", "budi.santoso", "gmail", "3201012345670001", "1234 XYZ")


@pytest.mark.parametrize("text, expected", [
    ("hubungi saya 0812-3456-7890 ya", "hubungi saya [nomor telepon] ya"),
    ("wa 0812 3456 7890", "wa [nomor telepon]"),
    ("wa +62 812 3456 7890", "wa [nomor telepon]"),
    ("+6281234567890.", "[nomor telepon]."),
    ("nomor hp:081234567890", "nomor hp:[nomor telepon]"),
    ("62812345678", "[nomor telepon]"),
    ("telp kantor (0274) 512345", "telp kantor [nomor telepon]"),
    ("021-5551234", "[nomor telepon]"),
    ("NIK saya 3201012345670001 ditolak", "NIK saya [NIK] ditolak"),
    ("nik 3201 0123 4567 0001", "nik [NIK]"),
    ("nik 3201.0123.4567.0001", "nik [NIK]"),
    ("email budi.s+skm@mail.sukamaju.go.id tolong", "email [email] tolong"),
    ("motor B 1234 XYZ hilang", "motor [nomor polisi] hilang"),
    ("mobil AB1234CD", "mobil [nomor polisi]"),
    ("plat ad 4321 kb", "plat [nomor polisi]"),
    ("kendaraan D 12 AB", "kendaraan [nomor polisi]"),
])
def test_it_replaces_personal_data_by_a_marker(text, expected):
    assert personal_data_redact(text) == expected


@pytest.mark.parametrize("text", [
    "antre 2 jam", "Antre dari jam 08.30 sampai 11.45", "biaya Rp 50.000 padahal gratis", "Rp 1.500.000",
    "harga 150rb", "datang tanggal 12-08-2024", "2024-08-12", "05/12/2024 jam 9", "nomor antrean 0815",
    "loket 3 tutup jam 12.00", "tahun 2024 lalu 3 kali", "K3 nya kurang", "lulusan S1 dan D3",
    "e 2 kali datang", "nomor 1234567890123456789", "no rekening 1234567890", "umur 65 tahun, lantai 2",
    "antrean nomor 120 dari 300", "skor 3,5 dari 4", "ruang B 2", "RT 03 RW 05", "U7 jelek",
])
def test_it_leaves_ordinary_numbers_alone(text):
    assert personal_data_redact(text) == text


def assert_only_redacted_stored(key):
    stored = Response.objects.get(key=key)
    assert stored.suggestion == REDACTED
    for original in ORIGINALS:
        assert not Response.objects.filter(suggestion__contains=original).exists()
    return stored


def test_the_kiosk_api_stores_the_suggestion_without_personal_data(world):
    _kiosk, token = kiosk_create(unit=world.unit, name="Tablet", by=world.operator)
    data = body(world, suggestion=PERSONAL)
    assert post(token, data).status_code == 201
    assert assert_only_redacted_stored(data["key"]).channel == Channel.KIOSK


def test_the_qr_form_stores_the_suggestion_without_personal_data(world):
    data = answer(world, suggestion=PERSONAL)
    assert send(world.unit, data).status_code in (200, 201)
    assert assert_only_redacted_stored(data["key"]).channel == Channel.QR


def test_paper_entry_stores_the_suggestion_without_personal_data(world):
    row = sheet(suggestion=PERSONAL)
    assert save(Client(), world.unit, [row], world.operator).status_code == 200
    assert assert_only_redacted_stored(row["key"]).channel == Channel.PAPER


def test_an_import_stores_the_suggestion_without_personal_data(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rows = good_rows()
    rows[0][-1] = PERSONAL
    data = xlsx(rows)
    client = Client()
    client.force_login(world.operator)
    assert upload(client, world.unit, data).status_code in (200, 302)
    confirm(client, world.unit, data)
    stored = Response.objects.get(channel=Channel.IMPORT, suggestion__startswith="Hubungi")
    assert stored.suggestion == REDACTED
    assert not Response.objects.filter(suggestion__contains="3201012345670001").exists()
    # The uploaded file itself is kept only between the preview and the confirmation.
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []
