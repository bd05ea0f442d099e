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
    "axes",
    "ninja",
    "gridgov.core",
    "gridgov.audit",
    "gridgov.jurisdiction",
    "gridgov.departments",
    "gridgov.accounts",
    "gridgov.staffing",
    "gridgov.worktime",
    "gridgov.events",
    "gridgov.whistle",
    "gridgov.assessment",
    "gridgov.addresses",
    "gridgov.registry",
    "gridgov.exchange",
    "gridgov.verification",
    "gridgov.residents",
    "gridgov.open311",
    "gridgov.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
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
                "gridgov.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gridgov.sqlite3'}"),
        conn_max_age=env_int("GRIDGOV_DB_CONN_MAX_AGE", 60 if PRODUCTION else 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
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
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
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

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("GRIDGOV_STATIC_ROOT", PROJECT_DIR / "staticfiles"))
STATICFILES_DIRS = [("leaflet", xstatic_leaflet.BASE_DIR)]

# Map tiles are optional: government intranets are often offline, so the map
# draws the GeoJSON layers on a blank background unless a tile URL is set.
MAP_TILE_URL = os.environ.get("GRIDGOV_MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("GRIDGOV_MAP_TILE_ATTRIBUTION", "")

NINJA_PAGINATION_PER_PAGE = 100

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

# Every log record passes a filter that masks ID numbers and mobile numbers.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_pii": {"()": "gridgov.registry.crypto.RedactingFilter"},
        "expected_refusals": {"()": "gridgov.core.logs.ExpectedRefusals"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_pii"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("GRIDGOV_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # A 4xx is one line; only a 500 carries its traceback (gridgov.core.logs).
        "django.request": {"filters": ["expected_refusals"]},
    },
}
