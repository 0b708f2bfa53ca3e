"""What an evidence file is, read from its first bytes: the name a user gives it is never trusted."""

from __future__ import annotations

from dataclasses import dataclass

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
