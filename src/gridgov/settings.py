"""Settings for every environment, read from environment variables.

`GRIDGOV_ENV=production` switches on the hardened defaults (no DEBUG, secure
cookies, HSTS, superusers refused) and makes the secret key and allowed hosts
mandatory. Everything else has a default that lets a newcomer run the demo on
an embedded SQLite database with no server.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from xstatic.pkg import leaflet as xstatic_leaflet

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("GRIDGOV_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value is None or value == "" else int(value)


ENVIRONMENT = os.environ.get("GRIDGOV_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"

if PRODUCTION:
    SECRET_KEY = os.environ.get("GRIDGOV_SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("GRIDGOV_SECRET_KEY must be set (50+ characters) in production")
else:
    SECRET_KEY = os.environ.get(
        "GRIDGOV_SECRET_KEY", "development-only-key-not-for-production-use-0123456789abcdef"
    )

DEBUG = env_bool("GRIDGOV_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "GRIDGOV_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
    ).split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("GRIDGOV_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "gridgov.accounts.apps.LoginProtectionConfig",
    "ninja",
    "gridgov.core",
    "gridgov.audit",
    "gridgov.jurisdiction",
    "gridgov.departments",
    "gridgov.accounts",
    "gridgov.placement",
    "gridgov.staffing",
    "gridgov.worktime",
    "gridgov.events",
    "gridgov.whistle",
    "gridgov.fieldwork",
    "gridgov.decisions",
    "gridgov.assessment",
    "gridgov.insight",
    "gridgov.addresses",
    "gridgov.registry",
    "gridgov.exchange",
    "gridgov.verification",
    "gridgov.inspections",
    "gridgov.mediation",
    "gridgov.public",
    "gridgov.residents",
    "gridgov.open311",
    "gridgov.demo",
    "gridgov.tasks",
    "gridgov.notifications",
    "gridgov.exports",
    "gridgov.command",
    "gridgov.rentals",
    "gridgov.reports",
    "gridgov.web",
    "gridgov.campaigns",
]

MIDDLEWARE = [
    "gridgov.core.logs.RequestIdMiddleware",
    "gridgov.web.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gridgov.web.middleware.RequestInputMiddleware",
    "gridgov.accounts.middleware.PendingStepMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gridgov.urls"
WSGI_APPLICATION = "gridgov.wsgi.application"

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
                "gridgov.accounts.context_processors.site",
                "gridgov.notifications.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gridgov.sqlite3'}"),
        conn_max_age=env_int("GRIDGOV_DB_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        # A kept connection is checked before a request reuses it: after a database restart the
        # soak test (bench/soak.py) saw 29 answers of 500 from connections that had died.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The test database in a file, not in memory: the browser tests' live server answers from
    # another thread, and an in-memory database shared between threads fails a locked table
    # at once ("database table is locked") where a file waits on the timeout above.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
# On PostgreSQL the application connects (DATABASE_URL) as a role that may only add to the
# audit trail; `manage.py migrate` and `db_grant_app_role` connect as the tables' owner
# given here (same database, the owner's user and password). ADR 0013.
MIGRATE_DATABASE_URL = os.environ.get("GRIDGOV_MIGRATE_DATABASE_URL", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "gridgov.accounts.backends.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# MLPS 2.0 level 3 asks for complex passwords; a deployment may relax the
# rules (GRIDGOV_PASSWORD_COMPLEXITY=0) but must do so explicitly.
PASSWORD_MIN_LENGTH = env_int("GRIDGOV_PASSWORD_MIN_LENGTH", 10)
PASSWORD_COMPLEXITY = env_bool("GRIDGOV_PASSWORD_COMPLEXITY", True)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if PASSWORD_COMPLEXITY:
    AUTH_PASSWORD_VALIDATORS.append(
        {"NAME": "gridgov.accounts.passwords.CharacterClassValidator", "OPTIONS": {"classes": 3}}
    )

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: every request renews the session, so it ends after this many
# minutes without activity.
SESSION_IDLE_MINUTES = env_int("GRIDGOV_SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

AXES_FAILURE_LIMIT = env_int("GRIDGOV_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("GRIDGOV_LOGIN_COOLOFF_MINUTES", 30) / 60
# Each entry is counted on its own: a username guessed from many addresses, and an address
# guessing many usernames (password spraying), are locked as well as the pair.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Behind a reverse proxy every client would share the proxy's address; say how many
# proxies stand in front so the lock-out keys on the real client address.
PROXY_COUNT = env_int("GRIDGOV_PROXY_COUNT", 0)
if PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

# The administrators and the roles that may reveal personal data pass TOTP at each login
# (ADR 0014); off in development so the demo stays a username and a password.
OTP_REQUIRED = env_bool("GRIDGOV_OTP_REQUIRED", PRODUCTION)
OTP_TOTP_ISSUER = os.environ.get("GRIDGOV_OTP_ISSUER", "GridGov")

# API tokens stop working this many days after they were made (and when the password changes).
API_TOKEN_DAYS = env_int("GRIDGOV_API_TOKEN_DAYS", 30)

# Superusers bypass every permission; production refuses them (a system check
# fails while an active one exists and the role backend ignores the flag).
ALLOW_SUPERUSER = env_bool("GRIDGOV_ALLOW_SUPERUSER", not PRODUCTION)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Uploaded files (event photos) are served only through scoped views, never as static files.
MEDIA_ROOT = Path(os.environ.get("GRIDGOV_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
# Photos show people, plates and homes: only the server's own account reads them on disk.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("GRIDGOV_STATIC_ROOT", PROJECT_DIR / "staticfiles"))
STATICFILES_DIRS = [("leaflet", xstatic_leaflet.BASE_DIR)]
# The Leaflet plugins `make install` copies from the npm registry's packages (docs/adr/0024).
VENDOR_DIR = Path(os.environ.get("GRIDGOV_VENDOR_DIR", PROJECT_DIR / "vendor"))
STATICFILES_DIRS.append(("vendor", VENDOR_DIR))

# Map tiles are optional: government intranets are often offline, so the map
# draws the GeoJSON layers on a blank background unless a tile URL is set.
MAP_TILE_URL = os.environ.get("GRIDGOV_MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("GRIDGOV_MAP_TILE_ATTRIBUTION", "")


def tile_origin(url: str) -> list[str]:
    """Where the map's tiles come from, for img-src; Leaflet's {s} subdomain is any subdomain."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return [f"{scheme}://{host}"] if scheme and host else []


# Every script, style and font is a static file of our own: no inline script, style, event
# handler or eval, in every environment, so a name or description that carries markup can never
# run (ADR 0012). Django's debug pages are exempt while DEBUG is on.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *tile_origin(MAP_TILE_URL)],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

NINJA_PAGINATION_PER_PAGE = 100
NINJA_PAGINATION_CLASS = "gridgov.core.paging.LimitOffsetPagination"
# The API docs and OpenAPI schema list every route: public for the demo, login in production.
API_DOCS_PUBLIC = env_bool("GRIDGOV_API_DOCS_PUBLIC", not PRODUCTION)
# POST /api/v1/addresses/match/batch takes 10,000 addresses of up to 200
# characters; JSON clients escape each as \uXXXX, six bytes a character.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024
# Routes that only read the text of a JSON body and store none of it: a NUL or a control
# character there is an address to answer "not found" for, not a request to refuse.
TEXT_ANALYSIS_PATHS = ("/api/v1/addresses/match",)

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("GRIDGOV_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("GRIDGOV_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

# Unmasking personal data is rate-limited per account and hour, and audited.
GRIDGOV_UNMASK_PER_HOUR = env_int("GRIDGOV_UNMASK_PER_HOUR", 20)

# An uploaded import file holds plaintext ID numbers and phones: one not imported within
# this many days is deleted by the periodic job (the job stays; uploading the file revives it).
GRIDGOV_IMPORT_FILE_DAYS = env_int("GRIDGOV_IMPORT_FILE_DAYS", 7)

# Background work runs on Celery (docs/adr/0018). With no GRIDGOV_BROKER_URL the broker is an
# embedded SQLite file that a worker started beside the demo server polls (no server needed);
# a city sets amqp://… (RabbitMQ) and optionally a Redis result backend.
CELERY_BROKER_URL = os.environ.get(
    "GRIDGOV_BROKER_URL", f"sqla+sqlite:///{VAR_DIR / 'broker.sqlite3'}"
)
CELERY_RESULT_BACKEND = os.environ.get("GRIDGOV_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = env_bool("GRIDGOV_TASKS_EAGER", False)
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("GRIDGOV_TASK_QUEUE", "gridgov")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# Workers log through LOGGING below, so their lines are JSON and pass the PII filter too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A page publishing a task must not hang while the broker is down: the outbox keeps the task.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
# Each beat message expires if no worker takes it in time, so a stopped worker does not
# return to a pile of identical sweeps.
PERIODIC_SECONDS = env_int("GRIDGOV_PERIODIC_SECONDS", 60)
CELERY_BEAT_SCHEDULE = {
    "periodic": {
        "task": "gridgov.tasks.periodic",
        "schedule": PERIODIC_SECONDS,
        "options": {"expires": PERIODIC_SECONDS * 2},
    },
    "outbox": {
        "task": "gridgov.tasks.outbox_drain",
        "schedule": 30,
        "options": {"expires": 60},
    },
}
# Audit entries are linked into the hash chain by this job after they commit (ADR 0034):
# an entry waits at most about this long for its link.
AUDIT_CHAIN_SECONDS = env_int("GRIDGOV_AUDIT_CHAIN_SECONDS", 5)
CELERY_BEAT_SCHEDULE["audit_chain"] = {
    "task": "gridgov.tasks.audit_chain",
    "schedule": AUDIT_CHAIN_SECONDS,
    "options": {"expires": AUDIT_CHAIN_SECONDS * 2},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Rows per committed batch of an import task: each batch is one transaction and one checkpoint.
GRIDGOV_IMPORT_BATCH_SIZE = env_int("GRIDGOV_IMPORT_BATCH_SIZE", 1000)

# /metrics answers only these client addresses (the proxy must not forward /metrics).
GRIDGOV_METRICS_ALLOWED = frozenset(
    a.strip()
    for a in os.environ.get("GRIDGOV_METRICS_ALLOWED", "127.0.0.1,::1").split(",")
    if a.strip()
)

# A reading replica, when set, serves the analytics pages' reads (gridgov.core.routers).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["gridgov.core.routers.ReplicaRouter"]

# Several processes share one cache (readiness, rate limits): Redis when GRIDGOV_CACHE_URL is set.
if os.environ.get("GRIDGOV_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["GRIDGOV_CACHE_URL"],
        }
    }

# Static files are served by WhiteNoise from the collected, hashed and compressed copies
# (`manage.py collectstatic` at deployment); development serves them from the apps.
if PRODUCTION:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# Every log record passes a filter that masks ID numbers and mobile numbers, and carries
# its request's id; GRIDGOV_LOG_FORMAT=json (the production default) writes one JSON
# object per line. Django's request loggers print URLs with their query strings
# (`GET /events/?q=138…`) through handlers of their own, so the filter sits on those
# loggers too: a logger's filter rewrites the record before any handler formats it.
LOG_FORMAT = os.environ.get("GRIDGOV_LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_pii": {"()": "gridgov.core.crypto.RedactingFilter"},
        "request_id": {"()": "gridgov.core.logs.RequestIdFilter"},
        "expected_refusals": {"()": "gridgov.core.logs.ExpectedRefusals"},
    },
    "formatters": {
        "json": {"()": "gridgov.core.logs.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_pii", "request_id"],
            "formatter": LOG_FORMAT,
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_pii"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("GRIDGOV_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every step of every PDF at INFO; the reports log their own line.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact_pii"],
        },
        # A 4xx is one line; only a 500 carries its traceback (gridgov.core.logs).
        "django.request": {"filters": ["expected_refusals", "redact_pii"]},
        "django.security": {"filters": ["redact_pii"]},
    },
}

# Notifications (docs/adr/0023): the adapter of each outside channel, by dotted path; a
# channel without one is not offered. The in-app inbox needs none.
NOTIFICATIONS_ADAPTERS = {
    "email": os.environ.get(
        "GRIDGOV_NOTIFY_EMAIL_ADAPTER", "gridgov.notifications.channels.EmailAdapter"
    ),
    "sms": os.environ.get("GRIDGOV_NOTIFY_SMS_ADAPTER", ""),
    "chat": os.environ.get("GRIDGOV_NOTIFY_CHAT_ADAPTER", ""),
    "webhook": os.environ.get(
        "GRIDGOV_NOTIFY_WEBHOOK_ADAPTER", "gridgov.notifications.channels.WebhookAdapter"
    ),
}
NOTIFICATIONS_SMS_URL = os.environ.get("GRIDGOV_NOTIFY_SMS_URL", "")
NOTIFICATIONS_CHAT_URL = os.environ.get("GRIDGOV_NOTIFY_CHAT_URL", "")
# Outside channels on for a kind until a user turns them off.
NOTIFICATIONS_DEFAULT_CHANNELS = [
    c for c in os.environ.get("GRIDGOV_NOTIFY_DEFAULT_CHANNELS", "").split(",") if c
]
# Where links in e-mails and texts point (https://grid.example.gov.cn).
GRIDGOV_SITE_URL = os.environ.get("GRIDGOV_SITE_URL", "")
# A deadline this close (minutes) is "due soon" to its holder.
NOTIFICATIONS_DUE_SOON_MINUTES = env_int("GRIDGOV_NOTIFY_DUE_SOON_MINUTES", 60)
# Due-soon and overdue notices, read from the deadline rows (gridgov.events.reminders).
CELERY_BEAT_SCHEDULE["deadline_notices"] = {
    "task": "gridgov.events.deadline_notices",
    "schedule": PERIODIC_SECONDS,
    "options": {"expires": PERIODIC_SECONDS * 2},
}
# Mitigation measures of major decisions past their deadline (gridgov.decisions).
CELERY_BEAT_SCHEDULE["decisions_mitigations"] = {
    "task": "gridgov.decisions.mitigations_sweep",
    "schedule": PERIODIC_SECONDS,
    "options": {"expires": PERIODIC_SECONDS * 2},
}

# Inspections (docs/adr/0027): the period's inspections and the daily figures, once a day.
CELERY_BEAT_SCHEDULE["inspections_daily"] = {
    "task": "gridgov.inspections.daily",
    "schedule": crontab(hour=1, minute=10),
    "options": {"expires": 6 * 3600},
}

# The panorama's monthly figures, the indices and prompt notices (gridgov.insight).
CELERY_BEAT_SCHEDULE["insight_refresh"] = {
    "task": "gridgov.insight.refresh",
    "schedule": env_int("GRIDGOV_INSIGHT_SECONDS", 3600),
    "options": {"expires": 3600},
}

# Field work's day: patrol and visit tasks from the plans, the daily table (issue 13).
CELERY_BEAT_SCHEDULE["fieldwork_daily"] = {
    "task": "gridgov.fieldwork.daily",
    "schedule": 3600,
    "options": {"expires": 3600},
}

# Exports (docs/adr/0023): a list longer than this is written by a task, not in the request.
EXPORT_INLINE_MAX_ROWS = env_int("GRIDGOV_EXPORT_INLINE_MAX_ROWS", 2000)
# Personal data in clear is exported this many rows at most, with a purpose, audited.
EXPORT_REVEAL_MAX_ROWS = env_int("GRIDGOV_EXPORT_REVEAL_MAX_ROWS", 500)

# Each role's home counts its desk once per this many seconds, shared by everyone at that desk.
GRIDGOV_WORKBENCH_SECONDS = env_int("GRIDGOV_WORKBENCH_SECONDS", 30)

# Campaigns (issue 13 item 8): targets written per batch by the push task, and the daily
# completion figures rebuilt every period.
GRIDGOV_CAMPAIGN_BATCH_SIZE = env_int("GRIDGOV_CAMPAIGN_BATCH_SIZE", 5000)
CELERY_BEAT_SCHEDULE["campaign_completion"] = {
    "task": "gridgov.campaigns.completion_daily",
    "schedule": PERIODIC_SECONDS * 15,
    "options": {"expires": PERIODIC_SECONDS * 15},
}

# Linked command: unacknowledged urgent instructions climb, activations past their end close.
CELERY_BEAT_SCHEDULE["command_sweep"] = {
    "task": "gridgov.command.sweep",
    "schedule": PERIODIC_SECONDS,
    "options": {"expires": PERIODIC_SECONDS * 2},
}
# Receipts delivered per transaction by an instruction's fan-out.
COMMAND_FAN_OUT_BATCH = env_int("GRIDGOV_COMMAND_FAN_OUT_BATCH", 5000)
# A centre's wall data is read once per this many seconds for all its walls (they poll every 3).
COMMAND_WALL_CACHE_SECONDS = env_int("GRIDGOV_COMMAND_WALL_CACHE_SECONDS", 2)

# Overcrowded-rental warning (ADR 0031): the rules run nightly per district, in chunks;
# referred hazards are followed every period until their events are closed.
CELERY_BEAT_SCHEDULE["rental_rules"] = {
    "task": "gridgov.rentals.rules_daily",
    "schedule": crontab(hour=2, minute=30),
}
CELERY_BEAT_SCHEDULE["rental_follow"] = {
    "task": "gridgov.rentals.cases_follow",
    "schedule": PERIODIC_SECONDS,
    "options": {"expires": PERIODIC_SECONDS * 2},
}
# Reports each morning (daily; weekly on Mondays, monthly on the 1st), one task per unit on
# REPORT_QUEUE: give it a worker of its own in production, one PDF at a time
# (--max-tasks-per-child 20 --max-memory-per-child 1200000: deploy/systemd).
CELERY_BEAT_SCHEDULE["reports_morning"] = {
    "task": "gridgov.reports.morning",
    "schedule": crontab(hour=6, minute=0),
}
REPORT_QUEUE = os.environ.get("GRIDGOV_REPORT_QUEUE", CELERY_TASK_DEFAULT_QUEUE)
CELERY_TASK_ROUTES = {"gridgov.reports.generate": {"queue": REPORT_QUEUE}}
# The nearest on-duty worker reads check-ins younger than this only (principle: no tracks).
COMMAND_CHECKIN_MAX_AGE_HOURS = env_int("GRIDGOV_COMMAND_CHECKIN_MAX_AGE_HOURS", 12)
# Duty check-ins are deleted after this many days (their attendance stays in FieldDaily).
COMMAND_CHECKIN_RETENTION_DAYS = env_int("GRIDGOV_COMMAND_CHECKIN_RETENTION_DAYS", 30)
CELERY_BEAT_SCHEDULE["command_checkins_expire"] = {
    "task": "gridgov.command.checkins_expire",
    "schedule": crontab(hour=3, minute=15),
}
