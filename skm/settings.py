"""Settings read from the environment, so one codebase serves a laptop, CI and production."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
# Templates, static files and translations: beside the apps in a checkout, inside this package once installed
# with `pip install .` (setup.py copies them there).
SHARED_DIR = Path(__file__).resolve().parent if (Path(__file__).resolve().parent / "templates").is_dir() else BASE_DIR
VAR_DIR = Path(os.environ.get("SKM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SKM_PRODUCTION = False  # skm.settings_production sets it
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "agencies",
    "surveys",
    "reports",
    "monev",
    "campaigns",
    "pulse",
    # After the apps, so reports' db_worker (it survives database outages) replaces the package's own.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "skm.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "skm.middleware.ReplicaReadsMiddleware",
    "skm.middleware.PrivateStaffPagesMiddleware",
    "skm.middleware.RegionTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "skm.middleware.ApiDatabaseUnavailableMiddleware",
]

# No inline scripts anywhere: every script is a static file. Inline SVG charts carry style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

ROOT_URLCONF = "skm.urls"
WSGI_APPLICATION = "skm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SHARED_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "skm.replica.data_until",
            ],
        },
    },
]

SQLITE_PATH = VAR_DIR / "skm.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several kiosks write at once: WAL and IMMEDIATE transactions avoid "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60,
                                                 conn_health_checks=True)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if DATABASES["replica"]["ENGINE"].endswith("postgresql"):
        # A replica host that vanished must not hold report pages: they fall back to the primary (skm/replica.py).
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
# A page whose report figures come from a replica behind by more than this says "data hingga HH:MM"; for this
# long after a staff member's write, their reads wait for the replica to have it (else use the primary).
REPLICA_STALE_SECONDS = int(os.environ.get("REPLICA_STALE_SECONDS", "30"))
REPLICA_WRITE_WINDOW_SECONDS = int(os.environ.get("REPLICA_WRITE_WINDOW_SECONDS", "300"))
DATABASE_ROUTERS = ["skm.routers.ReportReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Locked for 15 minutes: one account from one address after 5 wrong passwords; one account after
# LOGIN_FAILURES_PER_USERNAME from any addresses (a guesser spreading over many addresses); one address after
# LOGIN_FAILURES_PER_ADDRESS over any accounts (higher: an office shares one address). The limits of each
# lockout parameter are in agencies/logins.py; an admin unlocks at /admin/axes/accessattempt/.
AXES_FAILURE_LIMIT = 5
LOGIN_FAILURES_PER_USERNAME = int(os.environ.get("LOGIN_FAILURES_PER_USERNAME", "10"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "30"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_HANDLER = "agencies.logins.LoginLimitsHandler"
AXES_RESET_ON_SUCCESS = True
# Successful logins and lockout records are kept this long, then purge_old_data deletes them (docs/privacy.md).
LOGIN_RECORDS_RETENTION_DAYS = int(os.environ.get("LOGIN_RECORDS_RETENTION_DAYS", "90"))
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "surveys.ratelimit.client_ip"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Staff sessions end after a working day, or when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(9 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# E-mail (password reset, alert digests): printed on the console in development (`make run` sets DEBUG), sent by SMTP otherwise.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or ("django.core.mail.backends.console.EmailBackend" if DEBUG
                                                    else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "SKM <skm@localhost>")

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [SHARED_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# Django's cache: "default" for kiosk rows, forms and flood counters, "figures" for cached figures
# (docs/performance.md), in the process's memory (figures: a bounded number of entries, each up to a region's
# units); CACHE_URL=redis://host:6379/0 puts both in Redis, shared between processes (needs the `redis` package).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "skm"},
    "figures": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "skm-figures",
                "OPTIONS": {"MAX_ENTRIES": 64}},
}
if os.environ.get("CACHE_URL"):
    CACHES = {name: {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["CACHE_URL"],
                     "KEY_PREFIX": name} for name in ("default", "figures")}

STATIC_URL = "static/"
STATICFILES_DIRS = [SHARED_DIR / "static"]
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None  # collected only for production
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Where links in e-mails (alert digests, reports.alerts) point.
SKM_BASE_URL = os.environ.get("SKM_BASE_URL", "http://127.0.0.1:8000")

TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# Task workers (`manage.py db_worker`): how often each records that it is alive, and the longest pause between
# two tries to reach the database during an outage.
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("WORKER_HEARTBEAT_SECONDS", "10"))
WORKER_RECONNECT_MAX_SECONDS = float(os.environ.get("WORKER_RECONNECT_MAX_SECONDS", "30"))
# /health answers 503 when no worker has been seen for this long, or a task has waited this long.
HEALTH_WORKER_SILENT_SECONDS = int(os.environ.get("HEALTH_WORKER_SILENT_SECONDS", "120"))
HEALTH_TASK_WAIT_SECONDS = int(os.environ.get("HEALTH_TASK_WAIT_SECONDS", "600"))

DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A spreadsheet import (XLSX) is refused when its parts would unpack to more than this, before it is read: this
# keeps one import under 100 MB of memory (tests/test_hostile_import.py measures it).
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_BYTES", str(20 * 2**20)))
# ... and when its text (the shared strings, all held in memory, several times their size for short ones) would.
IMPORT_MAX_SHARED_STRINGS_BYTES = int(os.environ.get("IMPORT_MAX_SHARED_STRINGS_BYTES", str(8 * 2**20)))
# Largest evidence file (document or photo) a unit may attach to a monev checklist item.
MONEV_EVIDENCE_MAX_BYTES = int(os.environ.get("MONEV_EVIDENCE_MAX_BYTES", str(5 * 1024 * 1024)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint's font subsetting logs every table of every font at INFO: one PDF would fill the log.
    "loggers": {"fontTools": {"level": "WARNING"}},
}

# Seconds a kiosk waits before sending again when the API answers 503 (the database is unreachable).
API_RETRY_AFTER_SECONDS = int(os.environ.get("API_RETRY_AFTER_SECONDS", "30"))

# Behind a reverse proxy, the number of proxies that append to X-Forwarded-For; the public QR survey's
# rate limit then keys on the citizen's address instead of the proxy's (surveys/ratelimit.py).
TRUSTED_PROXY_HOPS = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))
