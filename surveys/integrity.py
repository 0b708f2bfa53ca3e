"""Plausibility at the door for kiosk submissions (docs/integrity.md).

A kiosk is judged by the device's `answered_at` and its own stored history, not by arrival time: an offline
queue legitimately delivers a day's answers in one burst. The decision reads only stored data, so the same
input gives the same flags. Floods of arrivals for one token are refused (429) before anything is read.
"""

import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from surveys.models import DOOR_FLAGS, Flag, Response

# Flood control: more than FLOOD_ARRIVALS arrivals for one token within FLOOD_WINDOW seconds (5 a second
# sustained for a minute) is a flood. A kiosk flushing its queue sends one request at a time: a day's queue
# stays below it, a longer one is paced by the 429s (docs/integrity.md).
FLOOD_ARRIVALS = 300
FLOOD_WINDOW = 60
FLOOD_BUCKETS = 6


def door_flag(*, near: int, in_hour: int, ceiling: int) -> str:
    """The flag of a kiosk answer, given how many counted answers of the same kiosk lie within the minimum
    interval before it (`near`) and in the same local hour of answering (`in_hour`)."""
    if near:
        return Flag.TOO_FAST
    if in_hour >= ceiling:
        return Flag.OVER_RATE
    return ""


# The kiosk's counted answers within the minimum interval before an answer, and in its local hour.
_DOOR_COUNTS = ("SELECT COUNT(*) FILTER (WHERE answered_at > %s AND answered_at <= %s), "
                "COUNT(*) FILTER (WHERE answered_at >= %s) FROM {table} "
                "WHERE kiosk_id = %s AND answered_at >= %s AND answered_at < %s AND flag NOT IN ({flags})")


def kiosk_door_flag(*, kiosk_id: int, answered_at: datetime, min_interval: int, ceiling: int) -> str:
    """One indexed query (response_kiosk_time) over the kiosk's counted answers around `answered_at`."""
    hour_start = timezone.localtime(answered_at).replace(minute=0, second=0, microsecond=0)
    hour_end = hour_start + timedelta(hours=1)
    near_from = answered_at - timedelta(seconds=min_interval)
    moment = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        # Written out rather than built by the ORM on every kiosk submission: the building cost as much as the query.
        cursor.execute(_DOOR_COUNTS.format(table=connection.ops.quote_name(Response._meta.db_table),
                                           flags=", ".join(["%s"] * len(DOOR_FLAGS))),
                       [moment(near_from), moment(answered_at), moment(hour_start), kiosk_id,
                        moment(min(hour_start, near_from)), moment(hour_end), *DOOR_FLAGS])
        near, in_hour = cursor.fetchone()
    # An interval of 0 switches the rule off (answers given in the same second are then fine).
    return door_flag(near=near if min_interval else 0, in_hour=in_hour, ceiling=ceiling)


def kiosk_flood_wait(*, kiosk_id: int, now: float | None = None) -> int:
    """Count one arrival for the kiosk (its token); the seconds to wait when arrivals exceed the flood limit,
    else 0. Arrivals (refused ones too) are counted in FLOOD_BUCKETS slices of the window, in the cache
    (shared between processes when the cache is)."""
    arrivals = getattr(settings, "SKM_KIOSK_FLOOD_ARRIVALS", FLOOD_ARRIVALS)
    window = getattr(settings, "SKM_KIOSK_FLOOD_WINDOW", FLOOD_WINDOW)
    width = max(1, window // FLOOD_BUCKETS)
    bucket = int(now if now is not None else time.time()) // width
    key = f"surveys:flood:{kiosk_id}:{bucket}"
    if not cache.add(key, 1, window + width):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, window + width)
    keys = [f"surveys:flood:{kiosk_id}:{b}" for b in range(bucket - window // width + 1, bucket + 1)]
    return window if sum(cache.get_many(keys).values()) > arrivals else 0
