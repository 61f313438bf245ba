"""Settings for every environment, read from the environment through ``config.env.env``.

With nothing set this is the embedded configuration of ``make run``: SQLite and eager Celery.
``config.settings.production`` builds on it and refuses to start without a SECRET_KEY.
"""

import datetime
from pathlib import Path

from celery.schedules import crontab

from config.env import as_bool, as_cache, as_database, as_int, as_list, env

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-never-used-in-production")
DEBUG = env("DEBUG", as_bool, default=False)
ALLOWED_HOSTS = env("ALLOWED_HOSTS", as_list, default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS", as_list, default=[])

INSTALLED_APPS = [
    # first: its runserver (make run) replaces Django's, so static files come through WhiteNoise as in production
    "demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular_sidecar",  # Swagger UI's files for /api/docs/, served by the app
    "knox",  # API tokens: one per sign-in, stored hashed, expiring, revocable
    "django_filters",
    "drf_spectacular",
    "tumorboard",  # before allauth: its templates/allauth/layouts/ put allauth's pages in the site layout
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "specialists",
    "scheduling",
    "cases",
]

MIDDLEWARE = [
    "tumorboard.middleware.RequestIdMiddleware",
    "tumorboard.middleware.DatabaseBusyMiddleware",
    "tumorboard.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tumorboard.auth.PagesLoginRequiredMiddleware",  # pages denied by default (login_not_required opens one)
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tumorboard.middleware.HtmxRedirectMiddleware",
    "tumorboard.auth.StaffMfaMiddleware",
    "tumorboard.transactions.RequestTransactionMiddleware",  # last: a write request's transaction, a read's audit
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "specialists.context_processors.navigation",
                "cases.context_processors.review_tasks",
            ],
        },
    },
]

# Database: DATABASE_URL (postgres://... or sqlite:///...), else an embedded SQLite file.
DATABASES = {"default": env("DATABASE_URL", as_database, default=as_database(f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database holds a small team: readers never wait for the writer (WAL), every transaction takes
    # the write lock when it begins (IMMEDIATE: two requests never deadlock upgrading a read to a write, which
    # SQLite answers at once with "database is locked", whatever the timeout), and a writer waits its turn for up to
    # SQLITE_BUSY_SECONDS; after that the request answers 503 with Retry-After (tumorboard.middleware).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env("SQLITE_BUSY_SECONDS", as_int, default=20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
else:
    # PostgreSQL compiles (JIT) a query whose estimated cost passes jit_above_cost: for the analytics' aggregates, with
    # their correlated subqueries, the compilation took 4.7-5.1 s of what runs in 0.5 s without it (bench/analytics.py).
    # The service's queries are short: JIT is off unless the URL's ``?options=`` says otherwise.
    # random_page_cost 1.1 (PostgreSQL's default, 4, models spinning disks; its manual suggests about 1.1 for SSDs
    # or a cached database): with 4, the planner hashed whole tables for a board's thousand cases rather than
    # looking them up by index, so a small board's analytics cost grew with the network (0.3 s vs 0.06 s at 100k).
    # plan_cache_mode: the statements the application prepares (tumorboard.database.prepared_cursor: a key, a page of
    # keys) run their generic plan; PostgreSQL's own choice kept planning a page of one case (6 ms a time, 0.5 to run).
    # Django's other statements are not prepared, so not concerned.
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", "-c jit=off -c random_page_cost=1.1 -c plan_cache_mode=force_generic_plan"
    )
# PostgreSQL: the role the application runs as, when it is not the owner that migrates (tumorboard/database.py):
# migrate grants it every table but only SELECT and INSERT on the audit log, creating it with this password if missing.
DATABASE_APP_ROLE = env("DATABASE_APP_ROLE", default="")
DATABASE_APP_PASSWORD = env("DATABASE_APP_PASSWORD", default="")
# The audit log on PostgreSQL: one partition per month, made AUDIT_PARTITION_MONTHS_AHEAD ahead by a daily task (a row
# of a month without one lands in a DEFAULT partition); `manage.py audit_archive` moves the months older than
# AUDIT_RETENTION_MONTHS to files in AUDIT_ARCHIVE_DIR, exported, hashed and listed (tumorboard.audit_archive). Six
# years by default: HIPAA's Security Rule keeps required documentation 6 years from its creation (45 CFR
# 164.316(b)(2)(i), 2003); the archive keeps the trail beyond that, out of the database.
AUDIT_PARTITION_MONTHS_AHEAD = env("AUDIT_PARTITION_MONTHS_AHEAD", as_int, default=3)
AUDIT_RETENTION_MONTHS = env("AUDIT_RETENTION_MONTHS", as_int, default=72)
AUDIT_ARCHIVE_DIR = env("AUDIT_ARCHIVE_DIR", Path, default=BASE_DIR / "var" / "audit-archive")
# The audit table refuses TRUNCATE (off only in the test settings: the test runner empties tables with it).
AUDIT_TRUNCATE_GUARD = True
# Every write request runs in one transaction (nothing half-written); a plain read (GET, HEAD, OPTIONS) runs in none
# and writes its audit rows in one INSERT before its response leaves: tumorboard.transactions, not ATOMIC_REQUESTS.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env("CONN_MAX_AGE", as_int, default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "specialists.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
# Accounts are created by the institution's administrators, never by sign-up.
ACCOUNT_ADAPTER = "tumorboard.auth.AccountAdapter"
# TOTP (with recovery codes) for the web pages; staff and superusers must set it up before anything else.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="Tumor board")
MFA_TOTP_TOLERANCE = 1  # the code of the previous or next 30 s window is accepted too (phone clocks drift)
MFA_REQUIRED_FOR_STAFF = env("MFA_REQUIRED_FOR_STAFF", as_bool, default=True)
# What pages may load and run (tumorboard.middleware.ContentSecurityPolicyMiddleware): no inline or evaluated script.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Passwords are not guessed (tumorboard/sign_in.py, for the sign-in page and the token endpoint): failures are counted
# per account and per client address in the shared cache; too many lock the account for a while.
SIGN_IN_FAILURES_PER_ACCOUNT = env("SIGN_IN_FAILURES_PER_ACCOUNT", as_int, default=10)
SIGN_IN_FAILURES_PER_ADDRESS = env("SIGN_IN_FAILURES_PER_ADDRESS", as_int, default=50)
SIGN_IN_FAILURE_WINDOW_MINUTES = env("SIGN_IN_FAILURE_WINDOW_MINUTES", as_int, default=15)
SIGN_IN_LOCKOUT_MINUTES = env("SIGN_IN_LOCKOUT_MINUTES", as_int, default=15)
# The checklist's readiness limits are the board's policy, not a guideline's (cases/checklist): the age past which the
# latest imaging report, a GFR or bilirubin, and an LVEF are flagged as too old to plan from.
CHECKLIST_IMAGING_MAX_AGE_DAYS = env("CHECKLIST_IMAGING_MAX_AGE_DAYS", as_int, default=56)
CHECKLIST_LAB_MAX_AGE_DAYS = env("CHECKLIST_LAB_MAX_AGE_DAYS", as_int, default=30)
CHECKLIST_LVEF_MAX_AGE_DAYS = env("CHECKLIST_LVEF_MAX_AGE_DAYS", as_int, default=90)
# allauth's own count of failures stays, no stricter than the rule above: it is what guards the second-factor step of
# the sign-in page (codes tried per user).
ACCOUNT_RATE_LIMITS = {"login_failed": "20/m/ip,10/15m/key"}
# The proxies in front of the app that append the client's address to X-Forwarded-For (a TLS proxy: 1). With 0 the
# client address is the connection's: a header the client sends is never believed.
TRUSTED_PROXIES = env("TRUSTED_PROXIES", as_int, default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXIES
# API tokens (django-rest-knox): one per sign-in, stored as a SHA-512 digest, expiring after API_TOKEN_HOURS.
API_TOKEN_HOURS = env("API_TOKEN_HOURS", as_int, default=12)
REST_KNOX = {"TOKEN_TTL": datetime.timedelta(hours=API_TOKEN_HOURS), "AUTH_HEADER_PREFIX": "Token"}
# A web session ends after this many idle minutes (every request renews it); API tokens are not sessions.
SESSION_COOKIE_AGE = env("SESSION_IDLE_MINUTES", as_int, default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
ACCOUNT_SESSION_REMEMBER = False  # no "remember me": a session also ends when the browser closes

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# WhiteNoise serves the static files in every configuration, DEBUG or not (the demo's runserver leaves them to it).
# Production serves the hashed files collectstatic wrote to STATIC_ROOT (config.settings.production); here WhiteNoise
# finds them in the apps, so a fresh clone is styled without a collectstatic step.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = env("MEDIA_ROOT", Path, default=BASE_DIR / "media")
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Documents: what may be uploaded, and how large.
DOCUMENT_MAX_BYTES = env("DOCUMENT_MAX_BYTES", as_int, default=20 * 1024 * 1024)
DOCUMENT_CONTENT_TYPES = env(
    "DOCUMENT_CONTENT_TYPES",
    as_list,
    default=["application/pdf", "image/png", "image/jpeg", "text/plain", "application/dicom"],
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# FHIR import (POST /api/v1/fhir/import/): a larger bundle is refused with 413 before it is parsed.
FHIR_IMPORT_MAX_BYTES = env("FHIR_IMPORT_MAX_BYTES", as_int, default=5 * 1024 * 1024)

# E-mail. Messages carry links and ids only, never patient data.
# Without a configured backend each message is one line on the console: its subject and number of recipients.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="tumorboard.mail.ConsoleSummaryBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env("EMAIL_PORT", as_int, default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env("EMAIL_USE_TLS", as_bool, default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="tumorboard@localhost")
# Without SITE_URL, `make run` (demo's runserver) points links at the address it serves.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# manage.py load_demo writes the demo world (demo/); never in production.
DEMO_LOAD_ALLOWED = True

# Celery: JSON only, late acknowledgement, tasks re-queued when a worker dies mid-task.
# Without CELERY_BROKER_URL tasks run eagerly in-process (the embedded configuration).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://localhost/"  # a host named, or kombu warns at every eager task
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Publishing gives up quickly when the broker is down: the request has committed its rows already.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# A message a dead worker held comes back after this many seconds (longer than any task's time limit); the live
# workers look for such messages every CELERY_UNACKED_RESTORE_SECONDS (kombu's sweep is interval times throttle),
# one at a time under a lock that a worker killed while holding it leaves for CELERY_UNACKED_MUTEX_SECONDS.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env("CELERY_VISIBILITY_TIMEOUT", as_int, default=3600),
    "unacked_restore_interval": env("CELERY_UNACKED_RESTORE_SECONDS", as_int, default=100),
    "unacked_restore_throttle": 1,
    "unacked_mutex_expire": env("CELERY_UNACKED_MUTEX_SECONDS", as_int, default=300),
}
CELERY_BEAT_SCHEDULE: dict = {
    "notifications-sweep": {"task": "tumorboard.tasks.notifications_sweep", "schedule": 300.0},
    "audit-partitions-ahead": {"task": "tumorboard.tasks.audit_partitions_ahead", "schedule": 24 * 3600.0},
    "tokens-expired-sweep": {"task": "specialists.tasks.tokens_expired_sweep", "schedule": 3600.0},
    "meetings-generate": {"task": "scheduling.tasks.meetings_generate_all", "schedule": 6 * 3600.0},
    "agenda-sweep": {"task": "cases.tasks.agenda_sweep", "schedule": 600.0},
    "quorum-alerts": {"task": "scheduling.tasks.quorum_alerts", "schedule": 3600.0},
    "packets-upcoming": {"task": "cases.tasks.packets_for_upcoming_meetings", "schedule": 900.0},
    "documents-sweep": {"task": "cases.tasks.documents_sweep", "schedule": 120.0},
    "plan-changes-sweep": {"task": "cases.tasks.plan_changes_sweep", "schedule": 300.0},
    "follow-ups-remind": {"task": "cases.tasks.follow_ups_remind", "schedule": 6 * 3600.0},
    "second-opinions-sweep": {"task": "cases.tasks.second_opinions_sweep", "schedule": 120.0},
    "second-opinions-escalate": {"task": "cases.tasks.second_opinions_escalate", "schedule": 3600.0},
    "review-tasks-escalate": {"task": "cases.tasks.review_tasks_escalate", "schedule": 3600.0},
    "review-tasks-digest": {"task": "cases.tasks.review_tasks_digest", "schedule": crontab(hour=6, minute=0)},
}
# The shared cache (sign-in failure counts, used second-factor codes, rate limits): CACHE_URL, else the broker's Redis,
# else (the embedded run, no broker) a file cache that every server process of the machine shares.
CACHES = {
    "default": env(
        "CACHE_URL",
        as_cache,
        default=as_cache(
            CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else f"file://{BASE_DIR / 'var' / 'cache'}"
        ),
    )
}
# Analytics and the dashboard's counts are cached until the next committed write of what they count
# (tumorboard/figures.py), at most this long; 0 turns the cache off. Off with a process-local cache, which would not
# see the writes of the other processes.
FIGURES_CACHE_SECONDS = env(
    "FIGURES_CACHE_SECONDS", as_int, default=0 if CACHES["default"]["BACKEND"].endswith(".LocMemCache") else 300
)
# A notification still unsent this long after it was written (a lost message) is re-enqueued by the sweep.
NOTIFICATION_STALE_SECONDS = env("NOTIFICATION_STALE_SECONDS", as_int, default=600)
# Packets: built automatically this long before a meeting; stuck ones re-enqueued after these delays.
PACKET_LEAD_HOURS = env("PACKET_LEAD_HOURS", as_int, default=48)
PACKET_STALE_PENDING_SECONDS = env("PACKET_STALE_PENDING_SECONDS", as_int, default=300)
PACKET_STALE_BUILDING_SECONDS = env("PACKET_STALE_BUILDING_SECONDS", as_int, default=600)
# Change detection a lost message left undone is re-enqueued after this delay.
CHANGES_STALE_SECONDS = env("CHANGES_STALE_SECONDS", as_int, default=300)
# A board recommendation with no follow-through after this many days is listed and its navigators told.
FOLLOW_UP_DUE_DAYS = env("FOLLOW_UP_DUE_DAYS", as_int, default=30)
# Second opinions: due this many business days after the request; escalated to the coordinators this many
# hours before the due date; unrouted requests and unbuilt reports re-enqueued after this many seconds.
SECOND_OPINION_DUE_BUSINESS_DAYS_ROUTINE = env("SECOND_OPINION_DUE_BUSINESS_DAYS_ROUTINE", as_int, default=10)
SECOND_OPINION_DUE_BUSINESS_DAYS_URGENT = env("SECOND_OPINION_DUE_BUSINESS_DAYS_URGENT", as_int, default=3)
SECOND_OPINION_ESCALATE_HOURS = env("SECOND_OPINION_ESCALATE_HOURS", as_int, default=24)
SECOND_OPINION_STALE_SECONDS = env("SECOND_OPINION_STALE_SECONDS", as_int, default=300)
# A report building longer than this is taken for dead (its worker killed): claimed again and re-enqueued by the sweep.
REPORT_STALE_BUILDING_SECONDS = env("REPORT_STALE_BUILDING_SECONDS", as_int, default=600)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "specialists.authentication.TokenAuthentication",  # knox's, one query per request
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "tumorboard.api.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["tumorboard.api.filters.FilterBackend"],  # django-filter's, skipped when unused
    "DEFAULT_SCHEMA_CLASS": "tumorboard.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "tumorboard.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["tumorboard.api.renderers.JSONRenderer"],  # DRF's, and JSON written in SQL
    # JSON bodies only (document upload declares multipart itself): a form body would read an empty
    # field as "not given" and slip past validation.
    "DEFAULT_PARSER_CLASSES": ["tumorboard.api.parsers.JSONParser"],  # DRF's, with a nesting limit
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # DRF's throttles take the client address as tumorboard.middleware.client_address does
    "NUM_PROXIES": TRUSTED_PROXIES,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")

SPECTACULAR_SETTINGS = {
    "TITLE": "Tumor-board coordination service API",
    "DESCRIPTION": "Multidisciplinary tumor boards: cases, scheduling, recommendations, second opinions.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the app (drf-spectacular-sidecar), not a CDN: the docs work without internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # OpenAPI links from where ids are given out to where they are used (tumorboard.api.schema.add_links)
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tumorboard.api.schema.add_links",
    ],
    # The API speaks JSON; DRF's default form parsers would document (and accept) form encodings, in which an
    # empty field reads as omitted. Uploads declare their multipart body explicitly (cases.api.views).
    "PARSER_WHITELIST": ["tumorboard.api.parsers.JSONParser"],
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.codes.CaseStatus",
        "MeetingStatusEnum": "scheduling.models.MeetingStatus",
        "SpecialtyEnum": "specialists.models.Specialty",
        "DiseaseSiteEnum": "cases.codes.DiseaseSite",
        "TreatmentIntentEnum": "cases.codes.TreatmentIntent",
        "SecondOpinionStatusEnum": "cases.codes.SecondOpinionStatus",
        "PacketStatusEnum": "cases.codes.PacketStatus",  # a rendered document's build: packets, reports
        "ConfirmedEnum": [(True, True)],  # a meeting action's confirmation given
        "NotConfirmedEnum": [(False, False)],  # a start as planned
        "PerformanceScoreEnum": "cases.codes.PERFORMANCE_SCORES",  # Karnofsky and Lansky
        "TrialStatusEnum": "cases.codes.TrialStatus",
        "StageLimitEnum": "cases.codes.StageLimit",  # a trial's stage_min and stage_max
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "tumorboard.middleware.RequestIdLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools narrate every layout step at INFO
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")}
    # tasks run eagerly in the server's process (no broker) would narrate every run on its console
    | ({"celery.app.trace": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER else {}),
}
