"""Settings for every environment, read from environment variables.

A newcomer gets SQLite under ``var/`` and Redis when reachable; production sets
``DATABASE_URL``, ``REDIS_URL``, ``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HOTLINE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable as a list."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)
TESTING = env_bool("HOTLINE_TESTING", default=False)

# Management commands that read only code, never signed data: they may run in a bare checkout
# (a developer's `makemigrations --check`) without a SECRET_KEY. Serving never may.
OFFLINE_COMMANDS = frozenset(
    {"makemigrations", "makemessages", "compilemessages", "showmigrations", "sqlmigrate"}
)


def _offline_command() -> bool:
    return (
        len(sys.argv) > 1
        and Path(sys.argv[0]).name == "manage.py"
        and sys.argv[1] in OFFLINE_COMMANDS
    )


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING or _offline_command()):
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "retainer",
    "oncall",
    "incidents",
    "postmortems",
    "insights",
]

MIDDLEWARE = [
    # First, so every log line and every timed request is covered (README "Operations").
    "core.logging.RequestContextMiddleware",
    "insights.prometheus.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.security.twofactor.TwoFactorMiddleware",
    "core.security.limits.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a flagged lockout into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# Simple widgets rendered in Python, byte-identical to Django's templates (see core/forms.py).
FORM_RENDERER = "core.forms.FastFormRenderer"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# Persistent connections: a request reuses its worker's connection instead of reconnecting.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hotline.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web, worker and beat processes share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif os.environ.get("DB_PREPARE_THRESHOLD", "5").lower() not in ("", "off"):
    # Server-side binding with prepared statements (psycopg 3): a statement run this many times
    # on a connection is parsed and planned once (the intake's INSERTs: a third less PostgreSQL
    # CPU). Prepared statements live in the session, so with pgbouncer in transaction mode (before
    # 1.21's max_prepared_statements) set DB_PREPARE_THRESHOLD=off (README "Performance").
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "server_side_binding": True,
        "prepare_threshold": int(os.environ.get("DB_PREPARE_THRESHOLD", "5")),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions -----------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith("redis"):
    CACHES = {
        # Django's Redis backend, reusing its client object between calls (core.cache).
        "default": {"BACKEND": "core.cache.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Hot reads kept in the cache (the signed-in user with its customer link, the intake catalogue;
# core.cache): on when the cache is shared by every web process (Redis) or there is only one.
_READ_CACHE_DEFAULT = 300 if CACHE_URL.startswith("redis") or DEBUG or TESTING else 0
HOTLINE_READ_CACHE_SECONDS = int(os.environ.get("HOTLINE_READ_CACHE_SECONDS", _READ_CACHE_DEFAULT))

# --- Auth -------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out user name + address before any password is checked (django-axes).
    "core.security.lockout.LockoutBackend",
    # Django's ModelBackend, with the session's user read through the cache (core.security).
    "core.security.backends.CachedModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Older hashes still verify and are upgraded to Argon2 at the next login.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
LOGIN_URL = "hotline:login"
LOGIN_REDIRECT_URL = "hotline:home"
LOGOUT_REDIRECT_URL = "hotline:login"

# --- Internationalisation and time ------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "ko")
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Seoul")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
# Uploaded attachments are private: stored outside the static tree, served only by an
# access-checked view (no MEDIA_URL route exists).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "hotline@example.com")

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "broker"
    (_queue_dir / "out").mkdir(parents=True, exist_ok=True)
    (_queue_dir / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "out"),
        "data_folder_out": str(_queue_dir / "out"),
        "processed_folder": str(_queue_dir / "processed"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Tasks are short and idempotent; a message unacknowledged this long (a worker killed with -9)
# goes back to the queue. Messages with a priority are served lowest number first.
if CELERY_BROKER_URL.startswith("redis"):
    # health_check_interval + keepalive: after a Redis restart, redis-py notices the dead socket
    # and reconnects instead of leaving the worker consuming from nothing.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 300,
        "priority_steps": [0, 3, 6, 9],
        "health_check_interval": 5,
        "socket_keepalive": True,
        "retry_on_timeout": True,
    }
    # kombu's Redis transport with one fix: an acknowledgement that fails while Redis restarts
    # still frees its prefetch slot, or the worker stops consuming for good (core/broker.py).
    CELERY_BROKER_TRANSPORT = "core.broker:Transport"
    if CELERY_BROKER_URL.startswith("rediss://"):
        # kombu turns TLS on from the URL's scheme only for its own transport's name; with ours
        # it must be said, and the server's certificate is checked.
        import ssl as _ssl

        CELERY_BROKER_USE_SSL = {"ssl_cert_reqs": _ssl.CERT_REQUIRED}
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated call then gets 401 with WWW-Authenticate, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "core.filters.IdFilterBackend",  # related rows by plain id: no existence oracle
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hotline API",
    "DESCRIPTION": "Retainer incident hotline: incidents, on-call, M/M ledger and post-mortems.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set used under several field names (e.g. reason / cancel_reason).
    "ENUM_NAME_OVERRIDES": {"CancelReasonEnum": "incidents.models.CancelReason"},
}

# --- Hotline domain ---------------------------------------------------------------------------
HOTLINE_PHONE = os.environ.get("HOTLINE_PHONE", "1588-0000")  # the 24/7 hotline number
HOTLINE_KEY_PREFIX = os.environ.get("HOTLINE_KEY_PREFIX", "HOT")
HOTLINE_DEFAULT_RESPONSE_MINUTES = int(os.environ.get("HOTLINE_DEFAULT_RESPONSE_MINUTES", "120"))
HOTLINE_ATTACHMENT_MAX_BYTES = int(os.environ.get("HOTLINE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
HOTLINE_ATTACHMENT_MAX_COUNT = int(os.environ.get("HOTLINE_ATTACHMENT_MAX_COUNT", "5"))
# The Korean font embedded in the monthly M/M report PDF (Debian's fonts-nanum package).
HOTLINE_PDF_FONT = os.environ.get(
    "HOTLINE_PDF_FONT", "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
)
HOTLINE_PDF_FONT_BOLD = os.environ.get(
    "HOTLINE_PDF_FONT_BOLD", "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf"
)

# --- Timers, escalation and notifications (DESIGN §3) ----------------------------------------
# Due times live in PostgreSQL; beat jobs sweep them. Integration tests compress every interval.
HOTLINE_SWEEP_INTERVAL_SECONDS = float(os.environ.get("HOTLINE_SWEEP_INTERVAL_SECONDS", "10"))
HOTLINE_SWEEP_BATCH_SIZE = int(os.environ.get("HOTLINE_SWEEP_BATCH_SIZE", "100"))
HOTLINE_REQUEUE_INTERVAL_SECONDS = float(os.environ.get("HOTLINE_REQUEUE_INTERVAL_SECONDS", "15"))
HOTLINE_WATCHDOG_INTERVAL_SECONDS = float(os.environ.get("HOTLINE_WATCHDOG_INTERVAL_SECONDS", "60"))
# Work overdue by more than this means the sweeper is stalled: the watchdog alerts.
HOTLINE_WATCHDOG_GRACE_SECONDS = float(os.environ.get("HOTLINE_WATCHDOG_GRACE_SECONDS", "120"))
HOTLINE_OPS_EMAILS = env_list("HOTLINE_OPS_EMAILS")
HOTLINE_DELIVERY_MAX_ATTEMPTS = int(os.environ.get("HOTLINE_DELIVERY_MAX_ATTEMPTS", "6"))
HOTLINE_DELIVERY_BACKOFF_SECONDS = float(os.environ.get("HOTLINE_DELIVERY_BACKOFF_SECONDS", "30"))
HOTLINE_DELIVERY_BACKOFF_MAX_SECONDS = float(
    os.environ.get("HOTLINE_DELIVERY_BACKOFF_MAX_SECONDS", "3600")
)
# An open delivery enqueued longer ago than this was lost (a flushed broker): enqueue it again.
HOTLINE_DELIVERY_STALE_SECONDS = float(os.environ.get("HOTLINE_DELIVERY_STALE_SECONDS", "60"))
HOTLINE_HTTP_TIMEOUT_SECONDS = float(os.environ.get("HOTLINE_HTTP_TIMEOUT_SECONDS", "5"))
HOTLINE_SMS_PROVIDER = os.environ.get(
    "HOTLINE_SMS_PROVIDER", "core.notifications.channels.ConsoleSmsProvider"
)
HOTLINE_ACK_LINK_MAX_AGE_SECONDS = int(os.environ.get("HOTLINE_ACK_LINK_MAX_AGE_SECONDS", "86400"))

# --- Security (README "Security") -------------------------------------------------------------
# HTTPS everywhere unless DEBUG or the test settings are on; HOTLINE_HTTPS=0 serves plain HTTP
# (a production-like run on a laptop, the benchmark).
HOTLINE_HTTPS = env_bool("HOTLINE_HTTPS", default=not (DEBUG or TESTING))
SECURE_SSL_REDIRECT = HOTLINE_HTTPS
SESSION_COOKIE_SECURE = HOTLINE_HTTPS
CSRF_COOKIE_SECURE = HOTLINE_HTTPS
LANGUAGE_COOKIE_SECURE = HOTLINE_HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000 if HOTLINE_HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HOTLINE_HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HOTLINE_HTTPS)
# TLS ends at the reverse proxy, which must set (overwrite) this header; "" when there is none.
_PROXY_SSL_HEADER = os.environ.get(
    "HOTLINE_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO" if HOTLINE_HTTPS else ""
)
SECURE_PROXY_SSL_HEADER = (_PROXY_SSL_HEADER, "https") if _PROXY_SSL_HEADER else None
# How many proxies of ours append to X-Forwarded-For; 0 trusts only REMOTE_ADDR (core.security.net).
HOTLINE_TRUSTED_PROXY_COUNT = int(os.environ.get("HOTLINE_TRUSTED_PROXY_COUNT", "0"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# django-csp 4: nothing inline, nothing from elsewhere (Swagger UI comes from the sidecar package).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Two-factor login for staff (core.security.twofactor): on wherever DEBUG and tests are off.
HOTLINE_REQUIRE_2FA = env_bool("HOTLINE_REQUIRE_2FA", default=not (DEBUG or TESTING))
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Expert Hotline")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # no admin can read or copy another person's TOTP secret

# Lockout (django-axes): 5 failures per user name + client address lock that pair for 15 min.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.security.net.client_ip"
AXES_LOCKOUT_CALLABLE = "core.security.responses.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_DISABLE_ACCESS_LOG = True  # successful logins are core.models.SecurityEvent rows
AXES_VERBOSE = False

# Rate limits (core.security.limits; django-ratelimit windows in the default cache, so production
# sets CACHE_URL to Redis to share them between workers). "N/Mm" = N requests per M minutes.
RATELIMIT_ENABLE = env_bool("HOTLINE_RATELIMIT_ENABLED", default=not TESTING)
RATELIMIT_USE_CACHE = "default"
HOTLINE_RATELIMITS = {
    "login_ip": "30/5m",
    "login_username": "10/5m",
    "otp_user": "10/5m",
    "otp_ip": "30/5m",
    "intake_user": "10/10m",
    "intake_ip": "100/10m",  # a whole company may report from one NAT address
    "form_user": "60/m",
    "form_ip": "300/m",
    "api_ip": "600/m",
    "api_user": "300/m",
    "api_write": "60/m",
}
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "core.security.limits.ApiUserThrottle",
    "core.security.limits.ApiWriteThrottle",
]
# JSON only outside DEBUG: the browsable API's templates carry inline styles; /api/docs/ stays.
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = [
    "rest_framework.renderers.JSONRenderer",
    *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
]
SPECTACULAR_SETTINGS.update(
    {
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
    }
)

# Uploads: at most twice the attachment count per request (more is refused outright), and no
# file is written to disk past HOTLINE_UPLOAD_MAX_BYTES (core.security.uploads).
DATA_UPLOAD_MAX_NUMBER_FILES = HOTLINE_ATTACHMENT_MAX_COUNT * 2
HOTLINE_UPLOAD_MAX_BYTES = int(
    os.environ.get("HOTLINE_UPLOAD_MAX_BYTES", max(HOTLINE_ATTACHMENT_MAX_BYTES, 25 * 1024 * 1024))
)
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "core.security.uploads.BoundedTemporaryFileUploadHandler",
]

# --- Logging ----------------------------------------------------------------------------------
# One JSON object per line in production, a readable line in DEBUG; each carries the request id,
# the incident key and the Celery task when there is one (core.logging, README "Operations").
HOTLINE_LOG_FORMAT = os.environ.get("HOTLINE_LOG_FORMAT", "plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "core.logging.ContextFilter"}},
    "formatters": {
        "plain": {
            "()": "core.logging.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": HOTLINE_LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},  # one INFO line per login otherwise
    },
}

# --- Operations: /livez, /healthz, /metrics (README "Operations") ------------------------------
HOTLINE_HEALTH_TIMEOUT_SECONDS = float(os.environ.get("HOTLINE_HEALTH_TIMEOUT_SECONDS", "0.5"))
# A sweep completes every HOTLINE_SWEEP_INTERVAL_SECONDS; three missed in a row = stale sweeper.
HOTLINE_HEALTH_SWEEP_MAX_AGE_SECONDS = float(
    os.environ.get("HOTLINE_HEALTH_SWEEP_MAX_AGE_SECONDS", 3 * HOTLINE_SWEEP_INTERVAL_SECONDS)
)
# /metrics answers a bearer token or these addresses/networks only; 404 when neither is set.
HOTLINE_METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
HOTLINE_METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS")
# Probes and the scraper talk plain HTTP to the app server, inside the network.
SECURE_REDIRECT_EXEMPT = [r"^(livez|healthz|metrics)$"]
