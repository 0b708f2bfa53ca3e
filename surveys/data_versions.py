"""Per-unit data versions (surveys.models.UnitDataVersion): what cached figures are keyed on (docs/performance.md).

Every write that can change a figure of a unit calls `units_data_changed` in its own transaction (a kiosk
submission sets it inside its single statement, surveys.submission_statement), so the new version becomes
visible together with the data: a reader that sees the old version cannot see the new data's figures under
it, and one that sees the new version finds no cache entry for it yet.

Writers set the version last, after their other rows, with the units in ascending order: two writers never
wait for each other's version rows in opposite orders."""

import hashlib
import secrets
from collections.abc import Iterable

from django.db import connection

from surveys.models import UnitDataVersion


def new_version() -> int:
    """A random positive 63-bit number (BigIntegerField), never reused by a rolled-back write."""
    return secrets.randbits(63)


def version_upsert_sql(units: int, *, when: str) -> str:
    """For a PostgreSQL CTE chain: INSERT .. ON CONFLICT DO UPDATE setting the version of `units` units (their
    parameters: version_upsert_params), only when the SQL condition `when` holds (e.g. an EXISTS on the CTE that
    inserted the response)."""
    table = connection.ops.quote_name(UnitDataVersion._meta.db_table)
    rows = ", ".join(["(%s::bigint, %s::bigint)"] * units)
    return (f"INSERT INTO {table} (unit_id, version) SELECT unit_id, version FROM (VALUES {rows}) AS v(unit_id, "
            f"version) WHERE {when} ON CONFLICT (unit_id) DO UPDATE SET version = EXCLUDED.version")


def version_upsert_params(unit_ids: list[int], version: int) -> list[int]:
    return [value for unit_id in unit_ids for value in (unit_id, version)]


def units_data_changed(*, unit_ids: Iterable[int]) -> None:
    """Give the units a new data version, in the caller's transaction: every cached figure of them is
    recomputed on its next read. One statement."""
    unit_ids = sorted({int(unit_id) for unit_id in unit_ids})
    if not unit_ids:
        return
    version = new_version()
    UnitDataVersion.objects.bulk_create([UnitDataVersion(unit_id=unit_id, version=version) for unit_id in unit_ids],
                                        update_conflicts=True, unique_fields=["unit"], update_fields=["version"])


def units_data_digest(*, unit_ids) -> str:
    """A short digest of the units' current data versions (one query, from the database the tallies are read
    from: skm.routers): equal digests, equal data. `unit_ids`: ids, or a queryset of ids (read as a subquery)."""
    found = sorted(UnitDataVersion.objects.filter(unit_id__in=unit_ids).values_list("unit_id", "version"))
    text = ",".join(f"{unit_id}:{version}" for unit_id, version in found)
    return hashlib.sha256(text.encode()).hexdigest()[:32]
