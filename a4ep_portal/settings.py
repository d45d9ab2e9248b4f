"""Settings for the A4EP Dialogues portal.

Every knob is read from the environment here, in one place. The defaults run on a bare
machine (SQLite under var/, tasks in-process, mail on the console, files on local disk);
production sets DJANGO_DEBUG=false and must then name SECRET_KEY and ALLOWED_HOSTS.
docs/configuration.md lists every variable.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.text import format_lazy

from a4ep_portal.languages import PORTAL_LANGUAGES

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Production refuses to start on a guessable key or an open host list.
if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-only-for-a-bare-machine")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG is false.")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must name the portal's host names when DJANGO_DEBUG is false."
        )

# The portal's public address, used in mail, calendar files and feeds. Unset, it is this
# machine at the port `make run` and `make serve` listen on (PORT), so that links in mail and
# calendar files work on `PORT=8001 make run` too.
_PORT = env.int("PORT", default=8000)
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{_PORT}").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before admin: its translation fields and admin classes patch our models and admin.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "django_countries",
    "csp",
    "a4ep_portal",
    "members",
    "dialogues",
    "papers",
]

MIDDLEWARE = [
    # First, so that every log line of the request carries its id.
    "log_request_id.middleware.RequestIDMiddleware",
    # Next, so that a cached anonymous page is served without the rest of the stack (and what
    # it stores is the finished response, compressed, with its headers).
    "a4ep_portal.pagecache.PublicPageCacheMiddleware",
    # Pages go out compressed (a sixth of their size) to visitors on slow, metered links.
    # Django masks the CSRF token per response and pads compressed responses at random
    # against BREACH, and pages that show a join link are not compressed at all (see
    # a4ep_portal/middleware.py); static files come precompressed from whitenoise.
    "a4ep_portal.middleware.GZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Above whitenoise, so that static files carry the CSP and frame denial too.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "a4ep_portal.middleware.ForgetLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "members.timezones.TimezoneMiddleware",
]

ROOT_URLCONF = "a4ep_portal.urls"
WSGI_APPLICATION = "a4ep_portal.wsgi.application"

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
                "members.timezones.timezone_context",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "members.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- Redis: broker and shared cache -------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")

# Redis is a helper, never the only copy: when it does not answer, cache reads are misses and
# tasks wait in the outbox for the sweep. After a failure a process leaves Redis alone for
# REDIS_RETRY_SECONDS, and logs the outage once per REDIS_OUTAGE_LOG_SECONDS
# (a4ep_portal/breaker.py).
REDIS_RETRY_SECONDS = env.float("REDIS_RETRY_SECONDS", default=5)
REDIS_OUTAGE_LOG_SECONDS = env.float("REDIS_OUTAGE_LOG_SECONDS", default=60)

# The cache is shared by every web node: allauth's rate limits count there. Without Redis the
# database holds it, so that even several local processes agree.
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, with a Redis that does not answer read as an empty cache
            # (a4ep_portal/cache.py); meanwhile allauth's rate-limit counters go to the
            # database, shared by every node, so the limits hold through an outage.
            "BACKEND": "a4ep_portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="a4ep"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
            "FALLBACK": "ratelimits",
            "FALLBACK_KEY_PREFIXES": ["allauth:rl:"],
        },
        # The cache table is made by a migration (a4ep_portal 0003).
        "ratelimits": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "a4ep_cache",
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="a4ep"),
        },
    }
    # Rendered pieces of pages (a4ep_portal/fragments.py): the same Redis, fail-soft.
    CACHES["fragments"] = {
        key: value for key, value in CACHES["default"].items() if "FALLBACK" not in key
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "a4ep_cache",
        },
        # Rendered pieces of pages: in the process (reading them from the database would cost
        # more than rendering them, and a query per page). One process (runserver) sees every
        # change; several processes without Redis may show a co-host change a little late.
        "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
# Sessions live in the database; with Redis they are read from the cache (Django's cached_db:
# every write goes to the database first, a cache that does not answer is a miss), which saves
# every logged-in request a query. A logout or a changed session while Redis is down is deleted
# from Redis once it answers again (a4ep_portal/cache.py), so no old session comes back.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# --- Celery --------------------------------------------------------------------------------
# One visibility timeout, used by the broker (when an unacknowledged task is redelivered) and
# by the app (when a claimed delivery counts as stuck), so the two never disagree.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": 2,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers and beat wait for Redis as long as it takes (the default gives up after 100 tries).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A web request queueing a task does not wait long for a Redis that is away: one quick retry,
# then the row waits for the sweep (a4ep_portal/queueing.py).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = "UTC"
# Seconds between the outbox's sweeps, and how long owed work waits for its task before the
# sweep hands it over itself (so mail owed during a Redis outage goes out within about twice
# this once Redis is back).
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=60)
OUTBOX_SWEEP_TASKS = [
    "members.requeue_stuck_deliveries",
    "dialogues.make_owed_registration_messages",
    "dialogues.make_owed_date_alerts",
]
# The tasks beat sends every minute keep no result (their work is in the database): a result
# would make beat wait on Redis's result channel, and during an outage give up on it for good.
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "portal.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),  # daily, at a quiet hour (UTC)
    },
    # Approved papers and recordings go public when their publish_at has come.
    "publish-scheduled-items": {"task": "papers.publish_scheduled", "schedule": 60.0},
    # The outbox's sweep: what the broker never took (Redis was down) once it has waited
    # OUTBOX_SWEEP_SECONDS, and work lost with the broker's data or a killed worker once it
    # is older than CELERY_VISIBILITY_TIMEOUT. Each worker also runs it as it starts.
    "requeue-stuck-deliveries": {
        "task": "members.requeue_stuck_deliveries",
        "schedule": OUTBOX_SWEEP_SECONDS,
    },
    "make-owed-registration-messages": {
        "task": "dialogues.make_owed_registration_messages",
        "schedule": OUTBOX_SWEEP_SECONDS,
    },
    "make-owed-date-alerts": {
        "task": "dialogues.make_owed_date_alerts",
        "schedule": OUTBOX_SWEEP_SECONDS,
    },
    # Link-preview images and offline packs still owed (their own task was lost, or the item
    # is new): built here, never in a request.
    "sweep-derived-files": {"task": "papers.sweep_derived_files", "schedule": 300.0},
    # Approved mailings go out when their send time has come.
    "send-scheduled-mailings": {"task": "members.send_scheduled_mailings", "schedule": 60.0},
    # Registrants get their reminders MAIL_REMINDER_HOURS before the start.
    "send-reminders": {"task": "dialogues.send_reminders", "schedule": 60.0},
    # Registrants' details are forgotten REGISTRATION_RETENTION_DAYS after a dialogue.
    "forget-registration-details": {
        "task": "dialogues.forget_registration_details",
        "schedule": crontab(hour=3, minute=41),  # daily, at a quiet hour (UTC)
    },
}
# Days after a dialogue ends at which its registrants' organisation, role, needs and free text
# are blanked and their questions and feedback detached from them; counts stay.
REGISTRATION_RETENTION_DAYS = env.int("REGISTRATION_RETENTION_DAYS", default=365)

# --- Mail ----------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="A4EP Dialogues <dialogues@a4ep.example.org>"
)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Seconds an SMTP connection may block; a timeout is retried later like a refused connection.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# The outbox: deliveries per task (each task sends them over one SMTP connection), the queue
# its tasks go to (a dedicated mail worker may consume only that), and a limit in messages per
# second across all workers for providers that have one (0: none).
MAIL_BATCH_SIZE = env.int("MAIL_BATCH_SIZE", default=100)
MAIL_QUEUE = env.str("MAIL_QUEUE", default="celery")
MAIL_RATE_PER_SECOND = env.int("MAIL_RATE_PER_SECOND", default=0)
# Hours before a dialogue's start at which each confirmed registrant gets a reminder with the
# join link (one reminder per value).
MAIL_REMINDER_HOURS = [float(hours) for hours in env.list("MAIL_REMINDER_HOURS", default=[24, 1])]
# The mailto: of the List-Unsubscribe header, next to the one-click HTTPS link.
MAIL_UNSUBSCRIBE_ADDRESS = env.str(
    "MAIL_UNSUBSCRIBE_ADDRESS", default="unsubscribe@a4ep.example.org"
)

# The address people write to with questions, shown on /contact/ (linked from every page).
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="dialogues@a4ep.example.org")

# --- Files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    # Any S3-compatible store; files stay private and are served through signed URLs.
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=600),
            "file_overwrite": False,
        },
    }
else:
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Papers', audio and captions files live under private/ with generated names and are handed out
# by the portal to those allowed to see them: streamed through it, or, when this is on and the
# files are in a bucket, as a redirect to a signed URL valid AWS_QUERYSTRING_EXPIRE seconds.
STORAGE_SIGNED_URLS = env.bool("STORAGE_SIGNED_URLS", default=False)
# Upload limits, checked before the content is parsed.
PAPER_MAX_UPLOAD_MB = env.int("PAPER_MAX_UPLOAD_MB", default=20)
AUDIO_MAX_UPLOAD_MB = env.int("AUDIO_MAX_UPLOAD_MB", default=200)
CAPTIONS_MAX_UPLOAD_MB = env.int("CAPTIONS_MAX_UPLOAD_MB", default=2)
STORAGES = {
    "default": _media_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Accounts (django-allauth) -------------------------------------------------------------
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[A4EP Dialogues] "
ACCOUNT_SIGNUP_FORM_CLASS = "members.forms.SignupProfileForm"
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, written out so that operators see them; counted in the shared cache.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    # Not allauth's: visitors asking to be told a dialogue's date (each ask mails the address).
    "date_alert": "10/m/ip,3/h/key",
}

# --- Internationalisation and time ---------------------------------------------------------
# English is the original language of the portal and of its content; its pages stay at the
# unprefixed addresses already shared, the others live under /fr/, /es/ and /ar/.
LANGUAGE_CODE = "en"
LANGUAGES = PORTAL_LANGUAGES
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# Django's own date, time and number formats per locale, adjusted in a4ep_portal/formats/.
FORMAT_MODULE_PATH = ["a4ep_portal.formats"]
# The language a visitor chose with the switcher, or a member's preferred language after login.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
# Dialogues, papers and recordings carry their title, question and summary in other languages
# (django-modeltranslation: one column per language, no extra query); a page shows the
# viewer's language where it exists and the English original otherwise.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# In admin the English column is the original ("title"), the others "title [fr]" and so on.
MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = lambda name, code: (  # noqa: E731
    name if code == "en" else format_lazy("{} [{}]", name, code)
)

# --- Security ------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe health over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# No script of ours reads the CSRF cookie (forms carry the token in a hidden field), so
# scripts need not see it at all.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *env.list("CSP_MEDIA_ORIGINS", default=[])],
        "media-src": [SELF, *env.list("CSP_MEDIA_ORIGINS", default=[])],
        "font-src": [SELF],
        "connect-src": [SELF],
        # Recordings' players, loaded only when a visitor clicks play.
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Logging -------------------------------------------------------------------------------
# One line per record on standard output, JSON by default (LOG_FORMAT=plain for people), each
# with the request id (taken from X-Request-ID, set by the proxy, or made here and returned in
# the response's X-Request-ID header).
LOG_REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
GENERATE_REQUEST_ID_IF_NOT_IN_HEADER = True
REQUEST_ID_RESPONSE_HEADER = "X-Request-ID"
LOG_REQUESTS = env.bool("LOG_REQUESTS", default=False)
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "log_request_id.filters.RequestIDFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- The portal ----------------------------------------------------------------------------
# Seconds an anonymous visitor's public page is kept in the shared cache (0: never). Only
# with Redis: the database cache would cost as much as the page. Publishing, a new dialogue
# or a changed agenda empties it at once (a4ep_portal/pagecache.py).
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=300 if REDIS_URL else 0)
# Items listed per page on /dialogues/, /speakers/, /papers/, /recordings/ and /topics/: about
# what a person reads on a phone before paging on; every item costs render time and bytes.
PORTAL_PAGE_SIZE = env.int("PORTAL_PAGE_SIZE", default=20)
# Dialogues of each series on the home page (the latest ones); /dialogues/ lists them all.
HOME_DIALOGUES_PER_SERIES = env.int("HOME_DIALOGUES_PER_SERIES", default=6)
# The address podcast directories show as the podcast's owner (itunes:owner).
PODCAST_OWNER_EMAIL = env.str("PODCAST_OWNER_EMAIL", default="dialogues@a4ep.example.org")
# Upcoming dialogues listed by the embeddable page for partners' sites (/embed/dialogues/).
EMBED_DIALOGUES = env.int("EMBED_DIALOGUES", default=5)
# Seconds a JSON API answer is kept in the shared cache (0: never); publishing or a changed
# dialogue drops it at once, as for public pages.
API_CACHE_SECONDS = env.int("API_CACHE_SECONDS", default=300 if REDIS_URL else 0)
# Items per page of the JSON API's lists (a client may ask for fewer with ?page_size=).
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=50)
# Where the embedded default writes its SQLite file, media and cache.
VAR_DIR.mkdir(exist_ok=True)
