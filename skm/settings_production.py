"""Production: the environment must provide SECRET_KEY and ALLOWED_HOSTS; HTTPS is assumed."""

import os

from django.core.exceptions import ImproperlyConfigured

from skm.settings import *  # noqa: F403

DEBUG = False
# Demo data refuses to load here, and `check --deploy` fails while a published demo credential works.
SKM_PRODUCTION = True
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random string of at least 50 characters.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REFERRER_POLICY = "same-origin"
STATIC_ROOT = os.environ.get("STATIC_ROOT") or str(VAR_DIR / "staticfiles")  # noqa: F405
WHITENOISE_USE_FINDERS = False
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"  # noqa: F405
