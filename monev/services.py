"""Writes of the monev: the year's checklist, evidence files and the evaluators' findings. Every change a staff
member makes is audited (agencies.audit) inside the transaction of the change."""

from __future__ import annotations

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from agencies.audit import audit_record
from agencies.models import Agency, AuditEvent, Region, ServiceUnit
from monev.models import Assessment, ChecklistItem, Evidence, PublicationMedium
from reports.periods import Period
from skm.uploads import evidence_check

Action = AuditEvent.Action
Kind = ChecklistItem.Kind
# (name, key document, kind): the checklist a region starts with.
DEFAULT_ITEMS = (
    (gettext_noop("SOP"), True, Kind.MANUAL),
    (gettext_noop("Standar Pelayanan"), True, Kind.MANUAL),
    (gettext_noop("SKM dilaksanakan"), False, Kind.SKM_CARRIED_OUT),
    (gettext_noop("Hasil SKM dipublikasikan"), False, Kind.SKM_PUBLISHED),
    (gettext_noop("Maklumat Pelayanan dipajang"), True, Kind.MANUAL),
    (gettext_noop("Sarana pengaduan / kotak pengaduan"), False, Kind.MANUAL),
    (gettext_noop("Banner/media informasi pelayanan"), False, Kind.MANUAL),
    (gettext_noop("Sarana bagi penyandang disabilitas"), False, Kind.MANUAL),
)


def checklist_ensure(*, region: Region, year: int) -> list[ChecklistItem]:
    """The region's items for the year; on first use, a copy of the previous year's items if it had any, else
    the defaults."""
    items = list(ChecklistItem.objects.filter(region=region, year=year))
    if items:
        return items
    previous = list(ChecklistItem.objects.filter(region=region, year=year - 1))
    specs = ([(item.name, item.is_key, item.kind) for item in previous] if previous else DEFAULT_ITEMS)
    try:
        with transaction.atomic():
            ChecklistItem.objects.bulk_create(
                ChecklistItem(region=region, year=year, position=position, name=name, is_key=is_key, kind=kind)
                for position, (name, is_key, kind) in enumerate(specs, 1))
    except IntegrityError:  # another request created them at the same moment
        pass
    return list(ChecklistItem.objects.filter(region=region, year=year))


def item_in_use(item: ChecklistItem) -> bool:
    return item.assessments.exists() or item.evidence.exists()


def _refuse_if_used(item: ChecklistItem, what: str) -> None:
    if item_in_use(item):
        raise ValidationError(
            _("Butir “%(name)s” tidak dapat %(what)s: sudah ada penilaian atau bukti unit untuk butir ini "
              "pada %(year)s.") % {"name": item.name, "what": what, "year": item.year})


def _name_free(*, region: Region, year: int, name: str, exclude_id: int | None = None) -> None:
    taken = ChecklistItem.objects.filter(region=region, year=year, name__iexact=name)
    if exclude_id:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise ValidationError(_("Butir “%(name)s” sudah ada pada daftar %(year)s.") % {"name": name, "year": year})


@transaction.atomic
def item_create(*, region: Region, year: int, name: str, is_key: bool, kind: str, by) -> ChecklistItem:
    _name_free(region=region, year=year, name=name)
    if kind != Kind.MANUAL and ChecklistItem.objects.filter(region=region, year=year, kind=kind).exists():
        raise ValidationError(_("Butir otomatis “%(kind)s” sudah ada pada daftar %(year)s.")
                              % {"kind": Kind(kind).label, "year": year})
    last = ChecklistItem.objects.filter(region=region, year=year).order_by("-position").first()
    item = ChecklistItem.objects.create(region=region, year=year, name=name, is_key=is_key, kind=kind,
                                        position=(last.position + 1) if last else 1)
    audit_record(actor=by, action=Action.MONEV_CHECKLIST_CHANGED, target=item, region=region, change="added",
                 item=item.name, year=year)
    return item


@transaction.atomic
def item_update(*, item: ChecklistItem, name: str, is_key: bool, position: int, by) -> ChecklistItem:
    """Renaming or changing the key flag changes the meaning of findings already made: only while unused.
    The order may always change."""
    if (name, is_key) != (item.name, item.is_key):
        _refuse_if_used(item, _("diubah"))
        _name_free(region=item.region, year=item.year, name=name, exclude_id=item.pk)
    before = {"name": item.name, "is_key": item.is_key, "position": item.position}
    item.name, item.is_key, item.position = name, is_key, position
    item.save()
    audit_record(actor=by, action=Action.MONEV_CHECKLIST_CHANGED, target=item, region=item.region, change="updated",
                 before=before, after={"name": name, "is_key": is_key, "position": position})
    return item


@transaction.atomic
def item_delete(*, item: ChecklistItem, by) -> None:
    _refuse_if_used(item, _("dihapus"))
    audit_record(actor=by, action=Action.MONEV_CHECKLIST_CHANGED, target=item, region=item.region, change="deleted",
                 item=item.name, year=item.year)
    item.delete()


def evidence_add(*, unit: ServiceUnit, item: ChecklistItem, upload, by) -> Evidence:
    """Store the checked file through the storage API under a name of our own, then record it; the file is
    removed again if the record cannot be made."""
    kind = evidence_check(upload)
    stored = default_storage.save(
        f"monev/{item.region.code}/{item.year}/{unit.code}/{uuid.uuid4().hex}.{kind.extension}", upload)
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(item=item, unit=unit, file=stored, original_name=upload.name[:200],
                                               content_type=kind.content_type, size=upload.size, uploaded_by=by)
            audit_record(actor=by, action=Action.MONEV_EVIDENCE_ADDED, target=evidence, region=item.region,
                         unit=unit.code, item=item.name, year=item.year, file=evidence.original_name)
    except Exception:
        default_storage.delete(stored)
        raise
    return evidence


def evidence_delete(*, evidence: Evidence, by) -> None:
    if Assessment.objects.filter(item=evidence.item, unit=evidence.unit).exists():
        raise ValidationError(_("Bukti “%(name)s” tidak dapat dihapus: butir ini sudah dinilai evaluator.")
                              % {"name": evidence.original_name})
    stored = evidence.file.name
    with transaction.atomic():
        audit_record(actor=by, action=Action.MONEV_EVIDENCE_DELETED, target=evidence, region=evidence.item.region,
                     unit=evidence.unit.code, item=evidence.item.name, year=evidence.item.year,
                     file=evidence.original_name)
        evidence.delete()
    default_storage.delete(stored)


@transaction.atomic
def assessment_record(*, unit: ServiceUnit, item: ChecklistItem, status: str, note: str, visited_on: date,
                      by) -> Assessment:
    if item.is_automatic:
        raise ValidationError(_("Butir “%(name)s” diisi otomatis dari data SKM.") % {"name": item.name})
    assessment, created = Assessment.objects.update_or_create(
        item=item, unit=unit, defaults={"status": status, "note": note, "visited_on": visited_on,
                                        "assessed_by": by})
    audit_record(actor=by, action=Action.MONEV_ASSESSED, target=assessment, region=item.region, unit=unit.code,
                 item=item.name, year=item.year, status=status, visited_on=visited_on.isoformat(),
                 first=created)
    return assessment


# The media register ------------------------------------------------------------------------------------------

def _scope_region(scope: Region | Agency | ServiceUnit) -> Region:
    if isinstance(scope, Region):
        return scope
    return scope.region if isinstance(scope, Agency) else scope.agency.region


def medium_record(*, scope: Region | Agency | ServiceUnit, period: Period, kind: str, name: str, published_on: date, url: str = "",
                  upload=None, by) -> PublicationMedium:
    """Record where a period's results were published, at a region, an agency or a unit; the evidence is a link,
    a checked photo or PDF, or both. The stored file is removed again if the record cannot be made."""
    if not url and upload is None:
        raise ValidationError(_("Isi tautan atau unggah foto sebagai bukti publikasi."))
    region = _scope_region(scope)
    fields = {"region": scope if isinstance(scope, Region) else None,
              "agency": scope if isinstance(scope, Agency) else None,
              "unit": scope if isinstance(scope, ServiceUnit) else None}
    stored = ""
    kind_found = evidence_check(upload) if upload is not None else None
    if kind_found:
        stored = default_storage.save(
            f"media/{region.code}/{period.year}/{uuid.uuid4().hex}.{kind_found.extension}", upload)
    try:
        with transaction.atomic():
            medium = PublicationMedium.objects.create(
                **fields, year=period.year, period=period.slug, kind=kind, name=name, published_on=published_on,
                url=url, file=stored, original_name=(upload.name or "")[:200] if upload else "",
                content_type=kind_found.content_type if kind_found else "", recorded_by=by)
            audit_record(actor=by, action=Action.MEDIUM_RECORDED, target=medium, region=region,
                         scope=str(scope), period=period.slug, kind=kind, name=name,
                         published_on=published_on.isoformat())
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    return medium


def medium_delete(*, medium: PublicationMedium, by) -> None:
    stored = medium.file.name if medium.file else ""
    scope = medium.scope
    with transaction.atomic():
        audit_record(actor=by, action=Action.MEDIUM_DELETED, target=medium, region=_scope_region(scope),
                     scope=str(scope), period=medium.period, kind=medium.kind, name=medium.name)
        medium.delete()
    if stored:
        default_storage.delete(stored)
