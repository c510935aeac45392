"""One settings module for every environment, driven by environment variables.

Defaults suit a developer's machine (embedded PostgreSQL, filesystem Celery broker, plain HTTP on
127.0.0.1). Production sets ``DJANGO_DEBUG=0``, ``DJANGO_HTTPS=1``, ``DJANGO_SECRET_KEY``,
``DJANGO_ALLOWED_HOSTS``, ``DATABASE_URL`` and ``REDIS_URL``.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import unquote

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(environ.Env().str("DATA_DIR", default=str(BASE_DIR / ".data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()


def _dev_secret_key() -> str:
    """A per-checkout random key kept under .data/, so sessions survive restarts without a committed key."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env.bool("DJANGO_DEBUG", default=False)
HTTPS = env.bool("DJANGO_HTTPS", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _dev_secret_key()
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_jalali",
    "pgtrigger",
    "pghistory",
    "core",
    "accounts",
    "centers",
    "donors",
    "contributions",
    "beneficiaries",
    "public",
    "reporting",
    "payments",
    "bases",
    "community",
    "memoranda",
    "donor_portal",
]

MIDDLEWARE = [
    "public.middleware.PublicPageCacheMiddleware",  # first: a cached public page skips everything below
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.PersianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "centers.middleware.TenantScopeMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "axes.middleware.AxesMiddleware",
]

# The public pages (directory, center, campaign, occasions) are cached for anonymous visitors this long
# (public/middleware.py); 0 turns the cache off.
PUBLIC_PAGE_CACHE_PREFIXES = ("/directory/", "/campaigns/", "/occasions/")
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=60)

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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
            ],
            "builtins": ["core.templatetags.fa"],
        },
    },
]

# --- Database: PostgreSQL only -------------------------------------------------------------------
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
    # A Unix-socket directory may be given percent-encoded as the host (postgres://u@%2Fvar%2Frun%2Fpg/db).
    DATABASES["default"]["HOST"] = unquote(DATABASES["default"].get("HOST", ""))
else:
    from config.embedded_db import embedded_database

    DATABASES = {"default": embedded_database(DATA_DIR, env.str("EMBEDDED_DB_NAME", default="charity"))}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ---------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
else:
    # Shared by every process of this checkout (web, worker), unlike the per-process local-memory cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }
    # kombu's filesystem transport: a real broker made of files, so jobs run in a separate worker process.
    _broker_dir = DATA_DIR / env.str("BROKER_DIR_NAME", default="broker")
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True  # progress and outcomes live in our own tables, never in a result backend
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Tehran"
CELERY_BEAT_SCHEDULE: dict = {}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# In-kind stock: perishables expiring within this many days are listed for distribution at once.
STOCK_NEAR_EXPIRY_DAYS = env.int("STOCK_NEAR_EXPIRY_DAYS", default=7)
# Reports dashboards: figures and charts (from the rollups) are cached per scope and period this long; 0: off.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=300)

# --- Accounts and security -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "centers:dashboard"
LOGOUT_REDIRECT_URL = "core:home"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)

OTP_TOTP_ISSUER = _("Charity centers portal")

SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(DATA_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@charity.local")

# --- Language, time and the interface ------------------------------------------------------------
LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", "فارسی"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tehran"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "core.storage.StaticStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(DATA_DIR / "media"))
MEDIA_URL = "/media/"

# --- Receipts: the key of the verification codes (default: derived from SECRET_KEY; set it in production, so
# rotating SECRET_KEY does not void printed receipts) and the public address their QR codes open.
RECEIPT_VERIFICATION_KEY = env.str("RECEIPT_VERIFICATION_KEY", default="")
# Online payments (payments/conf.py lists the rest, with defaults): the key of the merchant ids at rest (base64
# of 32 bytes; derived from SECRET_KEY when empty, so production sets it to survive a secret-key rotation).
PAYMENTS_ENCRYPTION_KEY = env.str("PAYMENTS_ENCRYPTION_KEY", default="")
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="")

# --- API -----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.authentication.PortalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Charity centers portal API",
    "DESCRIPTION": "Scoped like the person whose session or token it is: every tenant-owned object carries "
    "its `center`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "DEFAULT_GENERATOR_CLASS": "core.schema.SchemaGenerator",
    # One name per choice set that several fields share (drf-spectacular warns otherwise).
    "ENUM_NAME_OVERRIDES": {
        "CenterStatusEnum": "centers.models.tenancy.Center.Status",
        "AppointmentStatusEnum": "centers.models.tenancy.TrusteeAppointment.Status",
        "CenterKindEnum": "centers.models.tenancy.Center.Kind",
        "BoardChangeStepKindEnum": "centers.models.board.BoardChangeStep.Kind",
        "LicenseKindEnum": "centers.models.lifecycle.License.Kind",
        "MeetingKindEnum": "centers.models.supervision.Meeting.Kind",
        "DocumentKindEnum": "centers.models.supervision.ArchivedDocument.Kind",
        "ComplaintEventKindEnum": "centers.models.supervision.ComplaintEvent.Kind",
        "StockMovementKindEnum": "contributions.models.stock.StockMovement.Kind",
        "PledgeKindEnum": "contributions.models.pledges.Pledge.Kind",
        "PledgeStatusEnum": "contributions.models.pledges.Pledge.Status",
        "PledgeInstalmentStatusEnum": "contributions.models.pledges.PledgeInstalment.Status",
        "InKindUnitEnum": "contributions.models.gifts.InKindLine.Unit",
        "InKindCategoryEnum": "contributions.models.gifts.InKindLine.Category",
        "ConstructionFormEnum": "contributions.models.gifts.ConstructionDetail.Form",
        "PledgeFormEnum": "contributions.models.pledges.Pledge.Form",
        "ContributionKindEnum": "contributions.models.gifts.Contribution.Kind",
        "ContributionStatusEnum": "contributions.models.gifts.Contribution.Status",
        "ContributionChannelEnum": "contributions.models.gifts.Contribution.Channel",
        "AssessmentCategoryEnum": "beneficiaries.models.households.Assessment.Category",
        "DonorKindEnum": "donors.models.Donor.Kind",
        "BoardRoleEnum": "centers.models.tenancy.BoardRole",
        "AidDistributionKindEnum": "beneficiaries.models.distributions.AidDistribution.Kind",
        "CaseNoteKindEnum": "beneficiaries.models.socialwork.CaseNote.Kind",
        "ReferralStatusEnum": "beneficiaries.models.socialwork.Referral.Status",
        "LoanRepaymentChannelEnum": "beneficiaries.models.loans.LoanRepayment.Channel",
        "ProblemCategoryEnum": "community.models.assessment.ProblemCategory",
        "LocalAssetKindEnum": "community.models.assessment.LocalAsset.Kind",
        "StakeholderKindEnum": "community.models.planning.Stakeholder.Kind",
        "ReportRunKindEnum": "reporting.models.runs.ReportRun.Kind",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.schema.add_error_responses"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# The content-security policy of every page: no inline script or style, no third-party origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# The one exception, for integrators only: Swagger UI (the interactive API docs) sets inline styles from
# its own script. Scripts stay strict there too.
CONTENT_SECURITY_POLICY_EXCEPTIONS = {
    "/api/docs/": CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
}

# --- Beneficiaries: identifiers encrypted at rest, found by a keyed blind index (DESIGN §8) -----------
# Two separate 32-byte keys in urlsafe base64 (make one with `python -c "from beneficiaries.crypto import
# generate_key; print(generate_key())"`), kept outside the database and its backups. A key left unset is
# derived from SECRET_KEY (beneficiaries/crypto.py) only in development: with DEBUG on, or on a checkout
# using its own generated .data/secret_key (no DJANGO_SECRET_KEY given: make run, the tests). A deployment
# (DJANGO_SECRET_KEY set, as docker-compose requires) must set both keys or beneficiary pages fail closed.
BENEFICIARY_ENCRYPTION_KEY = env.str("BENEFICIARY_ENCRYPTION_KEY", default="")
BENEFICIARY_BLIND_INDEX_KEY = env.str("BENEFICIARY_BLIND_INDEX_KEY", default="")
BENEFICIARY_KEYS_FROM_SECRET_KEY = DEBUG or not env.str("DJANGO_SECRET_KEY", default="")
# Overrides of the priority rule's weights (beneficiaries/priority.py DEFAULT_WEIGHTS, merged key by key),
# e.g. {"rural": 10, "severity": {"employment": 10}}.
BENEFICIARY_PRIORITY_WEIGHTS: dict = {}
# Social work: a referral still unanswered (status "sent") this many days after it was sent is overdue
# (beneficiaries/selectors_socialwork.py; listed on the center's referrals page).
BENEFICIARY_REFERRAL_ANSWER_DAYS = env.int("BENEFICIARY_REFERRAL_ANSWER_DAYS", default=30)

# --- SMS and the donors' own pages (donor_portal, core/sms.py) -------------------------------------
# core.sms.FileBackend (default: JSON lines in SMS_FILE_PATH), core.sms.ConsoleBackend or
# core.sms.KavenegarBackend (needs KAVENEGAR_API_KEY; KAVENEGAR_OTP_TEMPLATE sends codes through verify/lookup).
SMS_BACKEND = env.str("SMS_BACKEND", default="core.sms.FileBackend")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(DATA_DIR / "sms.jsonl"))
KAVENEGAR_API_KEY = env.str("KAVENEGAR_API_KEY", default="")
KAVENEGAR_SENDER = env.str("KAVENEGAR_SENDER", default="")
KAVENEGAR_OTP_TEMPLATE = env.str("KAVENEGAR_OTP_TEMPLATE", default="")
# The key of the login codes' hashes (default: derived from SECRET_KEY), their life in seconds and tries.
DONOR_OTP_KEY = env.str("DONOR_OTP_KEY", default="")
DONOR_OTP_TTL = env.int("DONOR_OTP_TTL", default=180)
DONOR_OTP_MAX_ATTEMPTS = env.int("DONOR_OTP_MAX_ATTEMPTS", default=5)
DONOR_SESSION_AGE = env.int("DONOR_SESSION_AGE", default=2 * 60 * 60)
DONOR_REMINDER_DAYS_AHEAD = env.int("DONOR_REMINDER_DAYS_AHEAD", default=3)

# --- Reports (issue 7; reporting/runs.py) --------------------------------------------------------------
# Modules whose import registers a renderer per kind of report (reporting.runs.register_renderer); the
# extra ones from the environment let a test's worker process know a test renderer.
REPORT_RENDERER_MODULES = ["reporting.performance", "reporting.yearbook.build",
                           *env.list("REPORT_EXTRA_RENDERER_MODULES", default=[])]
# A running report with no progress for this many minutes is failed (its worker died), so it can be asked again.
REPORT_RUN_STALE_MINUTES = env.int("REPORT_RUN_STALE_MINUTES", default=60)
# The levels beat asks the periodic reports for when a Jalali month, quarter and year end.
REPORT_RUNS_PERIODIC_LEVELS = env.list("REPORT_RUNS_PERIODIC_LEVELS", default=["center", "county", "province",
                                                                               "nation"])
# A center's monthly participation report is overdue this many days into the next Jalali month (seed 001).
MONTHLY_REPORT_DUE_DAYS = env.int("MONTHLY_REPORT_DUE_DAYS", default=10)
