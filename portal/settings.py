"""Settings of the portal, read from the environment (see the table in README.md).

With nothing set, the portal runs on a laptop with no servers: SQLite, a cache shared by
every process (diskcache) and a Celery broker, all kept in files under ``var/``. With
``REDIS_URL`` set, Redis is the cache and the broker. ``DEBUG=false`` is the production
profile: it demands a real ``SECRET_KEY`` and ``ALLOWED_HOSTS`` and turns on every
``check --deploy`` protection.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal.env import (
    env_bool,
    env_email,
    env_int,
    env_list,
    env_names,
    env_str,
    env_timezone,
    env_url,
    env_url_prefixes,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
# With DEBUG, whether a missing page or a crash shows Django's debug page (`make dev`, the
# default) or the portal's own 404 and 500 pages, as members get (`make run` sets false:
# it is the product, not a development server). Without DEBUG it is always the portal's.
DEBUG_ERROR_PAGES = env_bool("DEBUG_ERROR_PAGES", DEBUG) and DEBUG

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdefghij"
SECRET_KEY = env_str("SECRET_KEY", "" if not DEBUG else _DEV_SECRET_KEY)
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is false: use a long random string, for example "
        "the output of `python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY is too weak for production: use 50 or more characters.")

SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https"))
_site = urlsplit(SITE_URL)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else [_site.hostname or ""],
)
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]

TIME_ZONE = env_timezone("TIME_ZONE", "UTC")
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]

INSTALLED_APPS = [
    "portal",
    "providers",
    "bookings",
    "portal.apps.StaffAdminConfig",  # django.contrib.admin, landing on Today
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "csp",  # django-csp: the Content-Security-Policy (see below)
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
]
# Development tools (the provider sandbox and its demo accounts) live outside the wheel and
# are installed only in development, when the checkout has them.
if DEBUG:
    INSTALLED_APPS += [app for app in ("sandbox", "devtools") if importlib.util.find_spec(app)]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.ApiJsonErrorsMiddleware",
    "portal.middleware.MemberErrorPagesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.PrivateCacheMiddleware",
    "portal.middleware.MemberPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into its 429 page
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # after Django's csrf: a page rendered to be kept has a placeholder token
                "bookings.pagecache.csrf_placeholder",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
_database_url = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
except (ValueError, KeyError) as exc:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database URL ({exc}): use postgres://user:pass@host:5432/name "
        "or sqlite:///path/to/db.sqlite3."
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Many processes (web, worker, beat) share the file: wait for locks instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery broker ---------------------------------------------------
REDIS_URL = (
    env_url("REDIS_URL", "", schemes=("redis", "rediss", "unix")) if env_str("REDIS_URL") else ""
)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            "TIMEOUT": 300,
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600}
else:
    # One cache for every process on this machine (web, worker, beat): diskcache's Django
    # cache, SQLite files under var/cache with an atomic ``add``. A per-process cache would
    # keep the worker's availability refreshes, the single-flight locks and the rate
    # limits (providers/ratelimit.py keeps its windows beside it) from the other processes.
    CACHES = {
        "default": {
            "BACKEND": "diskcache.DjangoCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "KEY_PREFIX": "portal",
            "TIMEOUT": 300,
            "SHARDS": 4,  # writers to different shards do not wait for each other
            "DATABASE_TIMEOUT": 0.1,  # seconds a read waits for a lock before it is a miss
            "OPTIONS": {"size_limit": 256 * 1024 * 1024},  # oldest entries culled beyond
        }
    }
    # A broker that needs no server: kombu's filesystem transport, shared by every
    # process on this machine through a folder.
    _broker_dir = Path(env_str("CELERY_FILESYSTEM_DIR", str(VAR_DIR / "celery")))
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # how often a worker looks in the folder (kombu's default is every second): a
        # refresh the web process asks for is picked up within a quarter of a second
        "polling_interval": 0.25,
    }
    CELERY_RESULT_BACKEND = f"file://{_broker_dir / 'results'}"

CELERY_TASK_ALWAYS_EAGER = False  # workers run tasks for real; unit tests opt in locally
CELERY_TASK_ACKS_LATE = True  # a task whose worker dies is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    # each account has its own interval; this tick starts the ones that are due
    "sync-due-provider-accounts": {"task": "providers.sync_due_accounts", "schedule": 20.0},
    # bookings whose task was lost (broker down, worker killed) are sent again
    "sweep-bookings": {"task": "bookings.sweep", "schedule": 60.0},
    # Zentry approvals and other answers that come later
    "reconcile-awaiting-bookings": {"task": "bookings.reconcile_awaiting", "schedule": 120.0},
    # upcoming bookings read back from their providers (cancelled or moved there); each
    # booking at most once per BOOKING_RECHECK_SECONDS, within the provider's rate limit
    "recheck-upcoming-bookings": {"task": "bookings.recheck_upcoming", "schedule": 60.0},
    # the availability index search reads: the item-days checked longest ago, within a
    # third of each provider's documented rate limit per minute (bookings/index.py)
    "refresh-availability-index": {"task": "bookings.refresh_index", "schedule": 60.0},
    # waitlist entries whose window has started (bookings/waitlist)
    "expire-waitlist": {"task": "bookings.expire_waitlist", "schedule": 300.0},
    # reminder emails at the times members chose; each sent once (bookings/reminders.py)
    "scan-booking-reminders": {"task": "bookings.scan_reminders", "schedule": 60.0},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Email ----------------------------------------------------------------------------
# Console on a laptop: the emails a member would receive are printed by `make run`.
globals().update(env_email("EMAIL_URL", "console://"))
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Coworking Portal <bookings@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
STAFF_ALERT_EMAILS = env_list("STAFF_ALERT_EMAILS", [])
PROVIDER_HTTP_TIMEOUT_SECONDS = env_int("PROVIDER_HTTP_TIMEOUT_SECONDS", 10, minimum=1)
# A page waits on a provider's availability at most PAGE_PROVIDER_BUDGET_MS (then
# "unknown" and a background refresh), and on providers in all (a price preview or a
# confirmation's quote takes what is left: then the catalogue's estimate) at most
# PAGE_PROVIDER_TOTAL_MS (providers/availability.py, bookings/services/quotes.py).
PAGE_PROVIDER_BUDGET_MS = env_int("PAGE_PROVIDER_BUDGET_MS", 300, minimum=1)
PAGE_PROVIDER_TOTAL_MS = env_int("PAGE_PROVIDER_TOTAL_MS", 500, minimum=1)
# Provider work one page may trigger, in item-days (a room's day, a pass's day), and what
# one anonymous visitor (by address) may trigger per minute; the rest is left to workers.
PAGE_PROVIDER_MAX_ITEM_DAYS = env_int("PAGE_PROVIDER_MAX_ITEM_DAYS", 31, minimum=1)
ANON_PROVIDER_ITEM_DAYS_PER_MINUTE = env_int("ANON_PROVIDER_ITEM_DAYS_PER_MINUTE", 31, minimum=0)
# The percentage of a provider's documented rate limit availability for pages may use;
# the rest is reserved for bookings, submissions and quotes (providers/ratelimit.py).
PROVIDER_BROWSE_PERCENT = env_int("PROVIDER_BROWSE_PERCENT", 50, minimum=1)
BOOKING_STALE_SUBMISSION_SECONDS = env_int("BOOKING_STALE_SUBMISSION_SECONDS", 300, minimum=10)
# What one member may hold (0: no limit): live bookings of one room or pass (or inquiries
# about it) that have not ended, and hours of one room in one of its space's days (never
# less than the room's own longest booking). Checked where members book (staff booking
# for themselves too); the admin books nothing, so staff there are not limited.
MEMBER_MAX_UPCOMING_BOOKINGS_PER_ITEM = env_int(
    "MEMBER_MAX_UPCOMING_BOOKINGS_PER_ITEM", 10, minimum=0
)
MEMBER_MAX_HOURS_PER_DAY_PER_ROOM = env_int("MEMBER_MAX_HOURS_PER_DAY_PER_ROOM", 8, minimum=0)
# how often each upcoming booking is read back from its provider (bookings.recheck_upcoming)
BOOKING_RECHECK_SECONDS = env_int("BOOKING_RECHECK_SECONDS", 600, minimum=1)
# The availability index (bookings/index.py): how many local days ahead it covers, how
# old an item-day may get before beat refreshes it, and the item-days per minute an
# account may spend where its provider documents no rate limit.
INDEX_DAYS = env_int("INDEX_DAYS", 14, minimum=1)
INDEX_REFRESH_SECONDS = env_int("INDEX_REFRESH_SECONDS", 600, minimum=1)
INDEX_UNLIMITED_BUDGET = env_int("INDEX_UNLIMITED_BUDGET", 60, minimum=1)
# The waitlist: how long the member told first has a window to themselves before the
# next one waiting is told, and how many entries one member may wait on (0: no limit).
WAITLIST_HOLD_MINUTES = env_int("WAITLIST_HOLD_MINUTES", 15, minimum=0)
WAITLIST_MAX_ENTRIES = env_int("WAITLIST_MAX_ENTRIES", 20, minimum=0)
# Where provider accounts may send their requests, and with them their secrets: the
# deployment decides, not staff (providers/adapters/destinations.py). PROVIDER_URLS_<KIND>
# (e.g. PROVIDER_URLS_THIA) lists comma-separated URL prefixes; a provider not set here
# keeps the production URLs of its document (its SPEC.base_urls).
PROVIDER_URLS = {
    name.removeprefix("PROVIDER_URLS_").lower(): env_url_prefixes(name, [])
    for name in env_names("PROVIDER_URLS_")
}
# The provider sandbox (plain http on this machine, any port) is a development tool: it is
# allowed by default only with DEBUG (`make run`, the tests).
PROVIDER_ALLOW_SANDBOX = env_bool("PROVIDER_ALLOW_SANDBOX", DEBUG)
CREDENTIALS_KEY = env_str("CREDENTIALS_KEY", "")  # encrypts provider secrets; default SECRET_KEY

# --- Members --------------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out login before the password
    # ModelBackend, with the signed-in member's row read from the cache
    "portal.signed_in.KeptUserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes), for members and the staff panel alike: after
# LOGIN_FAILURE_LIMIT failed logins for one email address from one client address, that
# pair is refused (429, "try again in N minutes") for LOGIN_LOCKOUT_MINUTES after its
# last failure, even with the right password; a successful login starts the count again.
# The counts live in the cache every process shares (Redis, or diskcache on a laptop),
# like the portal's other limits: no table that failed attempts could grow.
# Per-client limits count the client's address: REMOTE_ADDR, or behind proxies that
# append to X-Forwarded-For (set their number), the address the outermost one was reached
# from (portal.accounts.client_address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # one member can't lock out another
AXES_USERNAME_FORM_FIELD = "username"  # the login forms' field (the email address)
AXES_USERNAME_CALLABLE = "portal.accounts.login_username"  # "ADA@x" counts as "ada@x"
AXES_CLIENT_IP_CALLABLE = "portal.accounts.client_address"
AXES_LOCKOUT_CALLABLE = "portal.views.accounts.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False  # the cache handler keeps nothing for the admin to list
AXES_VERBOSE = False  # no banner at each start (log lines mask member and address)

# Emails the account pages send on request (password reset, sign-up): at most
# ACCOUNT_EMAILS_PER_RECIPIENT to one email address and ACCOUNT_EMAILS_PER_CLIENT asked
# for by one client address within ACCOUNT_EMAILS_WINDOW_MINUTES. Past either, the page
# answers the same as ever and sends nothing (no clue which addresses have an account).
ACCOUNT_EMAILS_PER_RECIPIENT = env_int("ACCOUNT_EMAILS_PER_RECIPIENT", 5, minimum=1)
ACCOUNT_EMAILS_PER_CLIENT = env_int("ACCOUNT_EMAILS_PER_CLIENT", 20, minimum=1)
ACCOUNT_EMAILS_WINDOW_MINUTES = env_int("ACCOUNT_EMAILS_WINDOW_MINUTES", 60, minimum=1)

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
# --- Media: provider photos the worker stored (``providers.photos``) ---------------------
# STORAGES["default"] holds them: a folder by default, served by the portal at MEDIA_URL
# when SERVE_MEDIA (the default with DEBUG, so `make run` shows them). In production let
# the proxy serve MEDIA_ROOT at MEDIA_URL, or put them in object storage with
# MEDIA_STORAGE_BACKEND (e.g. django-storages' ``storages.backends.s3.S3Storage``) and its
# options as JSON in MEDIA_STORAGE_OPTIONS; an absolute MEDIA_URL (a CDN) is then the only
# other origin pages may load images from (docs/operations.md, "Media storage").
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = env_str("MEDIA_URL", "/media/")
if not MEDIA_URL.endswith("/") or not (
    MEDIA_URL.startswith("/") or MEDIA_URL.startswith(("https://", "http://"))
):
    raise ImproperlyConfigured(
        f"MEDIA_URL={MEDIA_URL!r} must be a path or an http(s) URL ending with '/'."
    )
_media = urlsplit(MEDIA_URL)
MEDIA_ORIGIN = f"{_media.scheme}://{_media.netloc}" if _media.netloc else ""
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
try:
    _media_options = json.loads(env_str("MEDIA_STORAGE_OPTIONS", "{}"))
except ValueError as exc:
    raise ImproperlyConfigured(f"MEDIA_STORAGE_OPTIONS is not JSON: {exc}.") from None
if not isinstance(_media_options, dict):
    raise ImproperlyConfigured("MEDIA_STORAGE_OPTIONS must be a JSON object.")
# A provider photo larger than this is refused (not downloaded further).
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)

STORAGES = {
    "default": {
        "BACKEND": env_str("MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": _media_options,
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# WhiteNoise serves the files (gunicorn in `make run` and production, runserver in `make
# dev`). STATIC_AUTOREFRESH=false (what `make run` sets) serves what collectstatic put in
# STATIC_ROOT from an index built at start, cacheable for a minute; true (the default with
# DEBUG, `make dev`) looks each file up in the source folders, so an edit shows at once.
WHITENOISE_AUTOREFRESH = env_bool("STATIC_AUTOREFRESH", DEBUG)
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH
WHITENOISE_MAX_AGE = 0 if WHITENOISE_AUTOREFRESH else 60

# --- Security (production profile) ----------------------------------------------------
# Sessions in the database, read from the cache; a cache that is down is a miss
# (portal/sessions.py)
SESSION_ENGINE = "portal.sessions"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "portal.views.site.csrf_failure"  # Django's own page has inline style
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Content-Security-Policy (django-csp), in every profile so a break shows in development
# Pages run only the scripts and styles of our own origin: no inline script, event handler
# attribute, eval (htmx's is turned off in base.html) or style attribute. Images only from
# our own origin: provider photos are downloaded by a worker and served from the media
# storage (``providers.photos``), never hotlinked; an absolute MEDIA_URL adds its origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF] + ([MEDIA_ORIGIN] if MEDIA_ORIGIN else []),
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Logging: one line per event, never secrets ---------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL={LOG_LEVEL!r} is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # calendar feed URLs carry the member's secret token: cut from request lines
    "filters": {"feed_tokens": {"()": "portal.log_redaction.RedactFeedTokens"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {  # Django's own, as runserver prints it
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["feed_tokens"],  # whatever logger wrote the line
        },
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # runserver's request lines (`make dev`) and the 404/500 lines: Django's defaults
        # with the feed token cut (a logger's filter runs before any handler sees the line)
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["feed_tokens"],
        },
        "django.request": {"filters": ["feed_tokens"]},
        "django.db.backends": {"level": "INFO"},
        # httpx logs every URL with its query string at INFO; provider calls are logged
        # by providers.http instead, without query strings (they can carry credentials).
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}
