"""Hearth's one settings module, read from environment variables (django-environ).

``HEARTH_MODE`` picks the safety profile:

- ``production`` (the default): DEBUG off, HTTPS only, secure cookies, HSTS, a
  ``SECRET_KEY`` and ``ALLOWED_HOSTS`` must be given, every account needs two factors.
- ``demo``: what ``make run`` uses on a laptop: plain HTTP on 127.0.0.1, a visible
  "Demo" banner, and the seeded demo accounts may skip the second factor.
- ``test``: what ``make test`` uses: like demo, with a fast password hasher.

Every other value has a safe default and an environment variable to change it;
``docs/operations.md`` lists them.
"""

from __future__ import annotations

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Values in the environment win over a local .env file (which `make run` writes for the demo).
environ.Env.read_env(env.str("HEARTH_ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

HEARTH_MODE = env.str("HEARTH_MODE", default="production")
if HEARTH_MODE not in {"production", "demo", "test"}:
    raise environ.ImproperlyConfigured(
        f"HEARTH_MODE must be production, demo or test, not {HEARTH_MODE!r}"
    )
PRODUCTION = HEARTH_MODE == "production"
# Demo accounts may skip the second factor only outside production (architecture §4).
HEARTH_DEMO_MODE = not PRODUCTION

DEBUG = env.bool("DEBUG", default=False)

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="hearth-" + HEARTH_MODE + "-only-not-secret")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "auditlog",
    "crispy_forms",
    "crispy_forms_gds",
    "csp",
    "ninja",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "hearth.core",
    "hearth.audit",
    "hearth.accounts",
    "hearth.people",
    "hearth.matching",
    "hearth.incidents",
    "hearth.risk",
    "hearth.schools",
    "hearth.directory",
    "hearth.obligations",
    "hearth.referrals",
    "hearth.encompass",
    "hearth.specialist",
    "hearth.marac",
    "hearth.voices",
    "hearth.families",
    "hearth.search",
    "hearth.stats",
    "hearth.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: every response but a static file is Cache-Control: no-store.
    "hearth.core.middleware.NoStoreMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hearth.accounts.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "hearth.accounts.middleware.ActorMiddleware",
    # A body over the limit is a 413 before anything reads it (hearth/core/body_limit.py).
    "hearth.core.body_limit.RequestBodyLimitMiddleware",
    "hearth.audit.middleware.AccessRouteMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hearth.core.middleware.DomainErrorMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # GOV.UK dates and times in every template (hearth.core.dates, issue 17).
            "builtins": ["hearth.core.templatetags.govuk_dates"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hearth.accounts.context_processors.hearth",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
# SQLite (WAL, immediate transactions, a busy timeout) unless DATABASE_URL names another.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Hearth's queries are short index reads: PostgreSQL's JIT compiler only adds its
        # compile time to them (50-70 ms on a team inbox's count at 1M obligations, measured
        # with the benchmark; docs/operations.md#benchmarks), so it is off per connection.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits and lockouts are counted in the cache, so it must be one every web worker
# shares (an in-process cache lets each worker count failed sign-ins alone): by default
# the database cache, whose table ``migrate`` makes (accounts migration 0003); Redis with
# CACHE_URL=redis://127.0.0.1:6379/1. ``check --deploy`` refuses a per-process cache.
# Tests keep an in-process cache, emptied before each test (conftest.py).
CACHES = {
    "default": env.cache_url(
        "CACHE_URL",
        default="locmemcache://hearth" if HEARTH_MODE == "test" else "dbcache://hearth_cache",
    )
}

# --- Accounts, sign-in and two factors --------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if HEARTH_MODE == "test":
    # Hashing speed is irrelevant to what the tests prove; production keeps Argon2.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "hearth.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("HEARTH_REAUTHENTICATION_SECONDS", default=300)
# Lockout: after 5 failed sign-ins for one account in 15 minutes, that account is locked
# for the rest of the window; any one address is held to 10 failures a minute.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/15m/key",
    "login": "30/m/ip",
    "reauthenticate": "5/5m/user",
    "reset_password": "5/m/ip,3/h/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Hearth"
MFA_RECOVERY_CODE_COUNT = 10
MFA_TOTP_TOLERANCE = 1

# The largest request body (docs/api.md, docs/operations.md). The largest valid incident
# (100 people and 100 children, every text at its longest, every character 4 bytes of
# UTF-8) is 32.6 MB of JSON: tests/test_api_schema.py works it out from the schema and
# checks the limit is above it. Over the limit is a 413 (hearth/core/body_limit.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 40 * 1024 * 1024
# A form that uploads a file (a GIAS extract of at most 80 MB, schools.forms) and its fields.
UPLOAD_MAX_BODY_SIZE = 90 * 1024 * 1024

# Session expiry after inactivity: the cookie's age restarts at every request.
SESSION_COOKIE_AGE = env.int("HEARTH_SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Transport and headers ---------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Content Security Policy (django-csp 4): scripts only from here or with the request's
# nonce; no inline styles or scripts, no 'unsafe-inline', nothing framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

# --- Internationalisation and time ------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------
# The compiled GOV.UK / MOJ assets are built by `make assets` into hearth/core/static/.
STATIC_URL = "/static/"
# Collected for production only; demo and tests serve straight from the app folders.
STATIC_ROOT = BASE_DIR / "staticfiles" if PRODUCTION else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- Background work (django-tasks with the database backend) ---------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Mail: through the notify port; the console in demo and test ------------------------
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.smtp.EmailBackend"
        if PRODUCTION
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="hearth@localhost")
# A mail server that never answers must not hold a delivery worker for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# The outbox's delivery worker (manage.py deliver_messages; hearth.core.delivery): minutes
# to wait before each retry (the last attempt follows the last wait), how long a claimed
# message is held before another worker may take it (longer than a send can take), and
# how many messages one claim takes.
HEARTH_DELIVERY_BACKOFF_MINUTES = env.list(
    "HEARTH_DELIVERY_BACKOFF_MINUTES", cast=float, default=[1, 5, 15, 60, 240]
)
HEARTH_DELIVERY_LEASE_SECONDS = env.float("HEARTH_DELIVERY_LEASE_SECONDS", default=300)
HEARTH_DELIVERY_BATCH_SIZE = env.int("HEARTH_DELIVERY_BATCH_SIZE", default=10)
# Where Hearth is served, for the links in messages (which go out with no request).
HEARTH_BASE_URL = env.str("HEARTH_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Audit ------------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = True

# --- Logging: structured, and never with personal data (style.md §22) -------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}

# --- Hearth -----------------------------------------------------------------------------
HEARTH_SERVICE_NAME = "Hearth"
# Licensed risk checklist wording (DASH / SafeLives RIC), supplied by the deployment:
# JSON files in the format of docs/risk.md, checked at start-up (``manage.py check``).
HEARTH_RISK_WORDING_FILES = env.list("HEARTH_RISK_WORDING_FILES", default=[])
# Disclosure control on every statistic analysts see (docs/stats.md): "dfe" (counts 1 to 5
# shown as c, national totals to the nearest 10) or "ons" (under 10 hidden, to the
# nearest 5). Checked at start-up (``manage.py check``).
HEARTH_STATS_DISCLOSURE = env.str("HEARTH_STATS_DISCLOSURE", default="dfe").lower()
# Linked identities (issue 16 §2; docs/matching.md): records of one person at two agencies
# are linked automatically at or above the first probability, queued for a data-quality
# reviewer from the second, never linked below it.
HEARTH_MATCH_AUTO_LINK = env.float("HEARTH_MATCH_AUTO_LINK", default=0.99)
HEARTH_MATCH_REVIEW = env.float("HEARTH_MATCH_REVIEW", default=0.80)
