"""Settings for every environment, driven by environment variables (see ``.env.example``).

``STAP_ENV`` is ``development`` (the default), ``test`` or ``production``; the environments differ
only where they must. Production refuses to start without its secrets and with the test broker.
"""

import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

import dj_database_url

from stap.conf import env

BASE_DIR = Path(__file__).resolve().parents[3]
SRC_DIR = BASE_DIR / "src" / "stap"

STAP_ENV = env.text("STAP_ENV", "development")
if STAP_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"STAP_ENV must be development, test or production, not {STAP_ENV!r}"
    )
IS_PRODUCTION = STAP_ENV == "production"

VAR_DIR = Path(env.text("STAP_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _local_secret_key() -> str:
    """Development and test keep a generated key in var/, never in the repository."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = env.text("SECRET_KEY")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set in production.")
    SECRET_KEY = _local_secret_key()

DEBUG = env.flag("DEBUG", default=STAP_ENV == "development")
# Start the clock at another moment (ISO 8601) for a demo; it ticks on from there (core.clock).
STAP_CLOCK_START = env.text("STAP_CLOCK_START")
ALLOWED_HOSTS = env.words("ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost"])

# The public address of the product (the SP) and of the local test broker (the IdP). They differ in
# host name so that their cookies stay apart, as they would between a real portal and a real broker.
STAP_BASE_URL = env.text("STAP_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
STAP_TESTBROKER_ENABLED = env.flag("STAP_TESTBROKER_ENABLED", default=not IS_PRODUCTION)
STAP_TESTBROKER_BASE_URL = env.text("STAP_TESTBROKER_BASE_URL", "http://localhost:8000").rstrip("/")
if IS_PRODUCTION and STAP_TESTBROKER_ENABLED:
    raise ImproperlyConfigured(
        "The test broker signs any identity it is asked for; it cannot run in production. "
        "Unset STAP_TESTBROKER_ENABLED."
    )

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "stap.core",
    "stap.identity",
    "stap.register",
    "stap.enrolments",
    "stap.budget",
    "stap.bulk",
    "stap.portals.public",
    "stap.portals.provider",
    "stap.portals.duo",
    "stap.portals.backoffice",
    "stap.portals.citizen",
]
if STAP_TESTBROKER_ENABLED:
    INSTALLED_APPS.append("stap.testbroker")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "stap.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "stap.core.middleware.SessionMiddleware",  # Django's, but a view can leave the session be
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "stap.urls"
WSGI_APPLICATION = "stap.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "stap.core.context_processors.product",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# PostgreSQL when DATABASE_URL is set (production, CI); otherwise an embedded SQLite file under
# var/ in WAL mode with immediate transactions and a busy timeout, so that the web process and
# the worker wait for each other instead of failing with "database is locked".
DATABASE_URL = env.text("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "stap.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every process (web and worker): SAML request ids, rate limits. Django's default of
# 300 entries would, under load, cull pending sign-ins and the rate-limit counters (the shared
# counter first); expired entries are removed before anything else is culled.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "stap_cache",
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Identity and sessions -------------------------------------------------------------------
AUTH_USER_MODEL = "identity.User"
LOGIN_URL = "backoffice:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Idle timeout; every request renews it. The session-expiry warning (WCAG 2.2.1) counts down
# from this value and offers to extend.
SESSION_COOKIE_AGE = env.integer("SESSION_COOKIE_AGE", default=15 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "stap.portals.public.views.csrf_failure"

# Served over TLS (production behind a proxy, or STAP_TLS=true): secure cookies and HSTS.
STAP_TLS = env.flag("STAP_TLS", default=IS_PRODUCTION)
SESSION_COOKIE_SECURE = STAP_TLS
CSRF_COOKIE_SECURE = STAP_TLS
SECURE_SSL_REDIRECT = STAP_TLS and env.flag("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31_536_000 if STAP_TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = STAP_TLS
SECURE_HSTS_PRELOAD = STAP_TLS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if STAP_TLS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.words("CSRF_TRUSTED_ORIGINS", [STAP_BASE_URL])

# --- Language and time -------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

# --- Static files: NL Design System CSS comes from npm (node_modules), served by WhiteNoise ------
STATIC_URL = "/static/"
# Production serves what `stap collectstatic` gathered; elsewhere WhiteNoise reads the finders.
STATIC_ROOT = env.text("STATIC_ROOT", str(BASE_DIR / "staticfiles")) if IS_PRODUCTION else None
STATICFILES_DIRS: list[str | tuple[str, str]] = [
    str(SRC_DIR / "static"),
    ("nlds/utrecht", str(BASE_DIR / "node_modules/@utrecht/component-library-css/dist")),
    (
        "nlds/voorbeeld",
        str(BASE_DIR / "node_modules/@nl-design-system-unstable/voorbeeld-design-tokens/dist"),
    ),
]
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = env.text("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.text("DEFAULT_FROM_EMAIL", "STAP-portaal <noreply@stap.example>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.text("LOG_LEVEL", "INFO")},
}

# --- eHerkenning / test broker ------------------------------------------------------------------
# The SP (``stap.identity.eherkenning``) runs on django-digid-eherkenning. Its SAML client module
# imports the library's configuration models, so those apps are installed, but their database
# singleton is never read: the SP configuration is built from the settings below
# (``stap.identity.eherkenning.config``). See docs/adr/0003 and docs/eherkenning.md.
INSTALLED_APPS += [
    "stap.identity.eherkenning",
    "stap.identity.digid",
    "digid_eherkenning",
    "solo",
    "simple_certmanager",
    "privates",
]
PRIVATE_MEDIA_ROOT = env.text("STAP_PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private_media"))

# Uploaded files are kept outside the web root; only the portals' views hand them out.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
    "uploads": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": f"{PRIVATE_MEDIA_ROOT}/uploads"},
    },
}

# How many reverse proxies in front of the app add to X-Forwarded-For (rate limits count per
# client address; 0 means REMOTE_ADDR is the client's).
STAP_TRUSTED_PROXIES = env.integer("STAP_TRUSTED_PROXIES", default=0)

# Bulk files of vooraanmeldingen: the largest file and the most rows one file may hold.
STAP_PREREG_MAX_BYTES = env.integer("STAP_PREREG_MAX_MB", default=50) * 2**20
STAP_PREREG_MAX_ROWS = env.integer("STAP_PREREG_MAX_ROWS", default=1_000_000)
# The most grants one offer may hold in a calendar year when staff set nothing else for it.
STAP_GRANT_CAP = env.integer("STAP_GRANT_CAP", default=300)
# What ``stap requeue_stale`` runs: each queues again the work whose worker stopped.
STAP_REAPERS = [
    "stap.enrolments.services.uploads_requeue_stale",
    "stap.bulk.services.bulk_runs_requeue_stale",
    "stap.budget.waiting_room.queue.draws_overdue",
]
PRIVATE_MEDIA_URL = "/private-media/"
# Keys and certificates generated on first use (development and test only), mode 0600.
STAP_SAML_DIR = VAR_DIR / "saml"
STAP_EHERKENNING_OIN = env.text("STAP_EHERKENNING_OIN", "00000001234567890000")
STAP_EHERKENNING_ENTITY_ID = env.text(
    "STAP_EHERKENNING_ENTITY_ID", f"urn:etoegang:DV:{STAP_EHERKENNING_OIN}:entities:9000"
)
# PKIoverheid key and certificate of the SP (signing, decryption, TLS client certificate). Empty
# outside production: a self-signed pair is generated under STAP_SAML_DIR.
STAP_EHERKENNING_KEY_FILE = env.text("STAP_EHERKENNING_KEY_FILE")
STAP_EHERKENNING_CERT_FILE = env.text("STAP_EHERKENNING_CERT_FILE")
# The broker (IdP). Empty while the test broker is enabled: then the SP trusts the test broker's
# own settings and certificate file, never a certificate inside a message.
STAP_EHERKENNING_IDP_ENTITY_ID = env.text("STAP_EHERKENNING_IDP_ENTITY_ID")
STAP_EHERKENNING_IDP_SSO_URL = env.text("STAP_EHERKENNING_IDP_SSO_URL")
STAP_EHERKENNING_IDP_ARS_URL = env.text("STAP_EHERKENNING_IDP_ARS_URL")
STAP_EHERKENNING_IDP_CERT_FILES = env.words("STAP_EHERKENNING_IDP_CERT_FILES", [])
STAP_EHERKENNING_CA_BUNDLE = env.text("STAP_EHERKENNING_CA_BUNDLE")
# (connect, read) seconds for the SOAP back channel; the SAML toolkit sets no timeout at all.
STAP_EHERKENNING_BACK_CHANNEL_TIMEOUT = (3.05, 10.0)
# How long a sent AuthnRequest may be answered, and how long used ids are remembered (S18).
STAP_EHERKENNING_REQUEST_TTL = 15 * 60
STAP_EHERKENNING_USED_ID_TTL = 24 * 60 * 60
# One eHerkenning service per portal, each with its own AttributeConsumingServiceIndex.
STAP_EHERKENNING_SERVICES = {
    "opleidersportaal": {
        "name": "STAP Opleidersportaal",
        "attribute_consuming_service_index": "9052",
        "service_uuid": env.text(
            "STAP_EHERKENNING_OPLEIDERSPORTAAL_UUID", "7a5d2c7e-5b0f-4a0e-9d0e-5a1f3c2b9e01"
        ),
        "service_instance_uuid": env.text(
            "STAP_EHERKENNING_OPLEIDERSPORTAAL_INSTANCE_UUID",
            "7a5d2c7e-5b0f-4a0e-9d0e-5a1f3c2b9e02",
        ),
        "minimum_level": "EH3",
        "landing_url_name": "provider:overview",
        "start_url_name": "provider:start",
        "mark_default": True,
    },
    "mijn_duo": {
        "name": "Mijn DUO voor zakelijke gebruikers",
        "attribute_consuming_service_index": "9053",
        "service_uuid": env.text(
            "STAP_EHERKENNING_MIJN_DUO_UUID", "0c9f3b1a-7e64-4d2b-8a55-6f1e2d3c4b01"
        ),
        "service_instance_uuid": env.text(
            "STAP_EHERKENNING_MIJN_DUO_INSTANCE_UUID", "0c9f3b1a-7e64-4d2b-8a55-6f1e2d3c4b02"
        ),
        "minimum_level": "EH3",
        "landing_url_name": "duo:home",
        "start_url_name": "duo:start",
        "mark_default": False,
    },
}
# The test broker sends the identity as eTD EncryptedIDs ("etd") or flat attributes ("flat").
STAP_TESTBROKER_IDENTITY_FORM = env.text("STAP_TESTBROKER_IDENTITY_FORM", "etd")

# --- DigiD (citizens: Mijn STAP-budget) ----------------------------------------------------------
# The DigiD SP (``stap.identity.digid``) uses the same hardened SAML code as eHerkenning, with its
# own entity, keys and IdP (docs/adr/0013). Outside production the IdP is the test broker's DigiD
# side and a key pair is generated under STAP_SAML_DIR.
STAP_DIGID_ENTITY_ID = env.text(
    "STAP_DIGID_ENTITY_ID", "" if IS_PRODUCTION else "urn:nl:stap-portaal:digid:ontwikkeling"
)
STAP_DIGID_KEY_FILE = env.text("STAP_DIGID_KEY_FILE")
STAP_DIGID_CERT_FILE = env.text("STAP_DIGID_CERT_FILE")
STAP_DIGID_IDP_ENTITY_ID = env.text("STAP_DIGID_IDP_ENTITY_ID")
STAP_DIGID_IDP_SSO_URL = env.text("STAP_DIGID_IDP_SSO_URL")
STAP_DIGID_IDP_ARS_URL = env.text("STAP_DIGID_IDP_ARS_URL")
# The index of DigiD's ArtifactResolutionService in its metadata (the artifact names it).
STAP_DIGID_IDP_ARS_INDEX = env.integer("STAP_DIGID_IDP_ARS_INDEX", default=1)
STAP_DIGID_IDP_CERT_FILES = env.words("STAP_DIGID_IDP_CERT_FILES", [])
STAP_DIGID_CA_BUNDLE = env.text("STAP_DIGID_CA_BUNDLE")
STAP_DIGID_BACK_CHANNEL_TIMEOUT = (3.05, 10.0)
STAP_DIGID_REQUEST_TTL = 15 * 60
STAP_DIGID_USED_ID_TTL = 24 * 60 * 60
# Requested with Comparison "minimum" and checked again on the answer: Basis is not enough.
STAP_DIGID_MINIMUM_LEVEL = "Midden"
STAP_DIGID_SERVICE_NAME = "Mijn STAP-budget"
# DigiD allows at most 15 minutes without activity (DigiDCheck 2.2 T14); a DigiD session idles out
# after this or SESSION_COOKIE_AGE, whichever is shorter.
STAP_DIGID_SESSION_AGE = 15 * 60
