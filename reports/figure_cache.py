"""Figures cached without ever being stale (docs/performance.md, "A cache that is never stale").

A cached figure's key holds a digest of the data versions of the units it is computed from
(surveys.data_versions), read in one query before the figure is computed. Every write that can change a
unit's figures gives the unit a new version in the same transaction, so after a write the key changes and
the next read computes afresh; an entry is never invalidated, it is simply no longer asked for (and expires).

The versions are read from the same database as the tallies (skm.routers), before the figures: a figure is
never older than the versions in its key. Django's cache "figures" holds the entries: the process's memory by
default (a bounded number of entries), Redis when CACHE_URL is set (skm/settings.py, docs/deployment.md).
"""

import hashlib
from collections.abc import Callable, Hashable

from django.core.cache import caches
from django.db.models import QuerySet

from surveys.data_versions import units_data_digest

# Bounds the memory of entries no longer asked for; a hit is always current, whatever its age.
CACHE_SECONDS = 6 * 60 * 60


def figures_cached(name: str, *, unit_ids, params: Hashable, compute: Callable):
    """`compute()`, or its cached result for the same name, units, params and the units' data versions.

    `unit_ids`: the ids of the units the result is computed from, or a queryset of them, whose versions are
    then read in the same query (`params` must then name the set, e.g. its region); none when the result
    depends on `params` alone."""
    if not isinstance(unit_ids, QuerySet):
        unit_ids = sorted({int(unit_id) for unit_id in unit_ids})
    # No units, no versions to read (a frozen publication): not even a database is chosen for them.
    digest = units_data_digest(unit_ids=unit_ids) if isinstance(unit_ids, QuerySet) or unit_ids else ""
    text = repr((name, unit_ids if isinstance(unit_ids, list) else None, params, digest))
    key = f"reports:figures:{name}:{hashlib.sha256(text.encode()).hexdigest()}"
    cache = caches["figures"]
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found
