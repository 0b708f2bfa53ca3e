"""Evidence files (monev evidence, follow-up evidence, media photos, third-party reports): what a file is, read
from its first bytes (the name a user gives it is never trusted), and the one check every upload of them passes."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

HEAD_BYTES = 16


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str
    label: str


PDF = FileKind("application/pdf", "pdf", "PDF")
JPEG = FileKind("image/jpeg", "jpg", "JPEG")
PNG = FileKind("image/png", "png", "PNG")
WEBP = FileKind("image/webp", "webp", "WebP")
ACCEPTED = (PDF, JPEG, PNG, WEBP)


def file_kind(head: bytes) -> FileKind | None:
    """The accepted kind whose signature starts the file, None for anything else."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def evidence_check(upload) -> tuple:
    """The upload's kind, or a ValidationError saying what is wrong with it: empty, too large, or content
    that is not PDF, JPEG, PNG or WebP whatever its name says."""
    limit = settings.MONEV_EVIDENCE_MAX_BYTES
    name = upload.name or ""
    if upload.size == 0:
        raise ValidationError(_("Berkas “%(name)s” kosong.") % {"name": name})
    if upload.size > limit:
        raise ValidationError(_("Berkas “%(name)s” berukuran %(size)s; paling besar %(limit)s.")
                              % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)})
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = file_kind(head)
    if kind is None:
        accepted = ", ".join(kind.label for kind in ACCEPTED)
        raise ValidationError(_("Isi berkas “%(name)s” bukan %(accepted)s (nama atau akhiran berkas tidak "
                                "menentukan jenisnya). Unggah dokumen PDF atau foto.")
                              % {"name": name, "accepted": accepted})
    return kind


def evidence_file_response(name: str, *, content_type: str, filename: str | None) -> FileResponse:
    """A stored evidence file for a signed-in reader, never from a public media URL: a PDF as a download, a
    photo shown in a sandbox that runs nothing of it; 404 when the file is gone."""
    try:
        stored = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(stored, content_type=content_type, filename=filename,
                            as_attachment=content_type == PDF.content_type)
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
