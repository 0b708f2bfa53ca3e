"""Documents built in the background (the regional recap, large exports): requested by a staff member, built
by a task (reports.tasks), kept through Django's storage for KEEP_FOR and downloadable again by anyone whose
scope covers the document's region, agency or unit."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import timedelta

from django.core.files import File
from django.db.models import Q
from django.utils import timezone

from agencies.selectors import administered_regions, agencies_for_user, units_for_user
from agencies.zones import region_zone
from reports.documents.common import DocumentScope, document_language
from reports.documents.recap import recap_pdf, recap_xlsx_write
from reports.documents.workbooks import responses_export_write
from reports.models import GeneratedDocument
from reports.periods import Period

KEEP_FOR = timedelta(days=7)
EXTENSIONS = {GeneratedDocument.Kind.RECAP_XLSX: "xlsx", GeneratedDocument.Kind.RECAP_PDF: "pdf",
              GeneratedDocument.Kind.RESPONSES_XLSX: "xlsx"}
# Kinds built by the apps above reports (the monev evidence pack), registered from their AppConfig.ready():
# kind -> build(document=, period=, out=, progress=).
BUILDERS: dict[str, Callable] = {}


def document_builder_register(kind: str, *, extension: str, build: Callable) -> None:
    EXTENSIONS[kind] = extension
    BUILDERS[kind] = build


def document_request(*, kind: str, period: Period, user, region=None, agency=None, unit=None) -> GeneratedDocument:
    """Record the request and queue the task that builds it."""
    from reports.tasks import document_build_task

    document = GeneratedDocument.objects.create(kind=kind, period=period.slug, region=region, agency=agency,
                                                unit=unit, requested_by=user, expires_at=timezone.now() + KEEP_FOR)
    document_build_task.enqueue(str(document.id))
    return document


def _progress(document: GeneratedDocument):
    def report(percent: int):
        GeneratedDocument.objects.filter(pk=document.pk).update(progress=percent)
    return report


def document_build(*, document: GeneratedDocument) -> None:
    """Build the file, store it, and mark the document done (or failed with a message)."""
    GeneratedDocument.objects.filter(pk=document.pk).update(status=GeneratedDocument.Status.RUNNING, progress=5)
    period = Period.from_slug(document.period)
    progress = _progress(document)
    scope_name = (document.region or document.agency or document.unit).code
    name = f"{document.kind.replace('_', '-')}-{scope_name}-{period.slug}.{EXTENSIONS[document.kind]}"
    region = document.region or (document.agency or document.unit.agency).region
    with tempfile.TemporaryFile() as out, document_language(), timezone.override(region_zone(region)):
        if document.kind in BUILDERS:
            BUILDERS[document.kind](document=document, period=period, out=out, progress=progress)
        elif document.kind == GeneratedDocument.Kind.RECAP_XLSX:
            recap_xlsx_write(region=document.region, period=period, out=out, progress=progress)
        elif document.kind == GeneratedDocument.Kind.RECAP_PDF:
            out.write(recap_pdf(region=document.region, period=period, progress=progress))
        else:
            scope = (DocumentScope.for_unit(document.unit) if document.unit
                     else DocumentScope.for_agency(document.agency, user=document.requested_by))
            responses_export_write(scope=scope, period=period, out=out)
        out.seek(0)
        document.file.save(name, File(out), save=False)
    document.filename = name
    document.status = GeneratedDocument.Status.DONE
    document.progress = 100
    document.finished_at = timezone.now()
    document.save(update_fields=["file", "filename", "status", "progress", "finished_at"])


def document_fail(*, document_id, message: str) -> None:
    GeneratedDocument.objects.filter(pk=document_id).update(status=GeneratedDocument.Status.FAILED,
                                                            message=message[:500], finished_at=timezone.now())


def documents_for_user(user):
    """Unexpired documents whose region, agency or unit lies in the user's scope."""
    return (GeneratedDocument.objects.filter(expires_at__gt=timezone.now())
            .filter(Q(region__in=administered_regions(user)) | Q(agency__in=agencies_for_user(user))
                    | Q(unit__in=units_for_user(user)))
            .select_related("region", "agency", "unit"))


def documents_purge_expired() -> int:
    """Delete expired documents and their files; returns how many."""
    expired = list(GeneratedDocument.objects.filter(expires_at__lte=timezone.now()))
    for document in expired:
        if document.file:
            document.file.delete(save=False)
        document.delete()
    return len(expired)
