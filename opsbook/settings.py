"""Opsbook settings: one module, read from the environment, failing loudly on bad values.

Two profiles, chosen by ``OPSBOOK_ENV``:

* ``development`` (default): DEBUG on, a fixed development secret, SQLite under ``var/``.
* ``production``: DEBUG off, ``SECRET_KEY`` and ``ALLOWED_HOSTS`` required, secure cookies,
  HSTS and HTTPS redirect on.

Every variable is documented in ``docs/operators/configuration.md``.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} is required.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false).")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


OPSBOOK_ENV = env_str("OPSBOOK_ENV", "development")
if OPSBOOK_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"OPSBOOK_ENV={OPSBOOK_ENV!r}: use 'development' or 'production'.")
PRODUCTION = OPSBOOK_ENV == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when OPSBOOK_ENV=production.")

_DEV_SECRET = "opsbook-development-only-secret-key-never-use-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY", None if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production (comma-separated).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

VAR_DIR = Path(env_str("OPSBOOK_VAR_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "opsbook.core",
    "opsbook.accounts",
    "opsbook.audit",
    "opsbook.notify",
    "opsbook.catalog",
    "opsbook.calendars",
    "opsbook.sops",
    "opsbook.tickets",
    "opsbook.people",
    "opsbook.routines",
    "opsbook.metrics",
    "opsbook.work",
    "opsbook.goals",
    "opsbook.surveys",
    "opsbook.problems",
    "opsbook.dashboards",
    "opsbook.reports",
    "opsbook.portal",
    "django_tasks_db",
    "opsbook.jobs",
    "opsbook.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files before anything else works on the request (docs/operators/production.md).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Refuses a body over the limit (413) before any other middleware or view reads it.
    "opsbook.core.middleware.RequestBodyLimitMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "opsbook.accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "opsbook.urls"
WSGI_APPLICATION = "opsbook.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "opsbook.accounts.context_processors.navigation",
                "opsbook.calendars.context_processors.calendar_health_banner",
                "opsbook.portal.context_processors.portal_navigation",
                "opsbook.notify.context_processors.inbox",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'opsbook.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db["OPTIONS"] = {
        # WAL lets readers run beside one writer; IMMEDIATE makes writers queue instead of
        # failing with "database is locked" half-way through a transaction.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _db["TEST"] = {"NAME": env_str("SQLITE_TEST_NAME", "") or None}
elif _db["ENGINE"] in {
    "django.db.backends.postgresql",
    "django.db.backends.postgresql_psycopg2",
}:
    _db["ENGINE"] = "django.db.backends.postgresql"
else:
    raise ImproperlyConfigured("DATABASE_URL must point at SQLite or PostgreSQL.")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts and security ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
# The site root sends customers to the portal and staff to their pages (portal.views.start).
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after repeated failed logins (django-axes): per username and address.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Submitting a domain to browsers' HSTS preload list is a commitment for every subdomain that
# only its operator can make; it stays opt-in, so its deploy-check warning is silenced.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Uploads --------------------------------------------------------------------------------
# The largest checklist file accepted by the import wizard, the API and the CLI.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_MB", 20, minimum=1) * 1024 * 1024
# The largest file `opsbook tickets import` reads (years of tickets are larger than a checklist).
TICKET_IMPORT_MAX_BYTES = env_int("TICKET_IMPORT_MAX_MB", 200, minimum=1) * 1024 * 1024
# Attachments (tickets, portal) are checked one by one and together against this.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 10, minimum=1) * 1024 * 1024
# Room a multipart body takes beyond its files: boundaries, part headers and the form's fields.
UPLOAD_OVERHEAD_BYTES = 256 * 1024
# The largest request body any route accepts: larger ones are answered 413 before anything
# reads them (opsbook.core.middleware). Upload routes refuse at their own, smaller limit.
# Keep the proxy's limit (nginx client_max_body_size) at this figure.
REQUEST_MAX_BYTES = env_int(
    "REQUEST_MAX_MB",
    -(-(max(IMPORT_MAX_BYTES, ATTACHMENT_MAX_BYTES) + UPLOAD_OVERHEAD_BYTES) // (1024 * 1024)),
    minimum=1,
) * (1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
# opsbook/static (base styles, scripts, vendored Bootstrap and htmx) belongs to no app.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            # Hashed names (cached for a year by browsers) and gzip copies; collectstatic fails
            # when a file names another that is missing (a source map, a font).
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# WhiteNoise serves STATIC_ROOT after collectstatic in production; elsewhere it serves the
# source folders directly, so `make run` (DEBUG off) has its styles without collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
# Uploaded files (ticket attachments). Never served by the web server: every download goes
# through a view that checks permission and sends the file as an attachment.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Cut-down CJK faces for PDF reports (`opsbook report fonts` writes them; see
# opsbook/reports/export/fonts.py). Without them the PDF embeds the installed faces whole.
REPORT_FONT_DIR = Path(env_str("REPORT_FONT_DIR", str(VAR_DIR / "fonts")))

# --- E-mail -------------------------------------------------------------------------------
# Development prints mail to the console; production sends through SMTP (EMAIL_HOST …).
_MAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
_MAIL_OPTIONS = {}
if _MAIL_BACKEND.endswith("smtp.EmailBackend"):
    _MAIL_OPTIONS = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25, minimum=1),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": 30,
    }
MAILERS = {"default": {"BACKEND": _MAIL_BACKEND, "OPTIONS": _MAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "opsbook@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Tickets and SLA ------------------------------------------------------------------------
# Warn when this share of a response or resolution target is used up (and again at breach).
OPSBOOK_SLA_WARNING_PERCENT = env_int("SLA_WARNING_PERCENT", 75, minimum=1)
if OPSBOOK_SLA_WARNING_PERCENT >= 100:
    raise ImproperlyConfigured("SLA_WARNING_PERCENT must be between 1 and 99.")
# A resolved ticket may be reopened this many days after resolution; then it closes itself.
OPSBOOK_TICKET_REOPEN_DAYS = env_int("TICKET_REOPEN_DAYS", 7, minimum=0)
# The ticket list counts its matches exactly up to this many; past it the total is an estimate.
OPSBOOK_TICKET_COUNT_LIMIT = env_int("TICKET_COUNT_LIMIT", 10_000, minimum=1)
# Ticket exports of at most this many rows download at once; larger ones run as a background
# job, whose file is kept for TICKET_EXPORT_KEEP_HOURS (docs/users/ticket-export.md).
OPSBOOK_TICKET_EXPORT_DIRECT_ROWS = env_int("TICKET_EXPORT_DIRECT_ROWS", 5000, minimum=0)
OPSBOOK_TICKET_EXPORT_KEEP_HOURS = env_int("TICKET_EXPORT_KEEP_HOURS", 24, minimum=1)
# The workload plan counts each open ticket at this many minutes (tickets carry no estimate).
WORKLOAD_MINUTES_PER_TICKET = env_int("WORKLOAD_MINUTES_PER_TICKET", 60, minimum=0)
# One-time satisfaction links stay valid this many days.
OPSBOOK_SATISFACTION_LINK_DAYS = env_int("SATISFACTION_LINK_DAYS", 14, minimum=1)
# Follow-up visits (回访): tickets of these types get one due this many business days after
# resolution, on the ticket's calendar (docs/users/follow-ups.md). Type codes: consultation,
# incident, complaint, suggestion (checked by the tickets app's system check).
OPSBOOK_FOLLOW_UP_TICKET_TYPES = env_list("FOLLOW_UP_TICKET_TYPES", ["complaint"])
OPSBOOK_FOLLOW_UP_BUSINESS_DAYS = env_int("FOLLOW_UP_BUSINESS_DAYS", 3, minimum=0)
# One-time links sent to new accounts to set their password stay valid this many days.
PASSWORD_RESET_TIMEOUT = env_int("INVITATION_DAYS", 7, minimum=1) * 86400
# The address links in e-mails point at (satisfaction links, ticket links). `opsbook serve`
# (`make run`) sets it to the address it serves when it is not configured; production takes
# the first of ALLOWED_HOSTS over HTTPS unless told otherwise.
_BASE_URL_DEFAULT = "http://127.0.0.1:8000"
if PRODUCTION and ALLOWED_HOSTS[0].lstrip(".") and "*" not in ALLOWED_HOSTS[0]:
    _BASE_URL_DEFAULT = f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
OPSBOOK_BASE_URL = env_str("OPSBOOK_BASE_URL", _BASE_URL_DEFAULT).rstrip("/")
if not OPSBOOK_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"OPSBOOK_BASE_URL={OPSBOOK_BASE_URL!r} must start with http:// or https://."
    )

# --- Recurring service work (routines) ------------------------------------------------------
# Occurrences are generated this many days ahead of today (the daily job keeps the horizon).
ROUTINES_HORIZON_DAYS = env_int("ROUTINES_HORIZON_DAYS", 60, minimum=1)
# Owners are reminded this many hours before an occurrence is due; 0: on the morning of the due
# day (the start of its first working window). A content whose service standard says
# "提前N天" (lead_days) is reminded N days ahead instead.
ROUTINES_REMIND_HOURS_BEFORE = env_int("ROUTINES_REMIND_HOURS_BEFORE", 0, minimum=0)

# --- Notifications: the inbox, preferences, the daily digest (notify) -------------------------
# When the daily digest goes out for someone who chose no time of their own (HH:MM, TIME_ZONE).
OPSBOOK_DIGEST_AT = env_str("NOTIFY_DIGEST_AT", "08:00")
if not (
    len(OPSBOOK_DIGEST_AT) == 5
    and OPSBOOK_DIGEST_AT[2] == ":"
    and OPSBOOK_DIGEST_AT[:2].isdigit()
    and OPSBOOK_DIGEST_AT[3:].isdigit()
    and int(OPSBOOK_DIGEST_AT[:2]) < 24
    and int(OPSBOOK_DIGEST_AT[3:]) < 60
):
    raise ImproperlyConfigured(f"NOTIFY_DIGEST_AT={OPSBOOK_DIGEST_AT!r} is not a time (HH:MM).")

# --- Notifications: delivery (outbox worker, chat webhooks) ---------------------------------
# Keys that encrypt chat channels' webhook URLs and signing secrets at rest (notify/secrets.py):
# comma-separated, the first encrypts, every one decrypts (rotation: put the new key first, run
# `opsbook notify_rotate_secrets`, then drop the old one). Unset: derived from SECRET_KEY.
NOTIFY_SECRET_KEYS = env_list("NOTIFY_SECRET_KEY", [])
# A delivery is tried this many times, then shown as failed (with "send again").
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 5, minimum=1)
# Retries wait base × 2^(attempt-1) seconds, at most the cap (a vendor's own wait wins if longer).
NOTIFY_RETRY_BASE_SECONDS = env_int("NOTIFY_RETRY_BASE_SECONDS", 30, minimum=1)
NOTIFY_RETRY_MAX_SECONDS = env_int("NOTIFY_RETRY_MAX_SECONDS", 3600, minimum=1)
# A row a worker claimed this long ago and never finished is taken back (the worker died).
NOTIFY_LEASE_SECONDS = env_int("NOTIFY_LEASE_SECONDS", 300, minimum=30)
# Rows one pass of the outbox worker claims at most.
NOTIFY_BATCH_SIZE = env_int("NOTIFY_BATCH_SIZE", 100, minimum=1)
# Webhook requests: connect and read timeouts (seconds) and the largest answer read (bytes).
NOTIFY_CONNECT_TIMEOUT = env_int("NOTIFY_CONNECT_TIMEOUT", 5, minimum=1)
NOTIFY_READ_TIMEOUT = env_int("NOTIFY_READ_TIMEOUT", 10, minimum=1)
NOTIFY_MAX_RESPONSE_BYTES = env_int("NOTIFY_MAX_RESPONSE_BYTES", 65536, minimum=1024)
# Sent deliveries are deleted after this many days, failed ones after the second figure (the
# inbox keeps its own entries; this is only the outbox's record of sending).
NOTIFY_SENT_KEEP_DAYS = env_int("NOTIFY_SENT_KEEP_DAYS", 30, minimum=1)
NOTIFY_FAILED_KEEP_DAYS = env_int("NOTIFY_FAILED_KEEP_DAYS", 90, minimum=1)

# --- Customer portal ------------------------------------------------------------------------
# The public feedback form (no sign-in) at /portal/feedback/; off unless turned on.
PUBLIC_FEEDBACK_ENABLED = env_bool("PUBLIC_FEEDBACK_ENABLED", False)
# Submissions it accepts per hour from one address (IPv6: one /64), and from everyone together.
# Counted in the cache: set REDIS_URL when several web processes serve the site.
PUBLIC_FEEDBACK_PER_IP_HOUR = env_int("PUBLIC_FEEDBACK_PER_IP_HOUR", 5, minimum=1)
PUBLIC_FEEDBACK_PER_HOUR = env_int("PUBLIC_FEEDBACK_PER_HOUR", 100, minimum=1)
# Behind a reverse proxy: the header it sets to the client's address (e.g. X-Real-IP).
PUBLIC_FEEDBACK_IP_HEADER = env_str("PUBLIC_FEEDBACK_IP_HEADER", "")

# --- Background jobs ------------------------------------------------------------------------
# Django's Tasks API with the database backend (django-tasks-db): `task.enqueue()` writes a row
# in the same database and transaction as the data, `opsbook worker` runs the rows and
# `opsbook scheduler` enqueues periodic jobs. See docs/operators/workers.md.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# The daily housekeeping job deletes finished task results older than these many days.
TASK_RESULTS_KEEP_DAYS = env_int("TASK_RESULTS_KEEP_DAYS", 14, minimum=1)
TASK_FAILED_RESULTS_KEEP_DAYS = env_int("TASK_FAILED_RESULTS_KEEP_DAYS", 30, minimum=1)
# `opsbook worker` moves its heartbeat this often; a worker silent for WORKER_LEASE_SECONDS is
# taken for dead and the reaper (run every TASK_REAPER_SECONDS) requeues its idempotent tasks
# and fails the others. A task of a worker that sends no heartbeat (plain `db_worker`) is reaped
# after TASK_UNTRACKED_TIMEOUT_MINUTES of running; 0 never reaps it.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 10, minimum=1)
WORKER_LEASE_SECONDS = env_int("WORKER_LEASE_SECONDS", 60, minimum=1)
if WORKER_LEASE_SECONDS < 3 * WORKER_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        f"WORKER_LEASE_SECONDS={WORKER_LEASE_SECONDS} must be at least three heartbeats "
        f"(3 × WORKER_HEARTBEAT_SECONDS = {3 * WORKER_HEARTBEAT_SECONDS})."
    )
TASK_REAPER_SECONDS = env_int("TASK_REAPER_SECONDS", 60, minimum=1)
TASK_UNTRACKED_TIMEOUT_MINUTES = env_int("TASK_UNTRACKED_TIMEOUT_MINUTES", 0, minimum=0)

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- API ------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 500
