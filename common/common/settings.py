"""Settings shared by every service, built from the environment by a function call.

Each service's ``config/settings.py`` calls :func:`build_settings` and adds what is its own. Nothing is
read at import time: the environment is read when a service asks for its settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

REPO_ROOT = Path(__file__).resolve().parents[2]
# common's pt-BR catalogue (its admin, models and API errors), shared by every service.
COMMON_LOCALE_DIR = Path(__file__).resolve().parent / "locale"
INSECURE_DEV_SECRET_KEY = "django-insecure-dev-only-never-use-in-production"
# Values that were ever committed to this repository or its templates: whoever reads the repository
# knows them, so they can never sign anything in production.
KNOWN_PLACEHOLDER_SECRET_KEYS = frozenset(
    {
        INSECURE_DEV_SECRET_KEY,
        "change-me",
        "changeme",
        "compose-local-only-never-in-production-0123456789abcdef",
        "behave-only-no-secrets-here",
    }
)
MIN_SECRET_KEY_LENGTH = 50


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` must not be a production SECRET_KEY (None when it may be): the rules of Django's
    ``security.W009`` (50 characters, 5 distinct, no ``django-insecure-`` prefix) plus the known
    placeholders of this repository."""
    if not key:
        return "SECRET_KEY is not set"
    if key in KNOWN_PLACEHOLDER_SECRET_KEYS or key.startswith("django-insecure"):
        return "SECRET_KEY is a placeholder published in the repository"
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 5:
        return f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters or has fewer than 5 distinct ones"
    return None


def _secret_key(env: environ.Env, *, debug: bool) -> str:
    """With DEBUG off the service refuses to start on a missing, short or placeholder key; DEBUG on
    (a developer machine) falls back to the development key."""
    key = env.str("SECRET_KEY", default="")
    if debug:
        return key or INSECURE_DEV_SECRET_KEY
    problem = secret_key_problem(key)
    if problem:
        raise ImproperlyConfigured(
            f"{problem}: with DEBUG off set a random SECRET_KEY of at least {MIN_SECRET_KEY_LENGTH} characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), or DEBUG=true on a developer machine."
        )
    return key


# `make run` serves catalog, accounts, orders and tasks on this base + 1..4 (``RUN_PORT_BASE`` moves them).
DEFAULT_PORT_BASE = 8000


# Django's PostgreSQL backend with the suite's cheaper health check (``common.db.postgresql.base``).
POSTGRESQL_ENGINE = "common.db.postgresql"


def uses_postgresql(database: dict[str, Any]) -> bool:
    """Whether a ``DATABASES`` entry built here is on PostgreSQL (not the embedded SQLite file)."""
    return database["ENGINE"] == POSTGRESQL_ENGINE


def var_dir() -> Path:
    """The git-ignored folder where embedded mode keeps its files (SQLite, keys, mail, bus)."""
    path = Path(environ.Env().str("VAR_DIR", default=str(REPO_ROOT / "var")))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _database(env: environ.Env, service: str) -> dict[str, Any]:
    """``<SERVICE>_DATABASE_URL`` wins over ``DATABASE_URL``; with neither, an SQLite file in var/."""
    url = env.str(f"{service.upper()}_DATABASE_URL", default="") or env.str("DATABASE_URL", default="")
    if not url:
        url = f"sqlite:///{var_dir() / f'{service}.sqlite3'}"
    config = environ.Env.db_url_config(url)
    if config["ENGINE"] == "django.db.backends.postgresql":
        config["ENGINE"] = POSTGRESQL_ENGINE  # Django's, with a health check that skips a silent server's SELECT 1
        config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {})["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
        config["TEST"] = {"NAME": f"test_{config['NAME']}"}
    else:
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        }
    return config


def _collected(static_root: Path) -> bool:
    """Whether ``collectstatic`` filled ``static_root`` (the images do it at build time).

    Where it never ran (``make run``, the tests, the end-to-end stack) WhiteNoise finds the files in the apps
    instead, so the admin's styles and the Swagger UI load from the service itself without a build step.
    """
    return static_root.is_dir() and any(static_root.iterdir())


MEDIA_STORAGES = ("filesystem", "s3", "gcs")


def _media_storage(env: environ.Env, service: str) -> dict[str, Any]:
    """Where uploaded files (product images and their thumbnails) go: ``MEDIA_STORAGE``.

    ``filesystem`` (the default): ``MEDIA_ROOT`` under var/, served by the service itself. ``s3`` (AWS, or any
    S3-protocol server with ``MEDIA_ENDPOINT_URL``) and ``gcs`` (Google Cloud Storage): the bucket
    ``MEDIA_BUCKET``, objects under ``<service>/``, public URLs on ``MEDIA_CUSTOM_DOMAIN`` (a CDN) when set.
    The URLs are kept on the image rows (a product page never asks the storage), so they are plain, never
    signed: the bucket (or its CDN) serves the media prefix publicly.
    Credentials never come from here: the pod's cloud identity (IRSA, Workload Identity) or the SDKs'
    standard environment. Files are never overwritten (a second upload of a name gets a new name).
    """
    kind = env.str("MEDIA_STORAGE", default="filesystem")
    if kind not in MEDIA_STORAGES:
        raise ValueError(f"MEDIA_STORAGE must be one of {MEDIA_STORAGES}, not {kind!r}")
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    bucket = env.str("MEDIA_BUCKET", default="")
    if not bucket:
        raise ValueError(f"MEDIA_STORAGE={kind} needs MEDIA_BUCKET")
    options: dict[str, Any] = {"bucket_name": bucket, "location": service, "file_overwrite": False}
    domain = env.str("MEDIA_CUSTOM_DOMAIN", default="")
    if kind == "s3":
        options.update(
            region_name=env.str("MEDIA_REGION", default="") or None,
            endpoint_url=env.str("MEDIA_ENDPOINT_URL", default="") or None,
            custom_domain=domain or None,
            querystring_auth=False,
            default_acl=None,  # the bucket's policy decides, objects carry no ACL
            object_parameters={"CacheControl": "public, max-age=31536000, immutable"},
        )
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    options.update(
        project_id=env.str("MEDIA_PROJECT_ID", default="") or None,
        custom_endpoint=f"https://{domain}" if domain else None,
        querystring_auth=False,
        default_acl=None,
    )
    return {"BACKEND": "storages.backends.gcloud.GoogleCloudStorage", "OPTIONS": options}


def _kafka_security(env: environ.Env) -> dict[str, str]:
    """librdkafka options for an authenticated cluster (MSK SASL/SCRAM, Managed Kafka); empty locally."""
    names = {
        "security.protocol": "KAFKA_SECURITY_PROTOCOL",
        "sasl.mechanism": "KAFKA_SASL_MECHANISM",
        "sasl.username": "KAFKA_SASL_USERNAME",
        "sasl.password": "KAFKA_SASL_PASSWORD",
        "ssl.ca.location": "KAFKA_SSL_CA_LOCATION",
    }
    return {option: env.str(name) for option, name in names.items() if env.str(name, default="")}


def read_dotenv(base_dir: Path) -> None:
    """Load the ``.env`` that ``make run`` writes into the environment, unless this is a test run.

    A test run takes its settings from the environment alone: the pytest plugin, ``scripts/run_tests.py``
    and the end-to-end stack set ``IGNORE_DOTENV``, so a ``MONGODB_URI`` or ``DEBUG`` a developer keeps for
    ``make run`` never changes what a test talks to. Variables already in the environment always win.
    """
    env_file = base_dir / ".env"
    if env_file.exists() and not environ.Env().bool("IGNORE_DOTENV", default=False):
        environ.Env.read_env(str(env_file), overwrite=False)


# Each service's port for ``make run`` and inside its image (RUN_PORT_BASE moves the first four).
SERVICE_PORTS = {"catalog": 8001, "accounts": 8002, "orders": 8003, "tasks": 8004}


def run_port(default: int) -> int:
    """The port ``make run`` serves a service on: its default (8001-8004) moved by ``RUN_PORT_BASE`` (8000).

    One base rather than a variable per service: Kubernetes already sets ``CATALOG_PORT`` and friends in
    every pod (service links), and two suites side by side only need a different base.
    """
    return environ.Env().int("RUN_PORT_BASE", default=DEFAULT_PORT_BASE) + default - DEFAULT_PORT_BASE


def _service_url(env: environ.Env, name: str, default_port: int) -> str:
    """``<SERVICE>_URL``, else the loopback address ``make run`` serves that service on."""
    return env.str(f"{name}_URL", default=f"http://127.0.0.1:{run_port(default_port)}")


def build_settings(*, service: str, base_dir: Path, apps: list[str], port: int) -> dict[str, Any]:
    """Return the settings every service shares; the service adds its own apps, urls and extras."""
    env = environ.Env()
    read_dotenv(base_dir)

    debug = env.bool("DEBUG", default=False)
    (var_dir() / "static" / service).mkdir(parents=True, exist_ok=True)
    redis_url = env.str("REDIS_URL", default="")
    secure = not debug
    settings: dict[str, Any] = {
        "SERVICE_NAME": service,
        "SERVICE_PORT": run_port(port),
        "BASE_DIR": base_dir,
        "VAR_DIR": var_dir(),
        "DEBUG": debug,
        "SECRET_KEY": _secret_key(env, debug=debug),
        "ALLOWED_HOSTS": env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]),
        "CSRF_TRUSTED_ORIGINS": env.list("CSRF_TRUSTED_ORIGINS", default=[]),
        "INSTALLED_APPS": [
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "whitenoise.runserver_nostatic",
            "django.contrib.staticfiles",
            "ninja",  # the Swagger UI's own files (templates/ninja, static/ninja): the docs page needs no CDN
            "django_prometheus",
            "common.events.outbox",
            "common.events.inbox",
            "common.auth",
            *apps,
        ],
        "MIDDLEWARE": [
            "django_prometheus.middleware.PrometheusBeforeMiddleware",
            "common.observability.middleware.RequestIdMiddleware",
            "common.api.RequestBodyMiddleware",
            "django.middleware.security.SecurityMiddleware",
            "common.static_files.WhiteNoiseMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            # pt-BR unless the request asks for English (Accept-Language: en): admin, pages and API details.
            "django.middleware.locale.LocaleMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "common.auth.sso.SignOnMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            "django_prometheus.middleware.PrometheusAfterMiddleware",
        ],
        "ROOT_URLCONF": "config.urls",
        "WSGI_APPLICATION": "config.wsgi.application",
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                # The service's own templates, then common's (every admin's header: common.auth.sso).
                "DIRS": [base_dir / "templates", Path(__file__).resolve().parent / "templates"],
                "APP_DIRS": True,
                "OPTIONS": {
                    # brl and local_time in every template (common.brazil.template_filters).
                    "builtins": ["common.brazil.template_filters"],
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ],
                },
            }
        ],
        "DATABASES": {"default": _database(env, service)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "LANGUAGE_CODE": "pt-br",
        "LANGUAGES": [("pt-br", "Português (Brasil)"), ("en", "English")],
        "TIME_ZONE": "America/Sao_Paulo",
        "USE_I18N": True,
        # The service's own pt-BR catalogue first, then common's (scripts/update_locales.sh writes both).
        "LOCALE_PATHS": [base_dir / "locale", COMMON_LOCALE_DIR],
        "USE_TZ": True,
        "STATIC_URL": f"/static/{service}/",
        "STATIC_ROOT": var_dir() / "static" / service,
        "WHITENOISE_USE_FINDERS": env.bool(
            "WHITENOISE_USE_FINDERS", default=not _collected(var_dir() / "static" / service)
        ),
        "STORAGES": {
            "default": _media_storage(env, service),
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
        },
        "MEDIA_ROOT": env.str("MEDIA_ROOT", default=str(var_dir() / "media" / service)),
        "MEDIA_URL": f"/media/{service}/",
        "CACHES": {
            "default": (
                {
                    "BACKEND": "common.redis_cache.RedisCache",
                    "LOCATION": redis_url,
                    "KEY_PREFIX": service,
                    "TIMEOUT": 300,
                }
                if redis_url
                else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": service}
            )
        },
        "REDIS_URL": redis_url,
        "RABBITMQ_URL": env.str("RABBITMQ_URL", default=""),
        "KAFKA_BOOTSTRAP_SERVERS": env.str("KAFKA_BOOTSTRAP_SERVERS", default=""),
        "KAFKA_SECURITY_CONFIG": _kafka_security(env),
        "MONGODB_URI": env.str("MONGODB_URI", default=""),
        "ACCOUNTS_URL": _service_url(env, "ACCOUNTS", SERVICE_PORTS["accounts"]),
        "CATALOG_URL": _service_url(env, "CATALOG", SERVICE_PORTS["catalog"]),
        "ORDERS_URL": _service_url(env, "ORDERS", SERVICE_PORTS["orders"]),
        "TASKS_URL": _service_url(env, "TASKS", SERVICE_PORTS["tasks"]),
        # One sign-in for the four admins (common.auth.sso): where a browser reaches each admin (behind
        # the ingress these differ from the service-to-service URLs above), the ticket's life, and how
        # long an admin trusts accounts' "still signed in" answer (0: asks on every request).
        "SSO_ADMIN_URLS": {
            name: env.str(f"{name.upper()}_ADMIN_URL", default="") or _service_url(env, name.upper(), port_of)
            for name, port_of in SERVICE_PORTS.items()
        },
        # Plumbing in every admin, for superusers only (common.admin.plumbing_for_superusers_only): the
        # shadow users and groups SSO keeps, login-lockout logs, token blacklists. A service adds its own.
        "ADMIN_SUPERUSER_ONLY_MODELS": [
            "auth.User",
            "auth.Group",
            "axes.AccessAttempt",
            "axes.AccessLog",
            "axes.AccessFailureLog",
            "token_blacklist.OutstandingToken",
            "token_blacklist.BlacklistedToken",
        ],
        "SSO_TICKET_SECONDS": env.int("SSO_TICKET_SECONDS", default=60),
        "SSO_SESSION_CHECK_SECONDS": env.int("SSO_SESSION_CHECK_SECONDS", default=0),
        "SSO_SESSION_STATE": "common.auth.sso.remote_session_active",
        "SSO_SESSION_END": "common.auth.sso.remote_session_end",
        "ACCOUNTS_TIMEOUT_SECONDS": env.float("ACCOUNTS_TIMEOUT_SECONDS", default=5.0),
        "JWT_ISSUER": env.str("JWT_ISSUER", default="https://accounts.cosmeticos.co"),
        "JWT_AUDIENCE": env.str("JWT_AUDIENCE", default="cosmeticos-api"),
        "JWKS_URL": env.str("JWKS_URL", default=""),
        "EVENT_BUS_PATH": env.str("EVENT_BUS_PATH", default=str(var_dir() / "event-bus.sqlite3")),
        # A prefix for every exchange, queue, topic and consumer group, so test runs and benchmarks can
        # share one broker without seeing each other's messages.
        "EVENTS_NAMESPACE": env.str("EVENTS_NAMESPACE", default=""),
        "EVENTS_EXCHANGE": env.str("EVENTS_EXCHANGE", default="cosmeticos.events"),
        "EVENTS_TRANSPORT": env.str("EVENTS_TRANSPORT", default=""),
        "EVENTS_DELIVERY_LIMIT": env.int("EVENTS_DELIVERY_LIMIT", default=5),
        "EVENTS_AUDIT_TOPIC": env.bool("EVENTS_AUDIT_TOPIC", default=False),
        "EVENTS_PUBLISH_TIMEOUT": env.float("EVENTS_PUBLISH_TIMEOUT", default=10.0),
        "EVENTS_OUTBOX_RETENTION_DAYS": env.int("EVENTS_OUTBOX_RETENTION_DAYS", default=7),
        # Retries (common.events.retry): handler errors that are transient are retried with exponential
        # backoff and jitter for EVENTS_RETRY_BUDGET seconds; unknown ones EVENTS_DELIVERY_LIMIT times.
        "EVENTS_RETRY_BUDGET": env.float("EVENTS_RETRY_BUDGET", default=600.0),
        "EVENTS_RETRY_BACKOFF": env.float("EVENTS_RETRY_BACKOFF", default=0.2),
        "EVENTS_RETRY_MAX_DELAY": env.float("EVENTS_RETRY_MAX_DELAY", default=30.0),
        "EVENTS_TRANSIENT_ERRORS": env.list("EVENTS_TRANSIENT_ERRORS", default=[]),
        "EVENTS_OUTBOX_MAX_FAILURES": env.int("EVENTS_OUTBOX_MAX_FAILURES", default=8),
        "EVENTS_BROKER_DELIVERY_LIMIT": env.int("EVENTS_BROKER_DELIVERY_LIMIT", default=100),
        # Kafka topics: created by `manage.py kafka_topics` at deploy time (auto-create off there).
        "EVENTS_KAFKA_PARTITIONS": env.int("EVENTS_KAFKA_PARTITIONS", default=3),
        "EVENTS_KAFKA_REPLICATION": env.int("EVENTS_KAFKA_REPLICATION", default=1),
        "EVENTS_KAFKA_MIN_INSYNC_REPLICAS": env.int("EVENTS_KAFKA_MIN_INSYNC_REPLICAS", default=1),
        "EVENTS_KAFKA_AUTO_CREATE_TOPICS": env.bool("EVENTS_KAFKA_AUTO_CREATE_TOPICS", default=True),
        # Retention of the events tables (common.events.retention), in days.
        "EVENTS_INBOX_RETENTION_DAYS": env.float("EVENTS_INBOX_RETENTION_DAYS", default=30),
        "EVENTS_DEAD_LETTER_RETENTION_DAYS": env.float("EVENTS_DEAD_LETTER_RETENTION_DAYS", default=30),
        "EVENTS_BUS_RETENTION_DAYS": env.float("EVENTS_BUS_RETENTION_DAYS", default=7),
        # Security: on whenever DEBUG is off, so `check --deploy` passes in production.
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SECURE_SSL_REDIRECT": env.bool("SECURE_SSL_REDIRECT", default=secure),
        "SECURE_REDIRECT_EXEMPT": [r"^healthz$", r"^readyz$", r"^metrics$"],
        "SECURE_HSTS_SECONDS": env.int("SECURE_HSTS_SECONDS", default=31536000 if secure else 0),
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": secure,
        "SECURE_HSTS_PRELOAD": secure,
        "SESSION_COOKIE_SECURE": secure,
        "CSRF_COOKIE_SECURE": secure,
        "SESSION_COOKIE_NAME": f"{service}_sessionid",
        "CSRF_COOKIE_NAME": f"{service}_csrftoken",
        "X_FRAME_OPTIONS": "DENY",
        "PASSWORD_HASHERS": [
            "django.contrib.auth.hashers.Argon2PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
            "django.contrib.auth.hashers.ScryptPasswordHasher",
        ],
        "AUTH_PASSWORD_VALIDATORS": [
            {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
            {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
            {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
            {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
        ],
        "EMAIL_BACKEND": env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"),
        "EMAIL_FILE_PATH": str(var_dir() / "mail"),
        "DEFAULT_FROM_EMAIL": env.str("DEFAULT_FROM_EMAIL", default="Cosméticos-co <nao-responda@cosmeticos.co>"),
        "LOGGING": logging_config(service, env.str("LOG_LEVEL", default="INFO")),
        "NINJA_PAGINATION_MAX_LIMIT": 100,
        # Rate limits and the client address (common.ratelimit): the header our own proxy writes the
        # client address into (X-Forwarded-For behind the ingress), and how many proxies append to it.
        "TRUSTED_PROXY_HEADER": env.str("TRUSTED_PROXY_HEADER", default=""),
        "TRUSTED_PROXY_COUNT": env.int("TRUSTED_PROXY_COUNT", default=1),
        "RATE_LIMITS_ENABLED": env.bool("RATE_LIMITS_ENABLED", default=True),
        "RATE_LIMITS": _rate_limits(env.str("RATE_LIMITS", default="")),
        # Fernet keys sealing secrets carried by events (common.sealing): first seals, all unseal.
        "EVENT_SEALING_KEYS": env.list("EVENT_SEALING_KEYS", default=[]),
        # Card installments (common.brazil.installments): the same plan on catalog's product page and in
        # orders' cart and checkout, so both services read the same variables.
        "SHOP_INSTALLMENTS_MAX": env.int("SHOP_INSTALLMENTS_MAX", default=12),
        "SHOP_INSTALLMENTS_INTEREST_FREE": env.int("SHOP_INSTALLMENTS_INTEREST_FREE", default=6),
        "SHOP_INSTALLMENT_MIN_AMOUNT": env.str("SHOP_INSTALLMENT_MIN_AMOUNT", default="10.00"),
        "SHOP_INSTALLMENTS_MONTHLY_INTEREST": env.str("SHOP_INSTALLMENTS_MONTHLY_INTEREST", default="0.0199"),
    }
    return settings


def _rate_limits(value: str) -> dict[str, tuple[int, int]]:
    """``login=20/600,register=10/3600`` -> ``{"login": (20, 600), "register": (10, 3600)}``."""
    limits: dict[str, tuple[int, int]] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        scope, _, rate = item.partition("=")
        limit, _, window = rate.partition("/")
        limits[scope.strip()] = (int(limit), int(window))
    return limits


def logging_config(service: str, level: str) -> dict[str, Any]:
    """JSON lines on stdout: time, level, service, logger, message, request and correlation ids."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "common.observability.logging.ContextFilter", "service": service}},
        "formatters": {"json": {"()": "common.observability.logging.JsonFormatter"}},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"]}},
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "pika": {"level": "WARNING"},
        },
    }
