"""Spreadsheet import under hostile files: random bytes, damaged and truncated workbooks, CSV in odd encodings
and with odd delimiters, huge cells, files that only pretend to be tables, and zip bombs. The upload always
answers with a clear message, never a 500; nothing is stored before confirmation, and a confirmed file is
stored whole."""

import hashlib
import io
import itertools
import json
import os
import subprocess
import sys
import time
import tracemalloc
import zipfile
from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from surveys.imports import ImportRefused, import_file_check
from surveys.models import ImportBatch
from tests.hostile_helpers import NASTY, Tried, assert_nothing_half_written, hostile_settings, stored_counts

pytestmark = pytest.mark.django_db

HOSTILE = hostile_settings(50)
HEADER = ["tanggal", "layanan", "jenis_kelamin", "usia", "pendidikan", "pekerjaan",
          *[f"U{i}" for i in range(1, 10)], "saran"]
TRIED = Tried("spreadsheet import")


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    print(TRIED.report())


@pytest.fixture
def operator_client(client, world, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.operator)
    return client


def good_row(n: int = 0) -> list:
    day = (timezone.localdate() - timedelta(days=3 + n % 20)).isoformat()
    return [day, 1, "P", 30 + n % 50, "SMA", "Swasta", *[1 + (n + i) % 4 for i in range(9)], f"saran {n}"]


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD_XLSX = xlsx([good_row(n) for n in range(5)])


def upload(client, unit, data: bytes, name: str):
    return client.post(reverse("surveys_staff:import_upload", args=[unit.code]),
                       {"file": SimpleUploadedFile(name, data)})


def outcome_of(response) -> tuple[str, list[str]]:
    """("refused", messages) for a file refused as a whole, ("problems", messages) for rows and columns to fix,
    ("ready", []) for a file that awaits confirmation."""
    assert response.status_code in (200, 400), response.status_code
    context = response.context
    if response.status_code == 200:
        assert context["check"].rows and not context["check"].problems
        return "ready", []
    if "form" in context and context["form"].errors:
        messages = [str(message) for messages in context["form"].errors.values() for message in messages]
        return "refused", messages
    problems = context["check"].problems
    assert problems
    for problem in problems:
        assert problem.row >= 1 and problem.message.strip()
    return "problems", [problem.message for problem in problems]


def try_file(client, world, data: bytes, name: str):
    """Upload, and confirm a file the preview accepts: all of its rows are stored, or none."""
    before, batches = stored_counts(), ImportBatch.objects.count()
    response = upload(client, world.unit, data, name)
    outcome, messages = outcome_of(response)
    TRIED.outcome(outcome)
    assert all(message.strip() for message in messages)
    assert_nothing_half_written(before, stored=0)
    assert ImportBatch.objects.count() == batches
    if outcome == "ready":
        rows = len(response.context["check"].rows)
        confirmed = client.post(reverse("surveys_staff:import_confirm", args=[world.unit.code]),
                                {"sha256": hashlib.sha256(data).hexdigest()})
        assert confirmed.status_code == 302
        assert_nothing_half_written(before, stored=rows)
        assert ImportBatch.objects.count() == batches + 1
    return outcome, messages


# How other kinds of files begin: PDF, PNG, GIF, a program, an old .xls, gzip, 7z, zip, HTML, byte order marks.
MAGIC = st.sampled_from([b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"MZ\x90\x00",
                         b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x1f\x8b\x08", b"7z\xbc\xaf\x27\x1c", b"PK\x03\x04",
                         b"PK\x05\x06" + b"\x00" * 18,
                         b"<html><script>alert(1)</script>", b"\xef\xbb\xbf", b"\xff\xfe", b""])


@HOSTILE
@given(magic=MAGIC, tail=st.binary(max_size=2000), name=st.sampled_from(["data.xlsx", "data.csv", "x", "a.xls"]))
def test_random_bytes_are_refused_with_a_clear_message(operator_client, world, magic, tail, name):
    TRIED.add("random bytes")
    try_file(operator_client, world, magic + tail, name)


@HOSTILE
@given(data=st.data())
def test_a_damaged_or_truncated_workbook_is_refused_with_a_clear_message(operator_client, world, data):
    """Cut short anywhere, or a few bytes overwritten: never a 500, and never stored unless still whole."""
    TRIED.add("damaged xlsx")
    workbook = bytearray(GOOD_XLSX)
    if data.draw(st.booleans(), label="truncate"):
        workbook = workbook[:data.draw(st.integers(min_value=1, max_value=len(workbook) - 1), label="at")]
    else:
        for _ in range(data.draw(st.integers(min_value=1, max_value=8), label="flips")):
            at = data.draw(st.integers(min_value=0, max_value=len(workbook) - 1))
            workbook[at] = data.draw(st.integers(min_value=0, max_value=255))
    try_file(operator_client, world, bytes(workbook), "jawaban.xlsx")


def mangled_directory(*, version: bool = False, utf8_name: bool = False) -> bytes:
    """GOOD_XLSX with its first central directory entry claiming a zip version nobody has, or a name flagged
    as UTF-8 that is not."""
    data = bytearray(GOOD_XLSX)
    entry = data.index(b"PK\x01\x02")
    if version:
        data[entry + 6:entry + 8] = (99).to_bytes(2, "little")
    if utf8_name:
        flags = int.from_bytes(data[entry + 8:entry + 10], "little") | 0x800
        data[entry + 8:entry + 10] = flags.to_bytes(2, "little")
        data[entry + 46] = 0xFF
    return bytes(data)


@pytest.mark.parametrize("mangling", [{"version": True}, {"utf8_name": True}])
def test_a_workbook_with_a_mangled_directory_is_refused_as_damaged(operator_client, world, mangling):
    """Both gave a 500 before: zipfile raises NotImplementedError and UnicodeDecodeError for these."""
    outcome, messages = try_file(operator_client, world, mangled_directory(**mangling), "jawaban.xlsx")
    assert outcome == "refused" and messages[0].startswith("Berkas XLSX ini rusak dan tidak dapat dibaca.")


CELL = st.one_of(
    st.sampled_from(NASTY), st.text(max_size=40), st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.none(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.text(min_size=2000, max_size=10_000, alphabet=st.characters(codec="utf-8")),
)


def printable(value):
    """What openpyxl can write: no control characters or lone surrogates in text."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value).encode("utf-8", "replace").decode()
    return value


EXAMPLE_NUMBERS = itertools.count()


@HOSTILE
@given(rows=st.lists(st.lists(CELL, max_size=18), min_size=1, max_size=6), keep_good=st.booleans())
def test_hostile_cells_in_a_workbook_are_named_by_row_and_column(operator_client, world, rows, keep_good):
    TRIED.add("xlsx cells")
    rows = [[printable(value) for value in row] for row in rows]
    # A good row of its own in each example: a file identical to one confirmed by an earlier example (openpyxl
    # stamps the second) is rightly refused as already imported, which is not what this test is about.
    data = xlsx(([good_row(next(EXAMPLE_NUMBERS))] if keep_good else []) + rows)
    outcome, messages = try_file(operator_client, world, data, "jawaban.xlsx")
    if outcome == "refused":  # a value right of the last column: the file as a whole, but by row and column
        assert messages[0].startswith("Baris "), messages


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1", "shift_jis", "utf-32",
             "cp1256", "koi8-r"]


@HOSTILE
@given(rows=st.lists(st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=30)), max_size=18), max_size=6),
       keep_good=st.booleans(), delimiter=st.sampled_from([",", ";", "\t", "|", " "]),
       encoding=st.sampled_from(ENCODINGS), newline=st.sampled_from(["\n", "\r\n", "\r"]),
       huge=st.sampled_from([0, 0, 5_000, 140_000]))
def test_csv_in_odd_encodings_and_delimiters_is_read_or_refused_clearly(
        operator_client, world, rows, keep_good, delimiter, encoding, newline, huge):
    TRIED.add("csv")
    table = [HEADER] + ([[str(value) for value in good_row()]] if keep_good else []) + rows
    if huge:  # one cell larger than the CSV reader's field limit, or than any suggestion
        table.append([*[str(value) for value in good_row()][:-1], "x" * huge])
    text = newline.join(delimiter.join(f'"{cell}"' if delimiter in cell else cell for cell in row)
                        for row in table)
    data = text.encode(encoding, errors="replace")
    try_file(operator_client, world, data, "jawaban.csv")


def test_a_good_csv_with_semicolons_and_a_bom_is_imported(operator_client, world):
    text = "\r\n".join(";".join(str(value) for value in row) for row in [HEADER, good_row(1), good_row(2)])
    assert try_file(operator_client, world, text.encode("utf-8-sig"), "excel.csv") == ("ready", [])


# Zip bombs and runaway sheets. Each file is small on the wire; reading it naively would take gigabytes of
# memory or minutes of time. The reader must refuse it from the archive's directory, quickly.

def workbook_with_sheet(sheet_xml_chunks, *, compresslevel=9, strings_xml_chunks=None) -> bytes:
    """A real workbook whose first sheet's XML is replaced by the given chunks, written as a stream; with
    strings_xml_chunks, also a shared strings part (as Excel writes one) made of those."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        streamed = {"xl/worksheets/sheet1.xml": sheet_xml_chunks}
        if strings_xml_chunks is not None:
            streamed["xl/sharedStrings.xml"] = strings_xml_chunks
        for info in source.infolist():
            body = source.read(info.filename)
            if strings_xml_chunks is not None and info.filename == "[Content_Types].xml":
                body = body.replace(b"</Types>", STRINGS_TYPE + b"</Types>")
            if strings_xml_chunks is not None and info.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(b"</Relationships>", STRINGS_LINK + b"</Relationships>")
            if info.filename not in streamed:
                archive.writestr(info, body)
        for name, chunks in streamed.items():
            with archive.open(name, "w", force_zip64=True) as part:
                for chunk in chunks:
                    part.write(chunk)
    return out.getvalue()


STRINGS_TYPE = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                b'officedocument.spreadsheetml.sharedStrings+xml"/>')
STRINGS_LINK = (b'<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                b'relationships/sharedStrings" Target="sharedStrings.xml"/>')
STRINGS_OPEN = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main">')
SHEET_OPEN = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
              b'spreadsheetml/2006/main"><sheetData>')
SHEET_CLOSE = b"</sheetData></worksheet>"
HEADER_ROW_XML = b'<row r="1">' + b"".join(
    f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>'.encode() for i, name in enumerate(HEADER)
) + b"</row>"


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """About 250 MB of sheet XML (whitespace between the rows, which XML allows) packed into a few hundred KB."""
    blank = b" " * 2**20
    return workbook_with_sheet([SHEET_OPEN, HEADER_ROW_XML, *([blank] * 250), SHEET_CLOSE])


def check_quickly(world, data: bytes, name="bom.xlsx", *, memory=True):
    """import_file_check's refusal, with the time and (traced, which slows Python down) the memory it took."""
    if memory:
        tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(ImportRefused) as refused:
            import_file_check(unit=world.unit, data=data, filename=name)
    finally:
        elapsed = time.monotonic() - started
        _now, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return str(refused.value), elapsed, peak


def test_a_zip_bomb_workbook_is_refused_before_it_is_inflated(operator_client, world, zip_bomb):
    assert len(zip_bomb) < 2 * 2**20
    declared = sum(part.file_size for part in zipfile.ZipFile(io.BytesIO(zip_bomb)).infolist())
    assert declared > 200 * 2**20
    message, elapsed, peak = check_quickly(world, zip_bomb)
    assert message.startswith("Berkas XLSX ini terlalu besar setelah dibuka")
    assert elapsed < 2 and peak < 20 * 2**20, (elapsed, peak)
    outcome, messages = try_file(operator_client, world, zip_bomb, "bom.xlsx")
    assert outcome == "refused" and messages == [message]


def test_a_part_packed_far_too_tightly_is_refused_even_under_the_size_limit(world):
    """One 30 MB cell: within the size limit, but deflated about a thousand times over."""
    cell = [b'<row r="2"><c r="P2" t="inlineStr"><is><t>', b"4" * (30 * 2**20), b"</t></is></c></row>"]
    data = workbook_with_sheet([SHEET_OPEN, HEADER_ROW_XML, *cell, SHEET_CLOSE])
    message, elapsed, peak = check_quickly(world, data)
    assert message.startswith("Berkas XLSX ini terlalu besar setelah dibuka")
    assert elapsed < 2 and peak < 20 * 2**20, (elapsed, peak)


@pytest.mark.parametrize("row_number", [1_048_577, 2_000_000_000])
def test_a_row_numbered_past_excels_last_row_is_refused_quickly(world, row_number):
    """openpyxl makes up every missing row before a row's number; a row numbered in the billions would
    keep it busy for hours."""
    far = f'<row r="{row_number}"><c r="A{row_number}"><v>4</v></c></row>'.encode()
    data = workbook_with_sheet([SHEET_OPEN, HEADER_ROW_XML, far, SHEET_CLOSE])
    message, elapsed, _peak = check_quickly(world, data, memory=False)
    assert message == "Berkas berisi lebih dari 10000 baris; bagi menjadi beberapa berkas."
    assert elapsed < 5, elapsed


def many_rows(count: int):
    return (b"".join(f'<row r="{n}"><c r="G{n}"><v>4</v></c></row>'.encode() for n in range(start, start + 10_000))
            for start in range(2, count + 2, 10_000))


def test_a_huge_declared_dimension_is_refused_before_any_row_is_read(world):
    dimension = SHEET_OPEN.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>')
    data = workbook_with_sheet([dimension, HEADER_ROW_XML, *many_rows(20_000), SHEET_CLOSE])
    message, elapsed, peak = check_quickly(world, data)
    assert message == ("Lembar pertama berkas ini mencakup 1048575 baris isian; paling banyak 10000 baris, jadi "
                       "tidak dibaca. Hapus baris kosong di bawah data, atau bagi menjadi beberapa berkas.")
    assert elapsed < 2 and peak < 20 * 2**20, (elapsed, peak)


def test_a_dimension_that_understates_the_rows_does_not_let_them_through(world):
    """The declaration is only a first look: the rows are counted as they are read."""
    dimension = SHEET_OPEN.replace(b"<sheetData>", b'<dimension ref="A1:P2"/><sheetData>')
    data = workbook_with_sheet([dimension, HEADER_ROW_XML, *many_rows(300_000), SHEET_CLOSE])
    message, elapsed, peak = check_quickly(world, data)
    assert message == "Berkas berisi lebih dari 10000 baris; bagi menjadi beberapa berkas."
    assert elapsed < 10 and peak < 50 * 2**20, (elapsed, peak)


def numbered_strings(count: int, *, prefix: str = ""):
    """count distinct shared strings, in chunks: short ones cost openpyxl several times their size in memory."""
    for start in range(0, count, 10_000):
        yield "".join(f"<si><t>{prefix}{n:07d}</t></si>" for n in range(start, min(count, start + 10_000))).encode()


@pytest.fixture(scope="module")
def strings_bomb() -> bytes:
    """What the outside probe sent: under 3 MB on the wire, about 80 MB of distinct shared strings inside, packed
    only some 30 times over (within the ratio rule); openpyxl would hold them all, over 200 MB."""
    strings = [STRINGS_OPEN, *numbered_strings(1_000_000, prefix="saran " * 10), b"</sst>"]
    return workbook_with_sheet([SHEET_OPEN, HEADER_ROW_XML, SHEET_CLOSE], strings_xml_chunks=strings)


def test_a_workbook_that_unpacks_past_the_limit_is_refused_naming_the_limit(operator_client, world, strings_bomb):
    assert len(strings_bomb) < 3 * 2**20
    message, elapsed, peak = check_quickly(world, strings_bomb)
    assert message.startswith("Berkas XLSX ini terlalu besar setelah dibuka: 79,")
    assert "MB, paling besar 20,0 MB, jadi tidak dibaca." in message
    assert elapsed < 2 and peak < 20 * 2**20, (elapsed, peak)
    assert try_file(operator_client, world, strings_bomb, "bom.xlsx") == ("refused", [message])


def test_too_much_shared_text_is_refused_even_under_the_size_limit(world, settings):
    strings = [STRINGS_OPEN, *numbered_strings(400_000), b"</sst>"]  # 9 MB of short strings
    data = workbook_with_sheet([SHEET_OPEN, HEADER_ROW_XML, SHEET_CLOSE], strings_xml_chunks=strings)
    message, elapsed, peak = check_quickly(world, data)
    assert message == ("Teks dalam berkas XLSX ini terlalu besar setelah dibuka: 8,7 MB, paling besar 8,0 MB, jadi "
                       "tidak dibaca. Persingkat teks (misalnya saran) atau bagi menjadi beberapa berkas.")
    assert elapsed < 2 and peak < 20 * 2**20, (elapsed, peak)
    settings.IMPORT_MAX_SHARED_STRINGS_BYTES = 4 * 2**20  # the limits are settings
    assert "8,7 MB, paling besar 4,0 MB" in check_quickly(world, data, memory=False)[0]


def largest_accepted_workbook() -> bytes:
    """10,000 good rows (the row limit), each suggestion a shared string, and then as many short distinct strings
    as the shared strings limit lets in: the most memory an accepted import can take."""
    rows = [HEADER_ROW_XML]
    for n in range(10_000):
        r = n + 2
        cells = "".join(f'<c r="{chr(65 + i)}{r}"><v>{value}</v></c>' if isinstance(value, int)
                        else f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t>{value}</t></is></c>'
                        for i, value in enumerate(good_row(n)[:-1]))
        rows.append(f'<row r="{r}">{cells}<c r="P{r}" t="s"><v>{n}</v></c></row>'.encode())
    suggestions = "".join(f"<si><t>{good_row(n)[-1]}</t></si>" for n in range(10_000)).encode()
    room = 8 * 2**20 - len(STRINGS_OPEN) - len(suggestions) - len(b"</sst>")
    strings = [STRINGS_OPEN, suggestions, *numbered_strings(room // len(b"<si><t>0000000</t></si>")), b"</sst>"]
    return workbook_with_sheet([SHEET_OPEN, *rows, SHEET_CLOSE], strings_xml_chunks=strings)


# Runs in a fresh process, as a server's worker would: its resident memory before one import, and the peak
# during it (the kernel's high-water mark, reset first), for each file named on the command line.
MEASURE = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "skm.settings"
import django
django.setup()
from django.core.management import call_command
from surveys.imports import ImportRefused, import_file_check
from tests.factories import make_agency, make_region, make_service, make_unit
call_command("migrate", verbosity=0)
unit = make_unit(make_agency(make_region()), "loket-ukur")
make_service(unit, "Surat Keterangan")

def kilobytes(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field))

for path in sys.argv[1:]:
    data = open(path, "rb").read()
    base = kilobytes("VmRSS:")
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    try:
        check = import_file_check(unit=unit, data=data, filename="impor.xlsx")
        outcome = f"{len(check.rows)} rows, {len(check.problems)} problems"
    except ImportRefused as refused:
        outcome = str(refused)
    print(json.dumps({"outcome": outcome, "above_base_mb": (kilobytes("VmHWM:") - base) / 1024}))
"""


def test_one_import_stays_under_100_mb_above_the_processs_base(tmp_path, strings_bomb, settings):
    largest = largest_accepted_workbook()
    sizes = {part.filename: part.file_size for part in zipfile.ZipFile(io.BytesIO(largest)).infolist()}
    assert len(largest) < 5 * 2**20 and sum(sizes.values()) < 20 * 2**20
    assert 8 * 2**20 - 64 < sizes["xl/sharedStrings.xml"] <= 8 * 2**20
    (tmp_path / "largest.xlsx").write_bytes(largest)
    (tmp_path / "bomb.xlsx").write_bytes(strings_bomb)
    env = {**os.environ, "DATABASE_URL": "sqlite://:memory:", "SKM_VAR_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", MEASURE, str(tmp_path / "bomb.xlsx"), str(tmp_path / "largest.xlsx")],
                          cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    bomb, accepted = (json.loads(line) for line in done.stdout.splitlines())
    assert bomb["outcome"].startswith("Berkas XLSX ini terlalu besar setelah dibuka"), bomb
    assert accepted["outcome"] == "10000 rows, 0 problems", accepted
    print(f"memory above base: bomb {bomb['above_base_mb']:.0f} MB, "
          f"largest accepted {accepted['above_base_mb']:.0f} MB")
    assert bomb["above_base_mb"] < 10 and accepted["above_base_mb"] < 100, (bomb, accepted)


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(operator_client, world):
    data = b"PK\x03\x04" + b"\x00" * (5 * 2**20)
    outcome, messages = try_file(operator_client, world, data, "besar.xlsx")
    assert outcome == "refused" and messages == ["Berkas terlalu besar (5.0 MB); paling besar 5 MB."]
