"""Beatline settings: one module, configured from environment variables.

Defaults need no server (SQLite under var/, a filesystem Celery broker); DATABASE_URL switches to
PostgreSQL and CELERY_BROKER_URL to Redis.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BEATLINE_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: str = "False") -> bool:
    return os.environ.get(name, default).lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def installation_key() -> str:
    """SECRET_KEY from the environment, else a random one made on first start and kept in
    VAR_DIR/secret_key: never a key written in the code, which anyone can read and forge
    sessions and password-reset links with."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"secret_key.{os.getpid()}")
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, path)  # all at once, and never over a key another process made first
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


SECRET_KEY = installation_key()
# Off unless asked for: a debug page shows code, settings and the environment to anyone.
# ``make run``, the development server, turns it on.
DEBUG = envbool("DEBUG")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
CSRF_TRUSTED_ORIGINS = [SITE_URL]
# Served over HTTPS (SITE_URL says so): cookies only over HTTPS, and browsers told to keep to it.
HTTPS = SITE_URL.startswith("https://")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
if PROXY_HEADER := os.environ.get("SECURE_PROXY_SSL_HEADER"):  # e.g. X-Forwarded-Proto
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + PROXY_HEADER.upper().replace("-", "_"), "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "recordings",
    "analysis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ecgsite.headers.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ecgsite.limits.BodyLimitMiddleware",  # before the CSRF check reads an over-limit body
]

ROOT_URLCONF = "ecgsite.urls"
WSGI_APPLICATION = "ecgsite.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'beatline.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web and worker write concurrently; wait for the lock instead of failing at once. IMMEDIATE:
    # a transaction takes the write lock when it begins, because SQLite refuses at once (no
    # waiting) a reader that tries to become a writer while another connection writes.
    DATABASES["default"]["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE"}
    # A file, not memory, so worker processes started by the tests share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    # PostgreSQL's JIT compiles queries it estimates as costly; for the review queue's (about
    # 90 ms of work at 1,500 cases) compiling took 440 ms more.
    DATABASES["default"]["OPTIONS"] = {"options": "-c jit=off"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
WHITENOISE_AUTOREFRESH = DEBUG  # development: files re-read as they change
# Static files are found where they live too, so a server started without `collectstatic` (say
# runserver with DEBUG off) still has its CSS, scripts and API docs.
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# Console by default (development: password-reset links are printed); production sends mail by SMTP,
# so reset links never sit in a log.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "beatline@localhost")
# Messages live in the session, not in a cookie: one of them shows a new API token.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Throttle counters: per process by default; CACHE_URL=redis://... shares them between web processes.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
        }
        if os.environ.get("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Uploads
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_MB", 200) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 50

# Celery: a broker that needs no server by default (kombu's filesystem transport under var/).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(BROKER_DIR),
        "data_folder_out": str(BROKER_DIR),
        "control_folder": str(BROKER_DIR / "control"),
        "polling_interval": 0.2,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Webhook deliveries wait on other people's servers: their own queue and worker (``make run``,
# docker-compose.yml), so a slow receiver never holds up anyone's analysis.
CELERY_TASK_ROUTES = {"webhooks.deliver": {"queue": "webhooks"}}
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
if CELERY_BROKER_URL.startswith("filesystem"):
    (BROKER_DIR / "control").mkdir(parents=True, exist_ok=True)

# Analysis: long recordings are cut into chunks analysed in parallel by the workers.
ANALYSIS_CHUNK_S = float(os.environ.get("ANALYSIS_CHUNK_S", 1800))
ANALYSIS_MARGIN_S = float(os.environ.get("ANALYSIS_MARGIN_S", 60))
ANALYSIS_STUCK_AFTER_S = envint("ANALYSIS_STUCK_AFTER_S", 900)
ANALYSIS_MAX_ATTEMPTS = envint("ANALYSIS_MAX_ATTEMPTS", 3)
# Inference threads per worker process (ecgsite/celery.py): workers, not threads, share the cores.
WORKER_TORCH_THREADS = envint("WORKER_TORCH_THREADS", 1)

# REST API (/api/v1/): token or session auth, throttled per token and per user, one error body shape.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "ecgsite.api.JSONParser",  # a body nested too deeply is a 400, not a 500
        "rest_framework.parsers.FormParser",
        "ecgsite.api.MultiPartParser",  # a form Django cannot parse is told plainly
    ],
    "DEFAULT_THROTTLE_CLASSES": ["ecgsite.api.TokenRateThrottle", "ecgsite.api.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": os.environ.get("API_THROTTLE_TOKEN", "1200/min"),
        "user": os.environ.get("API_THROTTLE_USER", "2400/min"),
        "upload": os.environ.get("API_THROTTLE_UPLOAD", "60/hour"),
    },
    "DEFAULT_PAGINATION_CLASS": "ecgsite.api.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "ecgsite.api.exception_handler",
    "URL_FORMAT_OVERRIDE": None,  # ?format= filters recordings by file format
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Beatline API",
    "DESCRIPTION": "Upload ECG recordings, follow their analyses, read events and timelines.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ecgsite.api.add_page_parameters",
        "ecgsite.api.add_retry_after",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AnalysisStatusEnum": "analysis.models.Analysis.Status",
        "RecordingStatusEnum": "recordings.serializers.STATUS_CHOICES",
        "DeliveryStatusEnum": "analysis.models.WebhookDelivery.Status",
        "ReviewStatusEnum": "analysis.models.ReviewCase.Status",
        "EventTypeEnum": "analysis.serializers.EVENT_TYPE_CHOICES",
        "DecisionEnum": "analysis.models.EventReview.Decision",
        "AamiClassEnum": "mlcore.segment.AAMI_CLASSES",
    },
}
WEBHOOK_TIMEOUT_S = float(os.environ.get("WEBHOOK_TIMEOUT_S", 5))
WEBHOOK_MAX_ATTEMPTS = envint("WEBHOOK_MAX_ATTEMPTS", 6)
WEBHOOK_BACKOFF_S = float(os.environ.get("WEBHOOK_BACKOFF_S", 30))
# A pending delivery this long past its due time lost its task: recover_analyses sends it again.
WEBHOOK_RESEND_AFTER_S = envint("WEBHOOK_RESEND_AFTER_S", 600)
# The delivery log keeps a finished (delivered or failed) delivery this many days; 0: for ever.
WEBHOOK_LOG_DAYS = envint("WEBHOOK_LOG_DAYS", 30)
# After a secret is replaced, deliveries carry a second signature made with the old one this long.
WEBHOOK_SECRET_GRACE_S = envint("WEBHOOK_SECRET_GRACE_S", 86400)
# Webhooks to loopback/private addresses (calls into the server's own network): off unless asked
# for, e.g. to try webhooks against a receiver on this machine.
WEBHOOK_ALLOW_PRIVATE = envbool("WEBHOOK_ALLOW_PRIVATE")
