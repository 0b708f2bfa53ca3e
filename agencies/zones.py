"""A region's local time (docs/ikm.md, "Zona waktu"): the day of a response, the periods, "hari ini" and
every printed date of a region are in the region's own time zone (WIB, WITA or WIT)."""

from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from agencies.models import Region, ServiceUnit, StaffRole

CACHE_SECONDS = 600  # a region's zone changes rarely; saving a region or unit forgets the cached zones at once


@lru_cache(maxsize=8)
def zone(name: str | None) -> ZoneInfo:
    return ZoneInfo(name or settings.TIME_ZONE)


def region_zone(region: Region) -> ZoneInfo:
    return zone(region.time_zone)


def region_today(region: Region, now: datetime | None = None) -> date:
    return timezone.localdate(now or timezone.now(), region_zone(region))


def region_date(region: Region, moment: datetime) -> date:
    """The region's local date of an instant (a publication made 04:50 WIB on 5 December is 5 December)."""
    return timezone.localdate(moment, region_zone(region))


def _key(unit_id: int) -> str:
    return f"agencies:unit-zone:{unit_id}"


def unit_zones(unit_ids: Iterable[int]) -> dict[int, ZoneInfo]:
    """Each unit's region time zone: from the cache, the missing ones in one query. The submission path calls
    this for every response, so a warm kiosk stream reads no extra row."""
    keys = {_key(unit_id): unit_id for unit_id in set(unit_ids)}
    found = cache.get_many(keys)
    names = {keys[key]: name for key, name in found.items()}
    missing = [unit_id for key, unit_id in keys.items() if key not in found]
    if missing:
        rows = dict(ServiceUnit.objects.filter(id__in=missing).values_list("id", "agency__region__time_zone"))
        cache.set_many({_key(unit_id): name for unit_id, name in rows.items()}, CACHE_SECONDS)
        names.update(rows)
    return {unit_id: zone(name) for unit_id, name in names.items()}


def unit_zone_remember(unit: ServiceUnit) -> None:
    """Cache the zone of a unit read with its agency and region."""
    cache.set(_key(unit.id), unit.agency.region.time_zone, CACHE_SECONDS)


def unit_zones_forget(unit_ids: Iterable[int]) -> None:
    cache.delete_many([_key(unit_id) for unit_id in unit_ids])


def units_by_zone(unit_ids: Iterable[int]) -> dict[ZoneInfo, list[int]]:
    grouped: dict[ZoneInfo, list[int]] = {}
    for unit_id, found in unit_zones(unit_ids).items():
        grouped.setdefault(found, []).append(unit_id)
    return grouped


def staff_zone(user) -> ZoneInfo | None:
    """The time zone of the region a staff member works in (their first role's), None for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return None
    row = (StaffRole.objects.filter(user=user).order_by("id")
           .values_list("region__time_zone", "agency__region__time_zone", "unit__agency__region__time_zone").first())
    name = next((name for name in row or () if name), None)
    return zone(name) if name else None


def _forget_region(sender, instance: Region, **kwargs):
    unit_zones_forget(ServiceUnit.objects.filter(agency__region=instance).values_list("id", flat=True))


def _forget_unit(sender, instance: ServiceUnit, **kwargs):
    unit_zones_forget([instance.id])


def connect_signals():
    from django.db.models.signals import post_save

    post_save.connect(_forget_region, sender=Region, dispatch_uid="agencies.zones.region")
    post_save.connect(_forget_unit, sender=ServiceUnit, dispatch_uid="agencies.zones.unit")


def unit_today(unit_id: int, now: datetime | None = None) -> date:
    """Today in the unit's region ("hari ini" of a kiosk, a pulse board or a wall display)."""
    return timezone.localdate(now or timezone.now(), unit_zones([unit_id])[unit_id])
