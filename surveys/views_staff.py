"""Staff pages of a unit for answers collected on paper: the keyed-in grid and the spreadsheet import."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from agencies.selectors import get_unit_for_user
from surveys import official
from surveys.imports import (
    IMPORT_MAX_BYTES,
    ImportInvalid,
    ImportRefused,
    import_batches_recent,
    import_columns,
    import_confirm,
    import_file_check,
    import_pending_keep,
    import_template_build,
)
from surveys.paper import SheetLegend, SheetsInvalid, paper_sheets_received_today, paper_sheets_submit
from surveys.validation import SUGGESTION_MAX

PENDING_NAMES = "skm_import_pending"  # session: sha256 -> the uploaded file's name, for the confirmation


def _paper_config(unit, legend: SheetLegend, elements) -> dict:
    """What the grid script needs: the codes it checks as the operator types, and its messages."""
    return {
        "saveUrl": reverse("surveys_staff:paper_save", args=[unit.code]),
        "draftKey": f"skm-paper-{unit.code}",
        "today": timezone.localdate().isoformat(),
        "age": {"min": official.AGE_MIN, "max": official.AGE_MAX},
        "suggestionMax": SUGGESTION_MAX,
        "services": [[number, name] for number, _id, name, _active in legend.active_services],
        "educations": [[number, code] for number, code, _label in legend.educations],
        "occupations": [[number, code] for number, code, _label in legend.occupations],
        "elements": [element.code for element in elements],
        "messages": {
            "row": _("Baris %s"),
            "date": _("tanggal tidak sah (contoh: 02/11/2026)"),
            "dateRequired": _("tanggal wajib diisi"),
            "future": _("tanggal tidak boleh di masa depan"),
            "service": _("nomor layanan tidak ada di daftar"),
            "serviceRequired": _("layanan wajib diisi"),
            "gender": _("isi L atau P"),
            "age": _("usia %(min)s sampai %(max)s") % {"min": official.AGE_MIN, "max": official.AGE_MAX},
            "education": _("pendidikan tidak ada di daftar"),
            "occupation": _("pekerjaan tidak ada di daftar"),
            "score": _("isi 1, 2, 3 atau 4"),
            "suggestion": _("saran terlalu panjang"),
            "empty": _("belum ada unsur yang dijawab"),
            "fix": _("Perbaiki sel yang merah dulu; belum ada yang disimpan."),
            "nothing": _("Belum ada baris yang diisi."),
            "saving": _("Menyimpan…"),
            "saved": _("%s lembar tersimpan."),
            "already": _("%s lembar sudah tersimpan sebelumnya (tidak dihitung lagi)."),
            "offline": _("Server tidak terjangkau; isian tetap di layar. Coba simpan lagi."),
            "session": _("Sesi berakhir; masuk lagi di tab lain, lalu simpan lagi. Isian tetap di layar."),
            "failed": _("Gagal menyimpan (kode %s); isian tetap di layar."),
        },
        "labels": {
            "date": _("Tanggal"), "service": _("Layanan"), "gender": _("JK"), "age": _("Usia"),
            "education": _("Pendidikan"), "occupation": _("Pekerjaan"), "suggestion": _("Saran"),
            "row": _("Baris"), "key": _("Kunci"),
        },
    }


@login_required
def paper_entry(request, unit_code):
    unit = get_unit_for_user(request.user, unit_code)
    legend = SheetLegend.load(unit)
    elements = list(unit.questionnaire.elements.order_by("position"))
    return render(request, "surveys/paper_entry.html", {
        "unit": unit, "legend": legend, "elements": elements, "genders": official.GENDERS,
        "config": _paper_config(unit, legend, elements),
        "today_count": paper_sheets_received_today(unit=unit, by=request.user),
    })


@login_required
@require_POST
def paper_save(request, unit_code):
    unit = get_unit_for_user(request.user, unit_code)
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: brackets nested too deep
        return JsonResponse({"message": _("Isian harus berupa JSON."), "errors": []}, status=400)
    rows = payload.get("rows") if isinstance(payload, dict) else None
    try:
        saved = paper_sheets_submit(unit=unit, rows=rows, by=request.user)
    except SheetsInvalid as invalid:
        errors = [{"row": index + 1, "key": str(rows[index].get("key", "")) if isinstance(rows[index], dict) else "",
                   "fields": fields} for index, fields in sorted(invalid.errors.items())]
        return JsonResponse({"message": str(invalid), "errors": errors}, status=400)
    return JsonResponse({"stored": saved.stored, "already": saved.already,
                         "today": paper_sheets_received_today(unit=unit, by=request.user)})


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Berkas XLSX atau CSV"),
                           help_text=gettext_lazy("Paling besar 5 MB. Gunakan templat agar judul kolomnya benar."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Berkas terlalu besar (%(size)s MB); paling besar %(max)s MB.") % {
                "size": f"{upload.size / 2**20:.1f}", "max": IMPORT_MAX_BYTES // 2**20})
        return upload


class ImportConfirmForm(forms.Form):
    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$")


def _import_page(request, unit, form, status=200):
    return render(request, "surveys/import_upload.html", {
        "unit": unit, "form": form, "columns": import_columns(unit=unit),
        "batches": import_batches_recent(unit=unit),
    }, status=status)


@login_required
def import_upload(request, unit_code):
    unit = get_unit_for_user(request.user, unit_code)
    if request.method != "POST":
        return _import_page(request, unit, ImportUploadForm())
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, unit, form, status=400)
    upload = form.cleaned_data["file"]
    data = upload.read()
    try:
        check = import_file_check(unit=unit, data=data, filename=upload.name)
    except ImportRefused as refused:
        form.add_error("file", str(refused))
        return _import_page(request, unit, form, status=400)
    if check.problems:
        return render(request, "surveys/import_preview.html", {"unit": unit, "check": check}, status=400)
    import_pending_keep(data=data, sha256=check.sha256)
    request.session[PENDING_NAMES] = {**request.session.get(PENDING_NAMES, {}), check.sha256: upload.name}
    return render(request, "surveys/import_preview.html", {
        "unit": unit, "check": check, "confirm": ImportConfirmForm(initial={"sha256": check.sha256})})


@login_required
@require_POST
def import_confirm_view(request, unit_code):
    unit = get_unit_for_user(request.user, unit_code)
    form = ImportConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Permintaan impor tidak sah; unggah ulang berkasnya."))
        return redirect("surveys_staff:import_upload", unit.code)
    sha256 = form.cleaned_data["sha256"]
    pending = request.session.get(PENDING_NAMES, {})
    try:
        batch = import_confirm(unit=unit, sha256=sha256, filename=pending.get(sha256, f"{sha256[:12]}.xlsx"),
                               user=request.user)
    except ImportRefused as refused:
        messages.error(request, str(refused))
        return redirect("surveys_staff:import_upload", unit.code)
    except ImportInvalid as invalid:
        return render(request, "surveys/import_preview.html", {"unit": unit, "check": invalid.check}, status=400)
    request.session[PENDING_NAMES] = {name: value for name, value in pending.items() if name != sha256}
    messages.success(request, _("%(rows)s baris dari %(file)s tersimpan.") % {
        "rows": batch.row_count, "file": batch.filename})
    return redirect("surveys_staff:import_upload", unit.code)


@login_required
def import_template(request, unit_code):
    unit = get_unit_for_user(request.user, unit_code)
    response = HttpResponse(import_template_build(unit=unit),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="templat-impor-{unit.code}.xlsx"'
    return response
