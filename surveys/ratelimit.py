"""Abuse control for the public QR survey, kept in the database so every worker process sees the same counts.

A client is a network prefix (/24 for IPv4, /64 for IPv6), not an exact address: one person can hold many
addresses of one network. What is kept is a keyed hash of the prefix, keyed with a random salt of the local
day that is deleted after two days, and the number of attempts in each local hour: no address, no unit, no
response id, key or time (docs/integrity.md). Kiosks are never limited here: a counter tablet serves many
citizens from one address.
"""

import hashlib
import hmac
import ipaddress
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from surveys.models import PublicRateCount, RateSalt

# Generous, because many phones share one prefix behind a mobile carrier's NAT.
RATE_LIMIT = 120
KEEP_DAYS = 2


def client_ip(request) -> str:
    """The sender's address; behind TRUSTED_PROXY_HOPS proxies, the one the outermost proxy saw."""
    hops = getattr(settings, "TRUSTED_PROXY_HOPS", 0)
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def network_prefix(ip: str) -> str:
    """The /24 (IPv4) or /64 (IPv6) network of an address; anything unreadable shares one bucket."""
    try:
        address = ipaddress.ip_address(ip.strip().split("%")[0])
    except ValueError:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    bits = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{bits}", strict=False))


def _salt_of(day: date) -> str:
    """The day's salt, made on first use; salts older than KEEP_DAYS are deleted with it."""
    found = RateSalt.objects.filter(day=day).values_list("salt", flat=True).first()
    if found:
        return found
    RateSalt.objects.filter(day__lte=day - timedelta(days=KEEP_DAYS)).delete()
    try:
        with transaction.atomic():
            RateSalt.objects.create(day=day, salt=secrets.token_hex(32))
    except IntegrityError:  # another process made it first
        pass
    return RateSalt.objects.get(day=day).salt


def client_hash(*, ip: str, now: datetime) -> str:
    salt = _salt_of(timezone.localdate(now))
    return hmac.new(salt.encode(), network_prefix(ip).encode(), hashlib.sha256).hexdigest()


def client_attempt(*, client: str, now: datetime) -> int:
    """Count one attempt (valid, malformed or refused) in the local hour; returns the hour's attempts so far.
    Forgets counts older than KEEP_DAYS."""
    local = timezone.localtime(now)
    day, hour = local.date(), local.hour
    key = f"{client}:{day.isoformat()}:{hour}"
    bucket = PublicRateCount.objects.filter(bucket=key)
    if not bucket.update(attempts=F("attempts") + 1):
        PublicRateCount.objects.filter(day__lte=day - timedelta(days=KEEP_DAYS)).delete()
        try:
            with transaction.atomic():
                PublicRateCount.objects.create(bucket=key, client=client, day=day, hour=hour, attempts=1)
        except IntegrityError:
            bucket.update(attempts=F("attempts") + 1)
    return bucket.values_list("attempts", flat=True).first() or 0


def rate_limit() -> int:
    return getattr(settings, "SKM_QR_RATE_LIMIT", RATE_LIMIT)


def seconds_to_next_hour(now: datetime) -> int:
    local = timezone.localtime(now)
    return max(1, 3600 - local.minute * 60 - local.second)
