"""Settings for the portal: one module, driven by environment variables.

With nothing set it runs on its embedded defaults (a SQLite file, a broker that needs no server, a local
cache), which is what `make demo` and `make test` use on a newcomer's laptop. Production and CI set
DATABASE_URL and REDIS_URL; `.env.example` lists every variable with a working value.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"

# Identity numbers are stored only as keyed digests (accounts.identity). Changing this key makes every
# stored digest unverifiable, so it is separate from SECRET_KEY, which may be rotated.
IDENTITY_HASH_KEY = os.environ.get("IDENTITY_HASH_KEY", "") or SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

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
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_celery_beat",
    "accounts",
    "services",
    "services.repair",
    "services.applications",
    # Complaints and their sister kinds (issue 9): between services and outlets.
    "complaints",
    # Pre-sale (issue 11): outage notices, enquiries with the knowledge base, the tariff guide.
    "services.notices",
    "services.enquiries",
    "services.tariffs",
    # In-sale (issue 12): new connections (业扩报装) and changes of use (变更用电).
    "services.connections",
    # Inspections of customers' electricity use and anomalies in the readings (issue 13).
    "services.inspections",
    # Bills, the ledger, payments and arrears (issue 14): after services, before complaints in the arrows.
    "billing",
    "outlets",
    # Managers' dashboards, targets, scorecards (issue 15): may read every app; only portal imports it.
    "dashboards",
    "portal",
]

MIDDLEWARE = [
    # First: it turns an unreachable database or Redis, wherever in the request it shows, into a clean 503
    # (portal.middleware); every middleware below may need the database (sessions, users, axes).
    "portal.middleware.ServiceUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the request: 400 for control characters in path, query, cookies, headers, forms.
    "portal.middleware_input.RejectControlCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during authentication into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "services.context_processors.inbox",
                "services.context_processors.menus",
                "outlets.context_processors.menu",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "") or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
# A database that does not answer must fail a request in seconds, not hang a web worker until gunicorn kills
# it: a refused connection fails at once, but a partition only times out. portal.middleware answers 503.
DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3"))  # seconds
DATABASE_STATEMENT_TIMEOUT = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "30"))  # seconds; 0: none
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "connect_timeout": DATABASE_CONNECT_TIMEOUT,
        # Data sent and left unacknowledged for 10 s, or an idle connection silent through the keepalives,
        # closes the connection: a query sent into a partition fails instead of waiting for TCP's ~15 minutes.
        "tcp_user_timeout": 10_000,
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        # statement_timeout bounds a query the server is slow to answer (a web worker's own limit is 30 s).
        # JIT off: PostgreSQL's JIT compiling the list pages' queries added 2-3 s to a measured request, and
        # OLTP queries on indexes never run long enough to gain from it. random_page_cost 1.1 (SSD storage): at
        # the default 4 the sweep read its 2,000 due clocks by a sequential scan of every order (bench/README.md).
        "options": f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000} -c jit=off -c random_page_cost=1.1",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file: wait for a lock instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Broker and cache -----------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# Seconds to wait for Redis to connect or to answer, for the cache and the broker: a Redis behind a partition
# fails a request (503, portal.middleware) or a publish (left to the outbox's periodic pass) in seconds.
REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "2"))
# Publishing from a request must fail fast when Redis is down: the outbox row is already saved and the periodic
# pass delivers it later (services.notifications.send_to_worker). kombu's default retries the connection for
# about 6 s per submission; workers keep their own reconnection settings.
REDIS_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
    "socket_connect_timeout": REDIS_TIMEOUT,
    "socket_timeout": REDIS_TIMEOUT,
    "socket_keepalive": True,
}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_TRANSPORT_OPTIONS
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT},
        }
    }
else:
    # kombu's filesystem transport: a real broker with no server process, good for one machine only.
    BROKER_DIR = VAR_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
    for folder in ("queue", "control", "processed"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Beat writes a periodic task's last_run_at after each task it sends, not every 3 minutes: /healthz/monitor
# reads the sweep's to tell a dead beat from dead workers (portal.health).
CELERY_BEAT_SYNC_EVERY = 1
CELERY_BEAT_SCHEDULE = {
    "record-worker-heartbeat": {"task": "portal.tasks.record_worker_heartbeat", "schedule": 60.0},
    "purge-old-link-attempts": {"task": "accounts.tasks.purge_link_attempts", "schedule": 3600.0},
    "sweep-sla-clocks": {"task": "services.tasks.sweep_sla_clocks", "schedule": 60.0},
    "purge-idempotency-keys": {"task": "services.tasks.purge_idempotency_keys", "schedule": 3600.0},
    # Outbox rows nobody delivered (the broker was down at submission) and retries that are due.
    "deliver-pending-notifications": {
        "task": "services.tasks.deliver_pending_notifications",
        "schedule": 60.0,
    },
    # The home pages' figures per 台区 (services.figures): counted here, never on a page view.
    "refresh-grid-figures": {"task": "services.tasks.refresh_grid_figures", "schedule": 300.0},
    # Kiosks silent for five minutes: their outlet's staff are told once per silence (outlets.kiosk.tasks).
    "report-silent-kiosks": {"task": "outlets.kiosk.tasks.report_silent_kiosks", "schedule": 60.0},
    "purge-kiosk-records": {"task": "outlets.kiosk.tasks.purge_kiosk_records", "schedule": 3600.0},
    # outlets: bookings never checked in; the demo hall's board (does nothing unless OUTLETS_DEMO_HALL is set).
    "mark-missed-appointments": {"task": "outlets.tasks.mark_missed_appointments", "schedule": 600.0},
    "move-demo-hall": {"task": "outlets.tasks.move_demo_hall", "schedule": 10.0},
    # Analysis meetings: last month's drafts (idempotent, daily so a missed day catches up); overdue actions.
    "open-monthly-meetings": {"task": "complaints.tasks.open_monthly_meetings", "schedule": 86400.0},
    "warn-overdue-actions": {"task": "complaints.tasks.warn_overdue_actions", "schedule": 3600.0},
    "refresh-complaint-figures": {"task": "complaints.tasks.refresh_complaint_figures", "schedule": 600.0},
    # Inspections (issue 13): the plans' due orders (daily, idempotent, catches up), overdue rectifications,
    # and the scan of last month's readings (daily; a rescan of a month adds nothing).
    "generate-due-inspections": {"task": "services.inspections.tasks.generate_due_inspections", "schedule": 86400.0},
    "escalate-overdue-rectifications": {
        "task": "services.inspections.tasks.escalate_overdue_rectifications",
        "schedule": 3600.0,
    },
    "scan-readings": {"task": "services.inspections.tasks.scan_readings", "schedule": 86400.0},
    # In-sale (issue 12): requested suspensions and temporary removals that have ended are lifted just after
    # midnight (idempotent; a missed night catches up at beat's next start).
    "resume-ended-suspensions": {
        "task": "services.connections.tasks.resume_ended_suspensions",
        "schedule": crontab(minute=5, hour=0),
    },
    # Billing (issue 14): last month's bill run (once finished, a no-op), arrears and notices, reconciliation.
    "run-bills": {"task": "billing.tasks.run_bills", "schedule": 3600.0},
    "review-arrears": {"task": "billing.tasks.review_arrears", "schedule": 86400.0},
    "reconcile-payments": {"task": "billing.tasks.reconcile_payments", "schedule": 86400.0},
    # Dashboards: the recent days' daily figures; the open orders already late, recounted every five minutes; the
    # monthly quality report (hourly: it acts on the first working day of a month only, once per unit and month).
    "refresh-daily-figures": {"task": "dashboards.tasks.refresh_daily_figures", "schedule": 600.0},
    "count-late-orders": {"task": "dashboards.tasks.count_late_orders", "schedule": 300.0},
    "send-monthly-reports": {"task": "dashboards.tasks.send_monthly_reports", "schedule": 3600.0},
}

# The anomaly rules' thresholds (services.inspections.anomalies): kWh, ratios and shares.
INSPECTIONS_ANOMALY = {
    "min_history_months": 6,  # an account with fewer months of history is not judged
    "near_zero_kwh": 5,
    "min_prior_kwh": 30,  # near-zero and drop only for an account that used at least this much (median)
    "drop_ratio": 0.3,  # below 30 % of its median and of the same month last year
    "grid_floor": 0.7,  # … while its 台区's median ratio stayed at 70 % or more
    "spike_z": 6,  # robust deviations above the median
    "spike_floor": 0.1,  # the robust deviation is at least 10 % of the median
    "spike_ratio": 2.5,  # and the ratio is 2.5 times the 台区's
    "tou_delta": 0.3,  # the peak share moved by 30 points
    "capacity_hours": 720,  # a month's hours
    "capacity_factor": 0.8,  # more than 80 % of the contracted kVA all month round
}

# --- Authentication -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes requires: it refuses a locked-out login before any other backend is asked.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.PhoneOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# django-axes counts failed sign-ins per account, whatever spelling of its login was typed and from wherever
# (accounts.lockout): five lock the account for 30 minutes. Apart from that, AXES_IP_FAILURE_LIMIT failures
# from one client address across any logins lock that address (password spraying).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_IP_FAILURE_LIMIT = int(os.environ.get("AXES_IP_FAILURE_LIMIT", "50"))
AXES_COOLOFF_TIME = timedelta(minutes=30)
# Two separate counts, in this order: accounts.lockout.PortalAxesHandler reads them as account, address.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_HANDLER = "accounts.lockout.PortalAxesHandler"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Linking an electricity account (accounts.actions.link_account): wrong identity numbers a customer may give
# in the window for one account, and for all accounts together. They count against that customer only.
LINK_FAILURE_LIMIT = int(os.environ.get("LINK_FAILURE_LIMIT", "5"))
LINK_USER_FAILURE_LIMIT = int(os.environ.get("LINK_USER_FAILURE_LIMIT", "10"))
LINK_FAILURE_WINDOW = timedelta(minutes=30)

# Kiosks (outlets.kiosk): a customer's session after their proof; wrong proofs allowed in the window at one kiosk
# and for one account (at any kiosk) before proofs are refused unchecked; requests per kiosk and minute.
KIOSK_SESSION_LENGTH = timedelta(minutes=int(os.environ.get("KIOSK_SESSION_MINUTES", "5")))
KIOSK_PROOF_WINDOW = timedelta(minutes=30)
KIOSK_PROOF_KIOSK_LIMIT = int(os.environ.get("KIOSK_PROOF_KIOSK_LIMIT", "20"))
KIOSK_PROOF_ACCOUNT_LIMIT = int(os.environ.get("KIOSK_PROOF_ACCOUNT_LIMIT", "5"))
KIOSK_RATE = os.environ.get("KIOSK_RATE", "120/min")

# Rate limits (accounts.ratelimits): how many requests, in what window. Sign-ups and password resets per
# client address (a business hall's customers may share one), resets per e-mail address, and wrong old
# passwords per user on the password change page.
RATE_LIMIT_WINDOW = timedelta(hours=1)
RATE_LIMITS = {
    "signup": (int(os.environ.get("SIGNUP_RATE_LIMIT", "10")), RATE_LIMIT_WINDOW),
    "password_reset_address": (int(os.environ.get("PASSWORD_RESET_RATE_LIMIT", "10")), RATE_LIMIT_WINDOW),
    "password_reset_email": (int(os.environ.get("PASSWORD_RESET_EMAIL_RATE_LIMIT", "3")), RATE_LIMIT_WINDOW),
    "password_change": (int(os.environ.get("PASSWORD_CHANGE_FAILURE_LIMIT", "5")), RATE_LIMIT_WINDOW),
    # Pre-sale (issue 11): "this answered my question" counts per client address (services.enquiries.views).
    "kb_feedback": (int(os.environ.get("KB_FEEDBACK_RATE_LIMIT", "30")), RATE_LIMIT_WINDOW),
    # Writes to analysis meetings, improvement actions and the case library, per user (complaints.library_limits).
    "complaints_library": (int(os.environ.get("COMPLAINTS_LIBRARY_RATE_LIMIT", "300")), RATE_LIMIT_WINDOW),
}
# Complaints (issue 9): how many complaints, reports and praises one customer may file in a day.
RATE_LIMITS["complaint_filing"] = (int(os.environ.get("COMPLAINT_FILING_LIMIT", "10")), timedelta(days=1))
# In-sale (issue 12): new-connection and change-of-use filings and document uploads per user a day.
RATE_LIMITS["connection_filing"] = (int(os.environ.get("CONNECTION_FILING_LIMIT", "30")), timedelta(days=1))
# … and the counter staff's, who enter the paper applications handed in at the counter (per clerk a day).
RATE_LIMITS["connection_counter"] = (int(os.environ.get("CONNECTION_COUNTER_LIMIT", "300")), timedelta(days=1))
# Inspections (issue 13): writes (checklists, findings, flag reviews) per user (services.inspections.limits).
RATE_LIMITS["inspections"] = (int(os.environ.get("INSPECTIONS_WRITE_LIMIT", "600")), RATE_LIMIT_WINDOW)
# Dashboards (issue 15): targets set, figures imported and chart notes written, per user (dashboards.views).
RATE_LIMITS["dashboards_writes"] = (int(os.environ.get("DASHBOARDS_WRITE_LIMIT", "300")), RATE_LIMIT_WINDOW)

# --- Language and time ----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
# The portal's catalogue first (makemessages writes it); then, by hand, what third-party packages lack.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale-thirdparty"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Work-order attachments (photos and PDFs, services.attachments): larger uploads are refused.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
# A chase (催办) notifies the assignee and their supervisors each time: at most one per order in this period.
CHASE_INTERVAL = timedelta(minutes=int(os.environ.get("CHASE_INTERVAL_MINUTES", "60")))
# A customer's messages on one order notify its assignee each time: at most this many an hour.
CUSTOMER_MESSAGES_PER_HOUR = int(os.environ.get("CUSTOMER_MESSAGES_PER_HOUR", "5"))

# --- Outlets and the hall queue (outlets) -----------------------------------------------------------------
# Tickets one customer may take in a day (kiosk, web, counter together), and appointments they may hold.
OUTLETS_TICKETS_PER_CUSTOMER = int(os.environ.get("OUTLETS_TICKETS_PER_CUSTOMER", "5"))
OUTLETS_LIVE_APPOINTMENTS = int(os.environ.get("OUTLETS_LIVE_APPOINTMENTS", "3"))
# A ticket that has waited this long is called before higher-priority services' (outlets.queue).
OUTLETS_AGE_BEFORE_PRIORITY = timedelta(minutes=int(os.environ.get("OUTLETS_AGE_BEFORE_PRIORITY_MINUTES", "20")))
# Estimated waits average the service times of tickets finished in this window.
OUTLETS_ESTIMATE_WINDOW = timedelta(hours=2)
# `make demo`: a task calls and serves tickets at the demo outlet so its hall screen moves by itself.
OUTLETS_DEMO_HALL = os.environ.get("OUTLETS_DEMO_HALL", "")

# --- E-mail ---------------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "95598@portal.local")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The SMS gateway (services.gateways): the default only records each message; a real one plugs in here.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "services.gateways.RecordingSmsBackend")

# Billing (billing.gateways): the payment gateway's class; the sandbox's callback key; bills are due on this day of
# the month after the month read; the company on bills and invoices.
BILLING_GATEWAY = os.environ.get("BILLING_GATEWAY", "billing.gateways.SandboxGateway")
BILLING_SANDBOX_SECRET = os.environ.get("BILLING_SANDBOX_SECRET", "sandbox-callback-key-not-for-production")
BILLING_DUE_DAY = 25
BILLING_COMPANY = {
    "name": "国网台州供电公司",
    "tax_id": "91331000MA28G0XXXX",
    "address": "浙江省台州市椒江区市府大道",
    "phone": "95598",
    "bank": "中国工商银行台州分行 1207 0000 0000 0000 000",
}
# Where the portal is reached from outside: absolute links in e-mail and SMS (the return-visit link).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# --- Security (production values come from DEBUG=false; see README "Production") --------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preloading commits every subdomain of the company's domain to HTTPS for years: the domain's owner opts in
# with SECURE_HSTS_PRELOAD=true, so `check --deploy` does not warn while it is off.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_REDIRECT_EXEMPT = [r"^healthz(/monitor)?$"]
SESSION_COOKIE_AGE = 60 * 60 * 8

# --- REST API -------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # No EXCEPTION_HANDLER of our own: DRF re-raises what is not an APIException, so an unreachable database
    # reaches portal.middleware like any page's (tests/portal/test_unavailable.py holds it to that).
    # drf-spectacular's, adding the error answers every operation can give (400, 401/403, 404, 429).
    "DEFAULT_SCHEMA_CLASS": "portal.schema.PortalAutoSchema",
    # JSON that nests too deeply or carries control characters is a 400, not a 500 (portal.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "portal.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Power supply customer service portal API",
    "DESCRIPTION": "供电营销服务门户 REST API, version 1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every app has a `status`; name each enum for its model so the schema stays unambiguous as apps grow.
    "ENUM_NAME_OVERRIDES": {
        "AccountStatusEnum": "accounts.models.AccountStatus",
        "DeviceHealthEnum": "outlets.models.kiosks.DeviceHealth",  # a kiosk's printer, paper and card reader
    },
}

# --- Logging --------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"quiet_requests": {"()": "portal.middleware.QuietRequestLog"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default config gives "django" a console handler of its own under DEBUG, and its records also
        # reach the root's: every 403 was logged twice. Here they go to the root's handler only.
        "django": {"handlers": [], "level": "INFO"},
        # A 403 in one line without a traceback; an outage once, by portal.middleware, not a traceback a request.
        "django.request": {"filters": ["quiet_requests"]},
        "django.db.backends": {"level": "WARNING"},
    },
}
