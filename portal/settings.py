"""Settings of the portal, all read from the environment in this one place.

Development (``DEBUG=true``, what ``make run`` sets) gets safe local defaults:
SQLite, the in-memory channel layer, a generated secret key, console e-mail.
Production (``DEBUG`` off) must say what it wants: a missing ``SECRET_KEY``,
``ALLOWED_HOSTS`` or a malformed value raises ``ImproperlyConfigured``.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from portal.env import env_bool, env_choice, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_secret("SECRET_KEY", debug=DEBUG, dev_file=BASE_DIR / ".dev-secret-key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("ALLOWED_HOSTS is required when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS",
    default=["http://127.0.0.1:8000", "http://localhost:8000"] if DEBUG else [],
)
# The public base URL used in e-mails ("open your application: <link>").
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000" if DEBUG else None)
# The Jobcenter whose name, address and legal pages the public pages show
# (portal/web/tenant.py); empty: the first Jobcenter by name.
PORTAL_JOBCENTER_SLUG = env_str("PORTAL_JOBCENTER_SLUG", default="")
if PUBLIC_BASE_URL is None:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("PUBLIC_BASE_URL is required when DEBUG is off.")

INSTALLED_APPS = [
    "daphne",
    "portal.apps.PortalAdminConfig",  # django.contrib.admin with our site (allauth login, MFA)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.headless",
    "csp",
    "portal",
    "applications",
    "casework",
    "appointments",
    "video",
    # After portal: its db_worker command (liveness lock, requeue of dead workers'
    # tasks: portal/workers.py) takes the place of django-tasks-db's.
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
]

MIDDLEWARE = [
    "portal.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Bodies too large, too deep or with duplicate keys, for every view (allauth's too).
    "portal.middleware.RequestBodyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.NoStoreMiddleware",
    # Pages lead a citizen past the grace period to the second-factor page.
    "portal.mfa.CitizenMfaSetupMiddleware",
]

ROOT_URLCONF = "portal.urls"
ASGI_APPLICATION = "portal.asgi.application"
WSGI_APPLICATION = None

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
                "django.template.context_processors.i18n",
                "portal.web.context.portal_page",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so writers queue up
    # instead of failing half-way: the SQLite fallback is serial but correct.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
    # A live server cancels a statement after DB_STATEMENT_TIMEOUT seconds; a server that
    # does not answer at all is given up after DB_QUERY_DEADLINE (portal/database.py).
    # Both end as 503 for the request, and free its thread. 0 switches either off.
    DB_STATEMENT_TIMEOUT = env_int("DB_STATEMENT_TIMEOUT", 30, minimum=0)
    DB_QUERY_DEADLINE = env_int(
        "DB_QUERY_DEADLINE", DB_STATEMENT_TIMEOUT + 5 if DB_STATEMENT_TIMEOUT else 60, minimum=0
    )
    if DB_STATEMENT_TIMEOUT:
        _options = DATABASES["default"]["OPTIONS"].get("options", "")
        DATABASES["default"]["OPTIONS"]["options"] = (
            f"{_options} -c statement_timeout={DB_STATEMENT_TIMEOUT * 1000}".strip()
        )
    # A pool of open connections per process (psycopg_pool) instead of a new connection,
    # a forked PostgreSQL backend, per request: see docs/benchmarks.md, "The claim row".
    DB_POOL = env_bool("DB_POOL", default=True)
    if DB_POOL:
        from django.core.exceptions import ImproperlyConfigured

        from portal.database import bounded_connection_class

        if DATABASES["default"]["CONN_MAX_AGE"]:
            raise ImproperlyConfigured("DB_CONN_MAX_AGE must be 0 with DB_POOL (the pool keeps the connections).")
        # The pool hands out only connections that answer, so a restarted PostgreSQL
        # costs no failed request on a connection that died while idle.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        # Each request in flight runs its sync view in a thread of its own (asgiref's
        # per-request ThreadSensitiveContext) and holds one connection while it runs;
        # requests beyond max_size wait for one, at most DB_CONNECT_TIMEOUT seconds (then 503).
        DB_POOL_MAX_SIZE = env_int("DB_POOL_MAX_SIZE", 20, minimum=1)
        DB_POOL_MIN_SIZE = env_int("DB_POOL_MIN_SIZE", min(2, DB_POOL_MAX_SIZE), minimum=0)
        if DB_POOL_MIN_SIZE > DB_POOL_MAX_SIZE:
            raise ImproperlyConfigured(f"DB_POOL_MIN_SIZE={DB_POOL_MIN_SIZE} is above DB_POOL_MAX_SIZE.")
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": DB_POOL_MIN_SIZE,
            "max_size": DB_POOL_MAX_SIZE,
            "timeout": env_int("DB_CONNECT_TIMEOUT", 5),
            # psycopg_pool retries a lost server with a doubling delay; giving up after
            # 10 s lets the next request start afresh, so a pool that lost PostgreSQL for
            # minutes connects again within seconds of it coming back, not minutes.
            "reconnect_timeout": 10,
            "name": "portal",
            # Its connections (and its health check) give up on a server that hangs.
            "connection_class": bounded_connection_class(DB_QUERY_DEADLINE),
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"

# --- Redis: cache and channel layer -------------------------------------------
REDIS_URL = env_str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Falls back to an in-process cache while Redis is away (portal/cache.py).
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", default="portal"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # CHANNEL_LAYER=pubsub (default): channels-redis' Pub/Sub layer, half the CPU
    # and a quarter of the latency per signal; core: its list-based layer
    # (capacity, expiry). See docs/benchmarks.md, "The video rows".
    _layer = env_choice("CHANNEL_LAYER", choices=("core", "pubsub"), default="pubsub")
    # socket_timeout above the core layer's 5-s BZPOPMIN: redis-py 8 reads with a
    # 5-s default, so a channel idle for 5 s raised TimeoutError in its consumer.
    _layer_config = {
        "hosts": [{"address": REDIS_URL, "socket_timeout": 15}],
        "prefix": env_str("CHANNEL_PREFIX", default="portal"),
    }
    if _layer == "core":
        _layer_config |= {"capacity": 1000, "expiry": 30}
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": (
                "channels_redis.core.RedisChannelLayer"
                if _layer == "core"
                else "channels_redis.pubsub.RedisPubSubChannelLayer"
            ),
            "CONFIG": _layer_config,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Background work (django-tasks backport of Django's tasks API) ------------
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("TASKS_IMMEDIATE", default=False)
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# --- Accounts (django-allauth) ------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_ADAPTER = "portal.accounts.PortalAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("RATE_LIMIT_LOGIN_FAILED", default="5/5m/ip,5/5m/key"),
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Jobcenter digital] "
# Second factor: authenticator app (TOTP), passkeys and security keys (WebAuthn),
# recovery codes as backup. Staff roles always need one; for citizens a Jobcenter
# may require one (portal/mfa.py).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "Jobcenter digital"
# "Sign in with a passkey" (no password): the passkey must verify its user (PIN or
# biometrics), so it counts as a second factor (portal.mfa.session_used_mfa).
MFA_PASSKEY_LOGIN_ENABLED = True
# WebAuthn's origin check stays on: https, and http only on localhost (development, tests).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
HEADLESS_ONLY = False
HEADLESS_CLIENTS = ("browser", "app")
# data.user.id is the public UUID, not the integer primary key; a citizen's pending
# second factor shows as meta.mfa_setup in allauth's API answers (portal/headless.py).
HEADLESS_ADAPTER = "portal.headless.PortalHeadlessAdapter"
# App tokens end like browser sessions: idle timeout for staff, deactivated accounts.
HEADLESS_TOKEN_STRATEGY = "portal.sessions.PortalSessionTokenStrategy"  # noqa: S105 (a class path)
# No single-page frontend of our own yet: links in e-mails lead to allauth's
# pages under /accounts/. Apps use the codes (verification, password reset).
LOGIN_REDIRECT_URL = "/overview/"  # the citizen overview (a ?next= wins)

# --- Sessions and cookies -----------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
# Staff, counsellors and admins are logged out after this much inactivity.
STAFF_IDLE_TIMEOUT = env_int("STAFF_IDLE_TIMEOUT", 30 * 60, minimum=60)

# --- Security headers ---------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", default=False) else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading binds the whole domain (often the municipality's) to HTTPS for
# years; its owner decides that, not the software. Say so instead of warning.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'", "ws:", "wss:"] if DEBUG else ["'self'", "wss:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English")), ("uk", _("Ukrainian"))]
# locale-allauth: allauth's German in the polite form (tools/allauth_sie.py); both win over allauth's own.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale-allauth"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Files --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "templates" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    # Citizens' evidence: never below STATIC_ROOT or any served folder; files are
    # only handed out by views that check ownership.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env_str("PRIVATE_STORAGE_ROOT", default=str(BASE_DIR / "var" / "private")),
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = BASE_DIR / "var" / "media"
# The cap on every request body but uploads (portal/bodylimit.py); uploads: APPLICATION_UPLOAD_MAX_BYTES.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024, minimum=1024)
APPLICATION_UPLOAD_MAX_BYTES = env_int("APPLICATION_UPLOAD_MAX_BYTES", 15 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Virus scanning of uploads (applications/files.py) -------------------------
# UPLOAD_VIRUS_SCAN=clamd: every upload goes to clamd (Debian clamav-daemon) before it
# is stored; a clamd that does not answer refuses uploads (503, fail closed) and /readyz
# reports it. UPLOAD_VIRUS_SCAN=off: uploads are stored unscanned. Production must say
# which: forgetting the scanner must stop the start, not quietly switch scanning off.
if env_str("APPLICATION_VIRUS_SCAN", default=""):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("APPLICATION_VIRUS_SCAN was replaced by UPLOAD_VIRUS_SCAN=clamd (scan) or =off.")
if not DEBUG and not env_str("UPLOAD_VIRUS_SCAN", default=""):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "UPLOAD_VIRUS_SCAN is required when DEBUG is off: set UPLOAD_VIRUS_SCAN=clamd to scan every upload "
        "with clamd at APPLICATION_CLAMD_ADDRESS (default /run/clamav/clamd.ctl), or UPLOAD_VIRUS_SCAN=off "
        "to store uploads unscanned on purpose."
    )
UPLOAD_VIRUS_SCAN = env_choice("UPLOAD_VIRUS_SCAN", choices=("clamd", "off"), default="off")
APPLICATION_VIRUS_SCAN = UPLOAD_VIRUS_SCAN == "clamd"
# A Unix socket path (clamd's LocalSocket) or tcp://host:port (TCPSocket, TCPAddr).
APPLICATION_CLAMD_ADDRESS = env_str("APPLICATION_CLAMD_ADDRESS", default="/run/clamav/clamd.ctl")
if not (
    APPLICATION_CLAMD_ADDRESS.startswith("/")
    or re.fullmatch(r"tcp://(\[[0-9a-fA-F:]+\]|[^:/\[\]]+):\d+", APPLICATION_CLAMD_ADDRESS)
):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"APPLICATION_CLAMD_ADDRESS={APPLICATION_CLAMD_ADDRESS!r} is neither a socket path nor tcp://host:port."
    )

# --- E-mail -------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="no-reply@jobcenter-digital.example")
if env_str("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("EMAIL_HOST is required when DEBUG is off.")

# --- API ----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.authentication.SessionTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["portal.api.permissions.IsAuthenticatedWithRoleMFA"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.PagePagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "portal.api.problems.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PARSER_CLASSES": ["portal.api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_RATES": {"anon": "120/min", "user": "600/min"},
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
API_DOCS_ENABLED = env_bool("API_DOCS_ENABLED", default=True)
# allauth's own API description at /_allauth/openapi.html (.json, .yaml), self-hosted.
HEADLESS_SERVE_SPECIFICATION = API_DOCS_ENABLED
HEADLESS_SPECIFICATION_TEMPLATE_NAME = "headless/spec/swagger_self_hosted.html"
SPECTACULAR_SETTINGS = {
    "TITLE": "Jobcenter digital API",
    "DESCRIPTION": "Online Bürgergeld application, appointments and video counselling.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from our own static files: no third-party CDN sees who reads the docs.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # One name for a choice set that several fields share (else check --deploy warns).
    "ENUM_NAME_OVERRIDES": {
        "SpokenLanguageEnum": "appointments.constants.LANGUAGES",
        "GuestKindEnum": "video.constants.GuestKind",
        "ChannelEnum": "appointments.constants.Channel",
        "ApplicationStatusEnum": "applications.constants.ApplicationStatus",
        "DocumentRequestStatusEnum": "applications.constants.DocumentRequestStatus",
    },
}
IDEMPOTENCY_KEY_TTL = timedelta(hours=24)
# Audit events are deleted after this many days by the retention run
# (portal/retention.py). The Jobcenter's data protection concept sets the period.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 730, minimum=30)

# --- Logging: one line per record, with the request id ------------------------
LOG_LEVEL = env_str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "portal.logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Feature settings live in each app's conf.py (``<app>/conf.py``), read
# from here with defaults, so a Jobcenter can change a deadline without code.
# Every feature setting can be set in this module (or a test's ``settings``
# fixture); the ones a deployment sets per site are read from the environment
# here, never in the apps. 0 is a value like any other.
APPLICATION_CLAMD_TIMEOUT = env_int("APPLICATION_CLAMD_TIMEOUT", 30, minimum=1)
VIDEO_STUN_URLS = env_list("VIDEO_STUN_URLS", default=[])
VIDEO_TURN_URLS = env_list("VIDEO_TURN_URLS", default=[])
VIDEO_TURN_SECRET = env_str("VIDEO_TURN_SECRET", default="")
VIDEO_CHECK_MAX_CONCURRENT = env_int("VIDEO_CHECK_MAX_CONCURRENT", 2, minimum=0)
VIDEO_PRESENCE_TTL = env_int("VIDEO_PRESENCE_TTL", 45, minimum=2)
VIDEO_HEARTBEAT = env_int("VIDEO_HEARTBEAT", 15, minimum=1)
