"""The app's own settings, plus one bare "hello" view served by the same server (bench/bare.py), so the
submission path can be compared with the cheapest possible Django request in the same run."""

from skm.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare"
# The dashboard is timed in-process through Django's test client.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# A few load kiosks post far faster than any counter tablet: flood control (docs/integrity.md) would answer
# 429, and the bench measures the submission path, not flood control.
SKM_KIOSK_FLOOD_ARRIVALS = 10**9
