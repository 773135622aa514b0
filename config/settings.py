"""SesioCloset settings: one file, two profiles.

* Embedded default (no environment variables): SQLite, private files under ``var/private``, Celery over
  kombu's filesystem transport, a local-memory cache and e-mail written to ``var/mail``. A fresh clone runs.
* Production (``DJANGO_ENV=production``): PostgreSQL (``DATABASE_URL``), Redis (``REDIS_URL``, broker and cache),
  a private S3 bucket, SMTP and HTTPS-only settings. Every required variable is checked here, at start-up.

``DATABASE_URL``, ``REDIS_URL`` and ``AWS_STORAGE_BUCKET_NAME`` may also be set outside production (the test
suite does so in CI) to run the embedded profile against the real services.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_choice, env_dates, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SESIOCLOSET_VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_choice("DJANGO_ENV", ("development", "production"), "development")
PRODUCTION = DJANGO_ENV == "production"


def _development_secret_key() -> str:
    """A random key kept in var/, so signed links and sessions survive a restart of the embedded profile."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


if PRODUCTION:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a random string of at least 50 characters.")
    if env_bool("DJANGO_DEBUG", False):
        raise ImproperlyConfigured("DJANGO_DEBUG cannot be switched on when DJANGO_ENV=production.")
    DEBUG = False
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the host names the site is served on.")
else:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "") or _development_secret_key()
    DEBUG = env_bool("DJANGO_DEBUG", True)
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https"))

# --- Applications -----------------------------------------------------------------------------------------

INSTALLED_APPS = [
    "security.apps.StaffAdminConfig",  # django.contrib.admin, with the audited staff site (SEC-1)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.apple",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.headless",
    "allauth.idp.oidc",  # the OpenID Connect provider that connected stores sign people in with (issue 8)
    "core",
    "accounts",
    "privacy",
    "closet",
    "stores",
    "support",
    "security",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "accounts.middleware.DeviceMiddleware",
    "privacy.middleware.ConsentMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "privacy.context_processors.cookie_banner",
            ],
        },
    },
]

# --- Data stores ------------------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    env_url("DATABASE_URL", schemes=("postgres", "postgresql"))
elif PRODUCTION:
    raise ImproperlyConfigured("DATABASE_URL is required when DJANGO_ENV=production (postgres://...).")

if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # WAL and IMMEDIATE transactions let the web server and the worker write without "database is locked".
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    env_url("REDIS_URL", schemes=("redis", "rediss"))
elif PRODUCTION:
    raise ImproperlyConfigured("REDIS_URL is required when DJANGO_ENV=production (redis://...).")

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sesiocloset"}}

# --- Files ------------------------------------------------------------------------------------------------

# Every user file is private: there is no public media URL. Files are reached only through signed URLs that
# expire (core.storage), on local disk and on S3 alike.
PRIVATE_FILE_URL_MAX_AGE = env_int("PRIVATE_FILE_URL_MAX_AGE", 300, minimum=1)
MEDIA_ROOT = VAR_DIR / "private"
MEDIA_URL = "/files/"

AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "")
if PRODUCTION and not AWS_STORAGE_BUCKET_NAME:
    raise ImproperlyConfigured("AWS_STORAGE_BUCKET_NAME is required when DJANGO_ENV=production.")
if AWS_STORAGE_BUCKET_NAME:
    _endpoint = env_str("AWS_S3_ENDPOINT_URL", "")
    if _endpoint:
        env_url("AWS_S3_ENDPOINT_URL", schemes=("http", "https"))
    _private_storage = {
        "BACKEND": "core.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": _endpoint or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY", "") or None,
            "addressing_style": env_choice("AWS_S3_ADDRESSING_STYLE", ("auto", "path", "virtual"), "auto"),
        },
    }
else:
    _private_storage = {"BACKEND": "core.storage.PrivateFileSystemStorage"}

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": _private_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# --- E-mail -----------------------------------------------------------------------------------------------

DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SesioCloset <hello@sesiocloset.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if PRODUCTION:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 20
else:
    # Every e-mail the app sends lands as a file here, so a newcomer can read it.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# --- Security ---------------------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Behind a TLS-terminating proxy (the usual deployment) the proxy tells us the request was HTTPS.
    if env_bool("DJANGO_BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # The probes must answer over plain HTTP on the private network of a load balancer.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# --- Accounts (django-allauth) ----------------------------------------------------------------------------

# The youngest age at which a person may hold an account (ACC-3). Below it sign-up is refused and nothing about
# the person is stored. 17 is the stricter of the source policies; 16 is the other documented choice.
MINIMUM_AGE = env_int("MINIMUM_AGE", 17, minimum=13)

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupDetailsForm"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True  # one address per account; a new one is verified before it replaces the old
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_NOTIFICATIONS = True  # security e-mails on password and address changes (ACC-2)
ACCOUNT_EMAIL_SUBJECT_PREFIX = "SesioCloset: "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/h/ip",
    "request_login_code": "10/m/ip,3/5m/key",
    "reset_password": "10/m/ip,3/5m/key",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "closet:item-list"

SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
# A provider sign-up always shows our sign-up form, so the age gate applies to it too (ACC-3).
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_STORE_TOKENS = False  # we never call the provider again, so its tokens are not kept
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_PROVIDERS: dict = {
    "google": {"SCOPE": ["openid", "profile", "email"], "AUTH_PARAMS": {"prompt": "select_account"}},
    "apple": {},
}
# Providers can be configured here from the environment, or in the admin (Social applications).
if env_str("GOOGLE_CLIENT_ID", ""):
    SOCIALACCOUNT_PROVIDERS["google"]["APPS"] = [
        {"client_id": env_str("GOOGLE_CLIENT_ID"), "secret": env_str("GOOGLE_CLIENT_SECRET"), "key": ""}
    ]
if env_str("APPLE_CLIENT_ID", ""):
    SOCIALACCOUNT_PROVIDERS["apple"]["APPS"] = [
        {
            "client_id": env_str("APPLE_CLIENT_ID"),
            "secret": env_str("APPLE_KEY_ID"),
            "key": env_str("APPLE_TEAM_ID"),
            "settings": {"certificate_key": env_str("APPLE_PRIVATE_KEY").replace("\\n", "\n")},
        }
    ]

MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_ENCRYPTION_KEY = env_str("MFA_ENCRYPTION_KEY", "") or SECRET_KEY
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "SesioCloset"
USERSESSIONS_TRACK_ACTIVITY = True
HEADLESS_CLIENTS = ("app", "browser")

# --- Connected stores: the OpenID Connect provider (allauth.idp.oidc) ----------------------------------------


def _development_oidc_key() -> str:
    """An RSA key kept in var/ that signs ID tokens in the embedded profile; production sets its own."""
    key_file = VAR_DIR / "oidc_private_key.pem"
    if not key_file.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        key_file.chmod(0o600)
    return key_file.read_text()


IDP_OIDC_ADAPTER = "stores.oidc.StoreOIDCAdapter"


def _oidc_key_from_env() -> str:
    """The ID-token signing key from ``OIDC_PRIVATE_KEY`` (PEM; ``\\n`` for line breaks), checked at start-up."""
    pem = env_str("OIDC_PRIVATE_KEY").replace("\\n", "\n")
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(pem.encode(), password=None)
    except ValueError as error:
        raise ImproperlyConfigured("OIDC_PRIVATE_KEY must be an unencrypted RSA private key in PEM.") from error
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 2048:
        raise ImproperlyConfigured("OIDC_PRIVATE_KEY must be an RSA private key of at least 2048 bits.")
    return pem


IDP_OIDC_PRIVATE_KEY = (
    _oidc_key_from_env() if PRODUCTION or env_str("OIDC_PRIVATE_KEY", "") else _development_oidc_key()
)
IDP_OIDC_ACCESS_TOKEN_EXPIRES_IN = env_int("OIDC_ACCESS_TOKEN_SECONDS", 3600, minimum=60)
IDP_OIDC_ROTATE_REFRESH_TOKEN = True
# Stores authenticate to the token endpoint with their secret (HTTP Basic or in the body); no public clients.
IDP_OIDC_AUTH_METHODS = ("client_secret_basic", "client_secret_post")
IDP_OIDC_RP_INITIATED_LOGOUT_ASKS_FOR_OP_LOGOUT = True
# The key of the pairwise pseudonyms stores see (STO-2). Changing it gives every store new pseudonyms for everyone,
# so production sets it once and keeps it; by default it is derived from the secret key.
STORE_PSEUDONYM_KEY = env_str("STORE_PSEUDONYM_KEY", "")
# Deletion notices to stores (RGT-7): attempts with exponential backoff before a notice is marked undelivered.
STORE_NOTICE_MAX_ATTEMPTS = env_int("STORE_NOTICE_MAX_ATTEMPTS", 12, minimum=1)
# Revoked connections are kept as proof of the consent given, then deleted (STO-5, as CON-2).
RETENTION_STORE_CONNECTION_DAYS = env_int("RETENTION_STORE_CONNECTION_DAYS", 730, minimum=0)

# The first-party device cookie (ACC-4): strictly necessary, it recognises a browser to secure the account.
DEVICE_COOKIE_NAME = "sc_device"
DEVICE_COOKIE_MAX_AGE = 60 * 60 * 24 * 400  # the longest lifetime browsers allow

# --- API --------------------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.SessionAuthentication",  # the browser, with CSRF
        "allauth.headless.contrib.rest_framework.authentication.XSessionTokenAuthentication",  # apps
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/min"),
        "user": env_str("API_THROTTLE_USER", "600/min"),
    },
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "SesioCloset API",
    "DESCRIPTION": (
        "The REST API of SesioCloset, a privacy-first wardrobe. Every error is JSON with a stable `code` and a "
        "human `detail`. Objects of other users answer 404."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for one choice set, wherever it appears (items, outfits and idea requests all take seasons).
    "ENUM_NAME_OVERRIDES": {
        "SeasonEnum": "closet.models.SEASONS",
        "PrivacyRequestKindEnum": "privacy.models.RequestKind",
    },
}

# --- Celery -----------------------------------------------------------------------------------------------

if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # How long a task taken by a worker that died stays invisible before another worker gets it again.
    _visibility_timeout = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": _visibility_timeout,
        # kombu looks for such tasks every `interval` seconds but by default scans only every 10th look; scanning
        # each time costs one small Redis query and brings a dead worker's task back soon after its timeout.
        "unacked_restore_interval": min(10, _visibility_timeout),
        "unacked_restore_throttle": 1,
    }
else:
    # kombu's filesystem transport: a queue in a folder, so the embedded profile needs no broker server.
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"  # kombu's default is "control/" in the working directory
    for _folder in (_queue_dir, _processed_dir, _control_dir):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(_control_dir),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_BEAT_SCHEDULE = {
    "private-storage-orphan-sweep": {
        "task": "core.tasks.private_storage_orphans_sweep",
        "schedule": crontab(minute=17, hour=3),
    },
    "consent-events-purge": {"task": "privacy.tasks.consent_events_purge", "schedule": crontab(minute=41, hour=3)},
    "export-bundles-expire": {"task": "privacy.tasks.export_bundles_expire", "schedule": crontab(minute=53, hour=3)},
    # Staff get the privacy requests due within 2 business days or overdue (RGT-6), before the working day.
    "privacy-requests-digest": {"task": "privacy.tasks.privacy_requests_digest", "schedule": crontab(minute=0, hour=6)},
    # Closed accounts are erased once their grace period is over (RET-1), then the registry's periods run out.
    "account-erasures": {"task": "privacy.tasks.account_erasures_due_run", "schedule": crontab(minute=5, hour=4)},
    "retention-sweep": {"task": "privacy.tasks.retention_sweep", "schedule": crontab(minute=35, hour=4)},
    "outfit-jobs-sweep": {"task": "closet.tasks.ideas.outfit_jobs_sweep", "schedule": crontab(minute="*/10")},
    # Photos uploaded while the broker was down are sent for processing again.
    "closet-photos-processing-resume": {
        "task": "closet.tasks.photos.item_photos_processing_resume",
        "schedule": crontab(minute="*/15"),
    },
    # Deletion notices to stores whose retry is due are enqueued again, should their message be lost (RGT-7).
    "store-notices-resume": {"task": "stores.tasks.store_notices_resume", "schedule": crontab(minute="*/10")},
}
# An outfit-idea job still queued or running after this is failed by the sweep (and its upload deleted).
OUTFIT_JOB_TIMEOUT = timedelta(minutes=env_int("OUTFIT_JOB_TIMEOUT_MINUTES", 15, minimum=1))
# A file younger than this is never called an orphan: its row may still be on its way to being committed.
ORPHAN_FILE_GRACE = timedelta(hours=env_int("ORPHAN_FILE_GRACE_HOURS", 24, minimum=1))

# --- Internationalisation ---------------------------------------------------------------------------------

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Logging ----------------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Privacy ----------------------------------------------------------------------------------------------

# How long the events of a withdrawn or refused consent are kept as proof (CON-2, STO-5: up to 24 months).
CONSENT_RETENTION_DAYS = env_int("CONSENT_RETENTION_DAYS", 730, minimum=1)
# A data export's bundle is deleted this many days after it is ready (RET-6).
EXPORT_BUNDLE_DAYS = env_int("EXPORT_BUNDLE_DAYS", 7, minimum=1)
CONSENT_VISITOR_COOKIE = "sc_visitor"

# Privacy requests (RGT-6): answered within PRIVACY_REQUEST_BUSINESS_DAYS business days (weekends and the listed
# public holidays do not count; the count starts the day after the request arrives), or, in "calendar_days" mode,
# within PRIVACY_REQUEST_CALENDAR_DAYS days. Holidays are ISO dates, comma-separated: 2026-12-25,2026-12-26.
PRIVACY_REQUEST_DEADLINE_MODE = env_choice(
    "PRIVACY_REQUEST_DEADLINE_MODE", ("business_days", "calendar_days"), "business_days"
)
PRIVACY_REQUEST_BUSINESS_DAYS = env_int("PRIVACY_REQUEST_BUSINESS_DAYS", 5, minimum=1)
PRIVACY_REQUEST_CALENDAR_DAYS = env_int("PRIVACY_REQUEST_CALENDAR_DAYS", 30, minimum=1)
PRIVACY_REQUEST_HOLIDAYS = env_dates("PRIVACY_REQUEST_HOLIDAYS", [])
# An e-mailed request is verified by a code sent to the account's address; the code is valid this many hours.
PRIVACY_REQUEST_CODE_HOURS = env_int("PRIVACY_REQUEST_CODE_HOURS", 72, minimum=1, maximum=720)

# Erasure (RGT-4, RET-1): a closed account is erased by the sweep this many days after the person asked, and can be
# cancelled until then. The promise is "within 30 days", so the setting cannot exceed 29 (the sweep runs daily).
ERASURE_GRACE_DAYS = env_int("ERASURE_GRACE_DAYS", 7, minimum=0, maximum=29)

# Retention sweeps (RET-2, RET-3, RET-4): rows older than these are deleted by the nightly sweep
# (privacy.retention); the registry names which models each period applies to.
RETENTION_USAGE_DAYS = env_int("RETENTION_USAGE_DAYS", 365, minimum=1)
RETENTION_SUPPORT_DAYS = env_int("RETENTION_SUPPORT_DAYS", 182, minimum=1)
RETENTION_SECURITY_LOG_DAYS = env_int("RETENTION_SECURITY_LOG_DAYS", 90, minimum=1)
# The sweep deletes at most this many rows per statement, so a large backlog never holds a long lock.
RETENTION_BATCH_SIZE = env_int("RETENTION_BATCH_SIZE", 1000, minimum=1)
