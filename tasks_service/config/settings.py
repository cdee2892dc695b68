"""Settings of the tasks service: the shared base from ``common.settings`` plus this service's own."""

import os
from pathlib import Path

import environ

from common.settings import build_settings

BASE_DIR = Path(__file__).resolve().parent.parent

globals().update(
    build_settings(
        service="tasks",
        base_dir=BASE_DIR,
        port=8004,
        apps=[
            "django_celery_beat",
            "tasks.emails",
            "tasks.reports",
            "tasks.analytics",
            "tasks.scheduling",
        ],
    )
)

_env = environ.Env()

# This service keeps its shopper-activity aggregates (views, funnel, searches) in MongoDB.
USES_MONGODB = True

# Admin single sign-on with accounts' staff users (accounts' JWT login), then local users.
AUTHENTICATION_BACKENDS = [
    "common.auth.backends.AccountsBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Email: a file per message under var/mail in the local run; SMTP in production (EMAIL_URL or EMAIL_HOST).
if _env.str("EMAIL_URL", default=""):
    _email = _env.email_url("EMAIL_URL")
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email.get("EMAIL_HOST", "")
    EMAIL_PORT = _email.get("EMAIL_PORT", 25)
    EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
elif _env.str("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _env.str("EMAIL_HOST")
    EMAIL_PORT = _env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = _env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = _env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = _env.bool("EMAIL_USE_TLS", default=True)
# Every SMTP conversation is bounded: a hung server fails the attempt, and Celery retries it.
EMAIL_TIMEOUT = _env.int("EMAIL_TIMEOUT", default=10)
# Language of transactional emails (pt-BR; a kind without pt-BR templates falls back to English).
EMAIL_DEFAULT_LANGUAGE = _env.str("EMAIL_DEFAULT_LANGUAGE", default="pt-br")
# A send claimed longer ago than this and never finished is taken to be abandoned (crashed worker).
EMAIL_SEND_LEASE_SECONDS = _env.int("EMAIL_SEND_LEASE_SECONDS", default=300)
# The storefront's base URL, where email links send shoppers (their orders, the shop). Empty: the shop
# has no storefront, and the links lead to orders' pages (ORDERS_URL/pedidos/...). See tasks.emails.links.
STOREFRONT_URL = _env.str("STOREFRONT_URL", default="") or _env.str("SHOP_URL", default="")

# --- Reports.
# Tasks' staff service account (an accounts user with is_staff) for reading catalog's stock levels, and
# the timeout of each catalog request; the low-stock read model is reconciled from catalog with them.
TASKS_SERVICE_EMAIL = _env.str("TASKS_SERVICE_EMAIL", default="")
TASKS_SERVICE_PASSWORD = _env.str("TASKS_SERVICE_PASSWORD", default="")
TASKS_CATALOG_TIMEOUT_SECONDS = _env.float("TASKS_CATALOG_TIMEOUT_SECONDS", default=5.0)
# A report generation claimed longer ago than this and never finished is retried by the next request.
REPORT_CLAIM_LEASE_SECONDS = _env.int("REPORT_CLAIM_LEASE_SECONDS", default=900)
# Rows in the "top" sections of the sales and search-analytics reports.
REPORT_TOP_LIMIT = _env.int("REPORT_TOP_LIMIT", default=20)
# The expiring-lots report lists lots whose expiry is at most this many days after its day.
REPORT_EXPIRING_LOTS_DAYS = _env.int("REPORT_EXPIRING_LOTS_DAYS", default=120)
# Housekeeping deletes reports (rows and CSV files) and sent email logs older than this.
REPORT_RETENTION_DAYS = _env.int("REPORT_RETENTION_DAYS", default=400)
EMAIL_LOG_RETENTION_DAYS = _env.int("EMAIL_LOG_RETENTION_DAYS", default=180)

# --- Celery: Redis as broker when configured; the local run uses kombu's filesystem transport (no server).
CELERY_BROKER_URL = _env.str("CELERY_BROKER_URL", default="") or REDIS_URL or "filesystem://localhost/"  # noqa: F821
CELERY_BROKER_FOLDER = Path(
    _env.str("CELERY_BROKER_FOLDER", default=str(VAR_DIR / "celery" / "broker"))  # noqa: F821
)
# Every service may share one Redis: this service's tasks travel on their own queue.
CELERY_TASK_DEFAULT_QUEUE = _env.str("CELERY_TASK_DEFAULT_QUEUE", default="tasks")
CELERY_TASK_ALWAYS_EAGER = _env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# pytest on SQLite: a file test database, so the real worker and Beat processes the tests start see it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F821
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-tasks-{os.getpid()}.sqlite3")}  # noqa: F821
