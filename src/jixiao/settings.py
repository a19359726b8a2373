"""Django settings, read from the environment. SQLite is the embedded default; production sets DATABASE_URL."""

from __future__ import annotations

import json
import os
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import dj_database_url

# pytest (and Django's own test runner) set up the test settings below.
_TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("JIXIAO_VAR_DIR", BASE_DIR.parent.parent / "var"))
# The embedded SQLite database and collected static files live here; WhiteNoise wants the folder to exist.
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)


class ImproperSetting(RuntimeError):
    """An environment variable holds a value its setting cannot take; the message names both."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    text = value.strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ImproperSetting(f"{name}={value!r}: expected true/false")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperSetting(f"{name}={value!r}: expected a whole number") from None


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperSetting(f"{name}={value!r}: expected a number") from None


def env_decimal(name: str, default: str) -> Decimal:
    value = os.environ.get(name) or default
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ImproperSetting(f"{name}={value!r}: expected a decimal number") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_json(name: str, default: Any) -> Any:
    """A structured setting (a mapping of intervals, SLA hours…) as JSON in one variable."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise ImproperSetting(f"{name}: not valid JSON ({error})") from None


DEBUG = env_bool("JIXIAO_DEBUG", False)
# make run's demo runs with a known key; anything else without DEBUG needs a real one.
DEMO = env_bool("JIXIAO_DEMO", False)
SECRET_KEY = env_str("JIXIAO_SECRET_KEY")
# The web server refuses to start without a key unless DEBUG or the demo is on (jixiao.checks); the
# command-line tools sign nothing and run either way.
SECRET_KEY_MISSING = not SECRET_KEY
if SECRET_KEY_MISSING:
    SECRET_KEY = "insecure-development-key-change-me"
ALLOWED_HOSTS = env_list("JIXIAO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "template_partials",
    "csp",
    "jixiao.orgs",
    "jixiao.audit",
    "jixiao.performance",
    "jixiao.security",
    "jixiao.workdays",
    "jixiao.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the session and CSRF middleware, so that it sees (and marks Secure) the cookies they set.
    "jixiao.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jixiao.web.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "jixiao.urls"
WSGI_APPLICATION = "jixiao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jixiao.web.context.top_bar",
                "jixiao.web.context.kept_page_token",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jixiao.sqlite3'}"),
        conn_max_age=env_int("JIXIAO_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The pages keep what they compute (the project page's snapshot, review and self-evaluation) under a stamp of
# the data it is of, so a stale entry is never read, only left to expire. Local memory per process by default;
# JIXIAO_CACHE_BACKEND/JIXIAO_CACHE_LOCATION share it between gunicorn workers (docs/decisions.md), e.g.
# django.core.cache.backends.filebased.FileBasedCache with a directory.
CACHES = {
    "default": {
        "BACKEND": env_str("JIXIAO_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": env_str("JIXIAO_CACHE_LOCATION", "jixiao"),
        "TIMEOUT": env_int("JIXIAO_CACHE_SECONDS", 24 * 3600),
        "OPTIONS": {"MAX_ENTRIES": env_int("JIXIAO_CACHE_MAX_ENTRIES", 2000)},
    },
    # Whole pages kept per person and state of the data (``jixiao.web.pagecache``), compressed (≈ 10–20 KB each).
    # Per process by default; with several gunicorn workers, share them through a directory:
    # JIXIAO_PAGE_CACHE_BACKEND=django.core.cache.backends.filebased.FileBasedCache, JIXIAO_PAGE_CACHE_LOCATION=/dir.
    "pages": {
        "BACKEND": env_str("JIXIAO_PAGE_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": env_str("JIXIAO_PAGE_CACHE_LOCATION", "jixiao-pages"),
        "OPTIONS": {"MAX_ENTRIES": env_int("JIXIAO_PAGE_CACHE_ENTRIES", 2000)},
    },
}
# How long a kept page may be served at most (0: pages are never kept); see jixiao.web.pagecache.
JIXIAO_PAGE_CACHE_SECONDS = env_int("JIXIAO_PAGE_CACHE_SECONDS", 300)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Argon2 first: new and changed passwords are hashed with it; older hashes still verify and are upgraded.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Anyone active with a role on a unit signs in to the web app; no staff flag needed.
AUTHENTICATION_BACKENDS = ["jixiao.web.auth.MembershipBackend"]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Our own date and number formats (zh_Hans input formats that Python's strptime accepts).
FORMAT_MODULE_PATH = ["jixiao.web.formats"]
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Sign-in and response headers -------------------------------------------------------------------------
# Over https (JIXIAO_HTTPS=1, or a request the proxy marks as https) cookies are Secure, HSTS is sent and
# plain http is redirected; `jixiao.web.middleware` also marks cookies Secure on any request that is https.
HTTPS = env_bool("JIXIAO_HTTPS", False)
_proxy_header = env_str("JIXIAO_PROXY_SSL_HEADER").strip()  # e.g. X-Forwarded-Proto
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("JIXIAO_HSTS_SECONDS", 365 * 24 * 3600)  # sent over https only
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("JIXIAO_HSTS_SUBDOMAINS", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
SESSION_COOKIE_AGE = env_int("JIXIAO_SESSION_SECONDS", 8 * 3600)  # a working day
CSRF_COOKIE_HTTPONLY = True  # htmx sends the token from the page (hx-headers), not from the cookie
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = HTTPS
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)
# Scripts and styles only from the app itself: no inline script, no inline style, no eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    }
}
# Sign-in throttling: after this many failures (per account, and per address) each further attempt waits,
# the wait doubling from LOGIN_DELAY_SECONDS up to LOGIN_DELAY_MAX_SECONDS.
LOGIN_FREE_FAILURES = 5
LOGIN_DELAY_SECONDS = env_int("JIXIAO_LOGIN_DELAY_SECONDS", 15)
LOGIN_DELAY_MAX_SECONDS = 15 * 60
LOGIN_FAILURE_WINDOW_SECONDS = 24 * 3600

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("JIXIAO_LOG_LEVEL", "WARNING")},
}

# --- jixiao's own knobs: every one is read here from the environment (README, "Settings") -----------------

# Scoped querysets evaluated without restrict(user, action) or unrestricted() raise (on in the tests).
JIXIAO_STRICT_SCOPES = env_bool("JIXIAO_STRICT_SCOPES", _TESTING)

# Performance: evidence files, the monitoring round's cut-off month.
JIXIAO_EVIDENCE_MAX_BYTES = env_int("JIXIAO_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
JIXIAO_MONITORING_CUTOFF_MONTH = env_int("JIXIAO_MONITORING_CUTOFF_MONTH", 7)

# Security monitoring: outage confirmation, schedules, leases, the probe engine, TLS enumeration.
JIXIAO_SECURITY_FAILURE_THRESHOLD = env_int("JIXIAO_SECURITY_FAILURE_THRESHOLD", 3)
JIXIAO_SECURITY_RECOVER_THRESHOLD = env_int("JIXIAO_SECURITY_RECOVER_THRESHOLD", 2)
# {"key": {"availability": 60, …}, …}: seconds per schedule class and check group, over the built-in table.
JIXIAO_SECURITY_SCHEDULES: dict[str, dict[str, float]] = env_json("JIXIAO_SECURITY_SCHEDULES", {})
JIXIAO_SECURITY_LEASE_SECONDS = env_float("JIXIAO_SECURITY_LEASE_SECONDS", 600.0)
JIXIAO_SECURITY_ENGINE: dict[str, Any] = env_json(
    "JIXIAO_SECURITY_ENGINE", {"concurrency": 100, "per_host": 2}
)
JIXIAO_SECURITY_PROBE_OPTIONS: dict[str, Any] = env_json("JIXIAO_SECURITY_PROBE_OPTIONS", {})
JIXIAO_SECURITY_REDIRECTION_SECONDS = env_float("JIXIAO_SECURITY_REDIRECTION_SECONDS", 86400.0)
# Networks a probe never connects to unless an administrator marks the asset internal; empty means the
# built-in list (loopback, link-local, private and reserved ranges: jixiao.domain.probes.confine.DEFAULT_DENY).
JIXIAO_SECURITY_DENY_NETWORKS: list[str] = env_list("JIXIAO_SECURITY_DENY_NETWORKS")
JIXIAO_SECURITY_TLS_SCAN: dict[str, Any] = env_json(
    "JIXIAO_SECURITY_TLS_SCAN", {"timeout": 5.0, "max_connections": 4, "max_handshakes": 400}
)
# The live board's snapshot: checked for changes at most this often (0: on every poll), and the file the
# monitor publishes it to for the web workers (empty: a file in JIXIAO_VAR_DIR named by the database).
JIXIAO_SECURITY_BOARD_SECONDS = env_float("JIXIAO_SECURITY_BOARD_SECONDS", 5.0)
JIXIAO_SECURITY_BOARD_FILE = env_str("JIXIAO_SECURITY_BOARD_FILE")

# Incidents: SLA hours per class over the defaults (key 6 h, ordinary 24 h), escalation at this fraction.
JIXIAO_SECURITY_SLA_HOURS: dict[str, float] = env_json("JIXIAO_SECURITY_SLA_HOURS", {})
JIXIAO_SECURITY_ESCALATE_FRACTION = env_decimal("JIXIAO_SECURITY_ESCALATE_FRACTION", "0.8")

# Notifications: apprise URLs (json://…, dingtalk://…) and the office's own e-mail recipients; each send is
# bounded by this many seconds.
JIXIAO_SECURITY_WEBHOOKS = env_list("JIXIAO_SECURITY_WEBHOOKS")
JIXIAO_SECURITY_EMAILS = env_list("JIXIAO_SECURITY_EMAILS")
JIXIAO_NOTIFY_TIMEOUT_SECONDS = env_float("JIXIAO_NOTIFY_TIMEOUT_SECONDS", 10.0)

# Reminders of the 待办 inbox: sent this many working days before a deadline and again once it has passed,
# by e-mail to the person (when their account has an address) and to these apprise URLs (a group chat robot).
JIXIAO_REMINDER_WORKING_DAYS = env_int("JIXIAO_REMINDER_WORKING_DAYS", 3)
JIXIAO_REMINDER_WEBHOOKS = env_list("JIXIAO_REMINDER_WEBHOOKS")

EMAIL_BACKEND = env_str("JIXIAO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("JIXIAO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("JIXIAO_EMAIL_PORT", 25)
EMAIL_TIMEOUT = env_int("JIXIAO_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("JIXIAO_EMAIL_FROM", "jixiao@localhost")

# Closing the monitoring loop: the severities whose new findings are drafted into a notice by themselves
# (comma-separated: critical,high), and the rectification deadline such a draft proposes, in working days
# (the official calendar of the workdays app: weekends, holidays and 调休 days counted as they fall).
JIXIAO_SECURITY_AUTO_NOTICE_SEVERITIES = env_list("JIXIAO_SECURITY_AUTO_NOTICE_SEVERITIES", "critical")
JIXIAO_SECURITY_AUTO_NOTICE_WORKING_DAYS = env_int("JIXIAO_SECURITY_AUTO_NOTICE_WORKING_DAYS", 5)
