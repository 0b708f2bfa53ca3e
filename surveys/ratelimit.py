"""Abuse control for the public QR survey, kept in the database so every worker process sees the same counts.

A client is a keyed hash of its IP address; the key is derived from SECRET_KEY and the local date, so it
changes every day and the address is never stored. Kiosks are never limited here: a counter tablet serves
many citizens from one address.
"""

import hashlib
import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from surveys.models import PublicHit

# Generous, because many phones share one address behind a mobile carrier's NAT.
RATE_LIMIT = 30
RATE_WINDOW = timedelta(minutes=10)
REPEAT_WINDOW = timedelta(minutes=10)
KEEP_HITS = timedelta(days=2)


def client_ip(request) -> str:
    """The sender's address; behind TRUSTED_PROXY_HOPS proxies, the one the outermost proxy saw."""
    hops = getattr(settings, "TRUSTED_PROXY_HOPS", 0)
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def client_hash(*, ip: str, now: datetime) -> str:
    day = timezone.localdate(now).isoformat()
    key = hashlib.sha256(f"{settings.SECRET_KEY}|surveys.qr-client|{day}".encode()).digest()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()


def client_rate_limited(*, client: str, now: datetime) -> bool:
    limit = getattr(settings, "SKM_QR_RATE_LIMIT", RATE_LIMIT)
    return PublicHit.objects.filter(client=client, at__gte=now - RATE_WINDOW).count() >= limit


def public_hit_record(*, client: str, unit_id: int, now: datetime) -> PublicHit:
    """Count one attempt (valid or not) and forget attempts older than KEEP_HITS."""
    PublicHit.objects.filter(at__lt=now - KEEP_HITS).delete()
    return PublicHit.objects.create(client=client, unit_id=unit_id, at=now)


def repeat_suspected(*, client: str, unit_id: int, now: datetime) -> bool:
    """Did this client already get a response stored for this unit a short while ago?"""
    return PublicHit.objects.filter(client=client, unit_id=unit_id, stored=True,
                                    at__gte=now - REPEAT_WINDOW).exists()


def public_hit_stored(*, hit: PublicHit) -> None:
    PublicHit.objects.filter(pk=hit.pk).update(stored=True)
