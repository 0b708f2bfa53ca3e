"""Which database a report read uses when a read replica is configured (DATABASE_REPLICA_URL).

Each request decides once, at its first report read, and keeps that choice for the whole page: the replica,
unless it is down or has not yet replayed the reader's own last write (the signed `skm_wrote` cookie holds
the primary's WAL position after that write); the primary otherwise. A page read from a replica whose data is
behind by more than REPLICA_STALE_SECONDS shows "data hingga HH:MM" (the context processor below).
"""

import logging
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

REPLICA = "replica"
WROTE_COOKIE = "skm_wrote"
WROTE_SALT = "skm.replica.wrote"
# A replica found down is tried again at most this often, so a dead host does not slow every page.
RETRY_SECONDS = 5
# Where the replica has replayed to, what it has received, and the primary's commit time of the last
# transaction it replayed. Another engine (a SQLite file standing in for a replica) only answers.
PROBE = {
    "postgresql": "SELECT pg_last_wal_replay_lsn()::text, pg_last_wal_receive_lsn()::text, "
                  "pg_last_xact_replay_timestamp()",
}
PROBE_OTHER = "SELECT NULL, NULL, NULL"

log = logging.getLogger("skm.replica")


def lsn_number(text: str | None) -> int | None:
    """A WAL position such as '0/3000148' as a number, so positions compare; None when unreadable."""
    try:
        high, low = text.split("/")
        return (int(high, 16) << 32) | int(low, 16)
    except (AttributeError, ValueError):
        return None


def configured() -> bool:
    return REPLICA in settings.DATABASES


@dataclass
class Reading:
    """One request's (or, outside requests, a few seconds') choice of database for report reads."""

    written_lsn: int | None = None
    alias: str | None = None
    data_as_of: datetime | None = None  # set when the replica's data is older than the bound
    outside_request: bool = False
    started: float = field(default_factory=time.monotonic)


_reading: ContextVar[Reading | None] = ContextVar("skm_replica_reading", default=None)


class _Health:
    """Whether this process found the replica down; logs each change once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_since: datetime | None = None
        self.retry_at = 0.0

    def may_try(self) -> bool:
        return self.down_since is None or time.monotonic() >= self.retry_at

    def failed(self, error: Exception):
        with self.lock:
            first = self.down_since is None
            if first:
                self.down_since = timezone.now()
            self.retry_at = time.monotonic() + RETRY_SECONDS
        if first:
            log.warning("replica down, report reads use the primary: %s", str(error).strip().split("\n")[0])

    def answered(self):
        with self.lock:
            since, self.down_since = self.down_since, None
        if since is not None:
            log.warning("replica back (down since %s), report reads use it again", since.isoformat())


health = _Health()


class _Lag:
    """How long the replica has held WAL it has not replayed: a received position is noted with the time this
    process first saw it unreplayed. Replay that keeps up passes it at once and starts over, so the few
    milliseconds a fresh write takes to replay never count, however long ago the previous commit was."""

    def __init__(self):
        self.lock = threading.Lock()
        self.waiting_for: int | None = None
        self.seen_at = 0.0

    def seconds(self, *, received: int | None, replayed: int | None) -> float:
        now = time.monotonic()
        with self.lock:
            if received is None or replayed is None or replayed >= received:
                self.waiting_for = None
                return 0.0
            if self.waiting_for is None or replayed >= self.waiting_for:
                self.waiting_for, self.seen_at = received, now
            return now - self.seen_at


lag = _Lag()


def probe() -> tuple[int | None, datetime | None]:
    """Ask the replica where it has replayed to and, when it is behind by more than REPLICA_STALE_SECONDS, the
    time its data reaches; DatabaseError when it is down."""
    connection = connections[REPLICA]
    try:
        with connection.cursor() as cursor:
            cursor.execute(PROBE.get(connection.vendor, PROBE_OTHER))
            replayed, received, last_commit = cursor.fetchone()
    except DatabaseError as error:
        health.failed(error)
        raise
    health.answered()
    replayed = lsn_number(replayed)
    behind = lag.seconds(received=lsn_number(received), replayed=replayed)
    return replayed, last_commit if behind > settings.REPLICA_STALE_SECONDS else None


def _choose(reading: Reading) -> str:
    if not health.may_try():
        return "default"
    try:
        replayed, reading.data_as_of = probe()
    except DatabaseError:
        return "default"
    if reading.written_lsn is not None and replayed is not None and replayed < reading.written_lsn:
        return "default"  # the reader's own write is not there yet
    return REPLICA


def report_alias() -> str:
    """The database the current request's (or task's) report reads use."""
    reading = _reading.get()
    if reading is None or (reading.outside_request and time.monotonic() - reading.started > RETRY_SECONDS):
        # Outside a request (tasks, commands): one choice kept for a few seconds.
        reading = Reading(outside_request=True)
        _reading.set(reading)
    if reading.alias is None:
        reading.alias = _choose(reading)
    return reading.alias


@contextmanager
def request_reading(written_lsn: int | None):
    """The scope of one request: its report reads choose once, and see the reader's write at `written_lsn`."""
    token = _reading.set(Reading(written_lsn=written_lsn))
    try:
        yield
    finally:
        _reading.reset(token)


def primary_lsn() -> str | None:
    """The primary's WAL position now, after a write has committed."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def status() -> str:
    """The replica's line for /health: ok, how far behind, or down (then report reads use the primary)."""
    try:
        _replayed, data_as_of = probe()
    except DatabaseError:
        return "replica down: report reads use the primary"
    if data_as_of is None:
        return "ok"
    return f"behind: data up to {timezone.localtime(data_as_of).isoformat(timespec='seconds')}"


def data_until(request) -> dict:
    """Context processor: when this page's report figures came from a lagging replica, the local time they reach
    (with the date when it is not today), for the page's "data hingga" notice."""
    reading = _reading.get()
    if reading is None or reading.alias != REPLICA or reading.data_as_of is None:
        return {}
    local = timezone.localtime(reading.data_as_of)
    return {"replica_data_until": local.strftime("%H:%M" if local.date() == timezone.localdate() else "%d/%m/%Y %H:%M")}
