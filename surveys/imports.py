"""Importing a spreadsheet of collected sheets for a unit: template, check (preview), then store all or none.

The file is read by surveys.matrix.read_table and every row by surveys.paper.sheet_row_validate, the rules
the paper grid uses. The same file is imported once per unit: ImportBatch.sha256 is unique per unit, and
each row's key is derived from the unit, the file's hash and the row, so even two confirmations racing
each other cannot store a row twice.
"""

import hashlib
import io
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from reports.documents.workbooks import sheet_cell
from surveys import official
from surveys.matrix import MatrixError, read_table
from surveys.models import Channel, ImportBatch
from surveys.paper import SheetLegend, cell_text, sheet_row_validate
from surveys.services import NewResponse, responses_submit_many
from surveys.validation import ResponseInvalid, UnitForm

IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 10_000
PENDING_DIR = "imports/pending"
PENDING_KEPT = timedelta(days=1)  # a previewed file waits this long for its confirmation
# Namespace of the keys of imported rows: uuid5(namespace, "<unit id>:<file sha256>:<row>").
IMPORT_KEYS = uuid.UUID("6f1d2c1e-5a53-4c1b-9a57-3b1f0d6c2e90")
TEMPLATE_ROWS = 1000  # rows of the template that carry the input checks

# The template's columns before and after the element columns U1..Un, and the sheet field each holds.
LEADING_COLUMNS = {"tanggal": "date", "layanan": "service", "jenis_kelamin": "gender", "usia": "age",
                   "pendidikan": "education", "pekerjaan": "occupation"}
TRAILING_COLUMNS = {"saran": "suggestion"}
REQUIRED_COLUMNS = ("tanggal", "layanan")


class ImportRefused(ValueError):
    """The file as a whole cannot be imported (not a table, too big, already imported...)."""

    def __init__(self, message: str, *, batch: ImportBatch | None = None):
        super().__init__(message)
        self.batch = batch


@dataclass(frozen=True)
class ImportProblem:
    row: int  # the spreadsheet row; the header is row 1
    column: str  # the column's header as in the file (or the element span for a row without answers)
    letter: str  # the column's letter in a spreadsheet, blank for a whole row
    message: str


@dataclass(frozen=True)
class ImportCheck:
    """What a file would import: the rows ready to store, or every problem found."""

    filename: str
    sha256: str
    rows: tuple[NewResponse, ...] = ()
    problems: tuple[ImportProblem, ...] = ()
    service_counts: tuple[tuple[str, int], ...] = ()

    @property
    def first_day(self):
        return min(timezone.localdate(new.answered_at) for new in self.rows) if self.rows else None

    @property
    def last_day(self):
        return max(timezone.localdate(new.answered_at) for new in self.rows) if self.rows else None


class ImportInvalid(ValueError):
    def __init__(self, check: ImportCheck):
        super().__init__(_("%(n)s masalah dalam berkas") % {"n": len(check.problems)})
        self.check = check


def _column_key(name: str) -> str:
    return "_".join(name.replace("-", " ").split()).casefold()


def import_columns(*, unit) -> list[str]:
    codes = list(unit.questionnaire.elements.order_by("position").values_list("code", flat=True))
    return [*LEADING_COLUMNS, *codes, *TRAILING_COLUMNS]


def import_file_check(*, unit, data: bytes, filename: str, now: datetime | None = None) -> ImportCheck:
    """Read an uploaded file and check every row; raises ImportRefused when the file itself is refused."""
    if len(data) > IMPORT_MAX_BYTES:
        raise ImportRefused(_("Berkas terlalu besar (paling besar %(mb)s MB).") % {"mb": IMPORT_MAX_BYTES // 2**20})
    sha256 = hashlib.sha256(data).hexdigest()
    already = ImportBatch.objects.filter(unit=unit, sha256=sha256).select_related("imported_by").first()
    if already:
        raise ImportRefused(_already_message(already), batch=already)
    try:
        table = read_table(data, filename, max_rows=IMPORT_MAX_ROWS, max_unpacked=settings.IMPORT_MAX_UNPACKED_BYTES,
                           max_strings_unpacked=settings.IMPORT_MAX_SHARED_STRINGS_BYTES)
    except MatrixError as error:
        raise ImportRefused(_matrix_message(error)) from error

    form, legend = UnitForm.load(unit), SheetLegend.load(unit)
    element_codes = [element.code for element in form.elements]
    columns, problems = _header_fields(table.header, element_codes)
    if problems:
        return ImportCheck(filename=filename, sha256=sha256, problems=tuple(problems))

    now = now or timezone.now()
    fields = {name: (get_column_letter(index + 1), table.header[index]) for name, index in columns.items()}
    fields["row"] = ("", f"{element_codes[0]}..{element_codes[-1]}")
    order = {name: position for position, name in enumerate(["row", *sorted(columns, key=columns.get)])}
    rows: list[NewResponse] = []
    for row_number, cells in table.numbered_rows():
        if not any(cell_text(cell) for cell in cells):
            continue  # a blank line between sheets
        sheet = {name: cells[index] for name, index in columns.items()}
        try:
            rows.append(sheet_row_validate(sheet, key=uuid.uuid5(IMPORT_KEYS, f"{unit.id}:{sha256}:{row_number}"),
                                           form=form, legend=legend, channel=Channel.IMPORT, now=now))
        except ResponseInvalid as invalid:
            for name in sorted(invalid.errors, key=lambda name: order.get(name, len(order))):
                letter, column = fields.get(name, ("", name))
                problems.append(ImportProblem(row_number, column, letter, invalid.errors[name]))
    if not rows and not problems:
        problems.append(ImportProblem(2, "", "", _("berkas hanya berisi judul kolom, tanpa baris isian")))
    if problems:
        return ImportCheck(filename=filename, sha256=sha256, problems=tuple(problems))

    names = {service_id: name for _number, service_id, name, _active in legend.services}
    counts = Counter(names[new.service_id] for new in rows)
    return ImportCheck(filename=filename, sha256=sha256, rows=tuple(rows),
                       service_counts=tuple(sorted(counts.items())))


def _header_fields(header: list[str], element_codes: list[str]) -> tuple[dict[str, int], list[ImportProblem]]:
    """Which column holds which sheet field; every header problem at once (row 1)."""
    template = (*LEADING_COLUMNS, *element_codes, *TRAILING_COLUMNS)
    allowed = {_column_key(name): name for name in template}
    found: dict[str, int] = {}
    problems: list[ImportProblem] = []
    for index, text in enumerate(header):
        if not _column_key(text):
            continue
        name, letter = allowed.get(_column_key(text)), get_column_letter(index + 1)
        if name is None:
            message = _("kolom tidak dikenal; gunakan judul kolom dari templat: %(columns)s") % {
                "columns": ", ".join(template)}
            problems.append(ImportProblem(1, text, letter, message))
        elif name in found:
            problems.append(ImportProblem(1, text, letter, _("kolom ini muncul lebih dari sekali")))
        else:
            found[name] = index
    problems += [ImportProblem(1, name, "", _("kolom wajib ini tidak ada"))
                 for name in (*REQUIRED_COLUMNS, *element_codes) if name not in found]
    sheet_fields = {**LEADING_COLUMNS, **TRAILING_COLUMNS}
    return {sheet_fields.get(name, name): index for name, index in found.items()}, problems


def _matrix_message(error: MatrixError) -> str:
    """The reader's finding in the user's language."""
    sizes = {"found": _megabytes(error.found), "limit": _megabytes(error.limit)}  # for the unpacked-size limits
    messages = {
        "empty": _("Berkas kosong."),
        "not_a_table": _("Berkas ini bukan lembar kerja XLSX atau CSV (mungkin PDF, gambar atau .xls lama). "
                         "Simpan sebagai .xlsx atau .csv, lalu unggah lagi."),
        "damaged": _("Berkas XLSX ini rusak dan tidak dapat dibaca. Buka di Excel, simpan ulang sebagai .xlsx, "
                     "lalu unggah lagi."),
        "too_big_unpacked": _("Berkas XLSX ini terlalu besar setelah dibuka: %(found)s MB, paling besar %(limit)s MB, "
                              "jadi tidak dibaca. Simpan hanya lembar data isian sebagai .xlsx baru, lalu unggah "
                              "lagi.") % sizes,
        "packed_too_tightly": _("Berkas XLSX ini terlalu besar setelah dibuka (atau dimampatkan secara tidak wajar), "
                                "jadi tidak dibaca. Simpan hanya lembar data isian sebagai .xlsx baru, lalu unggah "
                                "lagi."),
        "too_many_strings": _("Teks dalam berkas XLSX ini terlalu besar setelah dibuka: %(found)s MB, paling besar "
                              "%(limit)s MB, jadi tidak dibaca. Persingkat teks (misalnya saran) atau bagi menjadi "
                              "beberapa berkas.") % sizes,
        "too_many_rows_declared": _("Lembar pertama berkas ini mencakup %(found)s baris isian; paling banyak %(max)s "
                                    "baris, jadi tidak dibaca. Hapus baris kosong di bawah data, atau bagi menjadi "
                                    "beberapa berkas.") % {"found": error.found, "max": error.limit},
        "csv_syntax": _("Berkas CSV tidak dapat dibaca: ada tanda kutip yang tidak ditutup."),
        "no_header": _("Baris 1 kosong; baris 1 harus berisi judul kolom dari templat."),
        "too_many_rows": _("Berkas berisi lebih dari %(max)s baris; bagi menjadi beberapa berkas.") % {
            "max": IMPORT_MAX_ROWS},
        "too_wide": _("Baris %(row)s berisi data di kolom yang terlalu jauh ke kanan.") % {"row": error.row},
        "headerless_value": _("Baris %(row)s, kolom %(column)s: ada isian di kolom tanpa judul.") % {
            "row": error.row, "column": error.column},
    }
    return messages.get(error.code, str(error))


def _megabytes(size: int | None) -> str:
    return number_format((size or 0) / 2**20, 1)


def _already_message(batch: ImportBatch) -> str:
    user = batch.imported_by
    who = (user.get_full_name() or user.username) if user else _("(pengguna sudah dihapus)")
    return _("Berkas ini sudah diimpor pada %(when)s oleh %(who)s (%(rows)s baris); tidak diimpor lagi.") % {
        "when": date_format(timezone.localtime(batch.imported_at), "j F Y H.i"), "who": who,
        "rows": batch.row_count}


def import_pending_keep(*, data: bytes, sha256: str, now: datetime | None = None) -> None:
    """Keep an uploaded file on the server between preview and confirmation (named by its content), and
    drop files that were previewed but never confirmed."""
    now = now or timezone.now()
    try:
        _folders, names = default_storage.listdir(PENDING_DIR)
    except FileNotFoundError:
        names = []
    for stale in names:
        path = f"{PENDING_DIR}/{stale}"
        if stale != sha256 and default_storage.get_modified_time(path) < now - PENDING_KEPT:
            default_storage.delete(path)
    name = f"{PENDING_DIR}/{sha256}"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))


def _pending_read(sha256: str) -> bytes | None:
    name = f"{PENDING_DIR}/{sha256}"
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as pending:
        data = pending.read()
    return data if hashlib.sha256(data).hexdigest() == sha256 else None


def import_confirm(*, unit, sha256: str, filename: str, user, now: datetime | None = None) -> ImportBatch:
    """Store every row of a previewed file, or none: the kept file is checked again, nothing from the
    browser but its hash is trusted. Raises ImportRefused or ImportInvalid."""
    already = ImportBatch.objects.filter(unit=unit, sha256=sha256).select_related("imported_by").first()
    if already:
        raise ImportRefused(_already_message(already), batch=already)
    data = _pending_read(sha256)
    if data is None:
        raise ImportRefused(_("Berkas yang akan diimpor tidak ditemukan lagi di server; unggah ulang berkasnya."))
    check = import_file_check(unit=unit, data=data, filename=filename, now=now)
    if check.problems:
        raise ImportInvalid(check)
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(unit=unit, filename=filename[:255], sha256=sha256,
                                               row_count=len(check.rows), imported_by=user)
            for new in check.rows:
                new.import_batch_id = batch.id
            responses_submit_many(check.rows)
    except IntegrityError:
        # Confirmed twice at the same moment: the other confirmation stored the file.
        already = ImportBatch.objects.filter(unit=unit, sha256=sha256).first()
        if already is None:
            raise
        raise ImportRefused(_already_message(already), batch=already) from None
    default_storage.delete(f"{PENDING_DIR}/{sha256}")
    return batch


def import_template_build(*, unit) -> bytes:
    """An XLSX to fill in: the "Data" sheet with the columns, the "Petunjuk" sheet with the allowed values.

    Every cell goes through the workbooks' one writer rule (sheet_cell): a service named "=HYPERLINK(...)"
    stays text in the operator's spreadsheet."""
    form, legend = UnitForm.load(unit), SheetLegend.load(unit)
    columns = import_columns(unit=unit)
    letters = {name: get_column_letter(index) for index, name in enumerate(columns, start=1)}
    first_code, last_code = form.elements[0].code, form.elements[-1].code
    last_row = TEMPLATE_ROWS + 1
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet("Data")
    data.freeze_panes = "A2"
    for name, letter in letters.items():
        data.column_dimensions[letter].width = {"tanggal": 12, "jenis_kelamin": 14, "saran": 50}.get(name, 11)
    checks = [
        (DataValidation(type="whole", operator="between", formula1="1", formula2="4", allow_blank=True,
                        showErrorMessage=True, error=_("Nilai 1, 2, 3 atau 4")),
         f"{letters[first_code]}2:{letters[last_code]}{last_row}"),
        (DataValidation(type="list", formula1='"L,P"', allow_blank=True, showErrorMessage=True),
         f"{letters['jenis_kelamin']}2:{letters['jenis_kelamin']}{last_row}"),
        (DataValidation(type="whole", operator="between", formula1=str(official.AGE_MIN),
                        formula2=str(official.AGE_MAX), allow_blank=True, showErrorMessage=True),
         f"{letters['usia']}2:{letters['usia']}{last_row}"),
    ]
    for check, cells in checks:
        data.data_validations.append(check)
        check.add(cells)
    data.append([sheet_cell(data, name, bold=True) for name in columns])

    guide = workbook.create_sheet("Petunjuk")
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 70

    def put(*cells, bold=False):
        guide.append([sheet_cell(guide, cell, bold=bold) for cell in cells])

    put(_("Templat impor SKM: %(unit)s") % {"unit": unit.name}, bold=True)
    put(_("Isi lembar \"Data\": satu baris untuk satu lembar kuesioner, mulai baris 2. Jangan ubah judul kolom."))
    put()
    put(_("Kolom"), _("Isi"), bold=True)
    put("tanggal", _("Tanggal mengisi (wajib): tanggal Excel, 2026-11-02 atau 02/11/2026 (hari/bulan/tahun); "
                     "boleh dengan jam, misalnya 02/11/2026 09.30. Tidak boleh di masa depan."))
    put("layanan", _("Jenis layanan (wajib): nomor atau nama dari daftar di bawah."))
    put("jenis_kelamin", _("L atau P (boleh kosong)."))
    put("usia", _("Usia dalam tahun, %(min)s sampai %(max)s (boleh kosong).") % {
        "min": official.AGE_MIN, "max": official.AGE_MAX})
    put("pendidikan", _("Nomor atau kode dari daftar pendidikan (boleh kosong)."))
    put("pekerjaan", _("Nomor atau kode dari daftar pekerjaan (boleh kosong)."))
    put(f"{first_code}..{last_code}", _("Nilai tiap unsur: 1, 2, 3 atau 4; kosongkan unsur yang tidak dijawab. "
                                        "Minimal satu unsur terisi."))
    put("saran", _("Saran atau masukan (boleh kosong, paling banyak 2000 karakter)."))
    put()
    put(_("Layanan"), _("Nama"), bold=True)
    for number, _id, name, _active in legend.active_services:
        put(number, name)
    put()
    put(_("Jenis kelamin"), bold=True)
    for code, label in official.GENDERS:
        put(code, str(label))
    for title, choices in ((_("Pendidikan"), legend.educations), (_("Pekerjaan"), legend.occupations)):
        put()
        put(title, _("Kode"), bold=True)
        for number, code, _label in choices:
            put(number, code)
    put()
    put(_("Unsur"), _("Nama unsur dan arti nilai 1 / 2 / 3 / 4"), bold=True)
    for element in form.elements:
        meanings = " / ".join(f"{n} = {label}" for n, label in enumerate(element.labels, start=1))
        put(element.code, f"{element.name}: {meanings}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_batches_recent(*, unit, limit: int = 10) -> list[ImportBatch]:
    return list(unit.import_batches.select_related("imported_by")[:limit])
