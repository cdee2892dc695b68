"""Settings shared by every service, built from the environment by a function call.

Each service's ``config/settings.py`` calls :func:`build_settings` and adds what is its own. Nothing is
read at import time: the environment is read when a service asks for its settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import environ

REPO_ROOT = Path(__file__).resolve().parents[2]
INSECURE_DEV_SECRET_KEY = "django-insecure-dev-only-never-use-in-production"


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


def build_settings(*, service: str, base_dir: Path, apps: list[str], port: int) -> dict[str, Any]:
    """Return the settings every service shares; the service adds its own apps, urls and extras."""
    env = environ.Env()
    env_file = base_dir / ".env"
    if env_file.exists():
        environ.Env.read_env(str(env_file), overwrite=False)

    debug = env.bool("DEBUG", default=False)
    (var_dir() / "static" / service).mkdir(parents=True, exist_ok=True)
    redis_url = env.str("REDIS_URL", default="")
    secure = not debug
    settings: dict[str, Any] = {
        "SERVICE_NAME": service,
        "SERVICE_PORT": port,
        "BASE_DIR": base_dir,
        "VAR_DIR": var_dir(),
        "DEBUG": debug,
        "SECRET_KEY": env.str("SECRET_KEY", default=INSECURE_DEV_SECRET_KEY),
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
            "django_prometheus",
            "common.events.outbox",
            "common.events.inbox",
            "common.auth",
            *apps,
        ],
        "MIDDLEWARE": [
            "django_prometheus.middleware.PrometheusBeforeMiddleware",
            "common.observability.middleware.RequestIdMiddleware",
            "django.middleware.security.SecurityMiddleware",
            "whitenoise.middleware.WhiteNoiseMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            "django_prometheus.middleware.PrometheusAfterMiddleware",
        ],
        "ROOT_URLCONF": "config.urls",
        "WSGI_APPLICATION": "config.wsgi.application",
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [base_dir / "templates"],
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        "DATABASES": {"default": _database(env, service)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "LANGUAGE_CODE": "pt-br",
        "LANGUAGES": [("pt-br", "Português (Brasil)"), ("en", "English")],
        "TIME_ZONE": "America/Sao_Paulo",
        "USE_I18N": True,
        "USE_TZ": True,
        "STATIC_URL": f"/static/{service}/",
        "STATIC_ROOT": var_dir() / "static" / service,
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
        },
        "MEDIA_ROOT": env.str("MEDIA_ROOT", default=str(var_dir() / "media" / service)),
        "MEDIA_URL": f"/media/{service}/",
        "CACHES": {
            "default": (
                {
                    "BACKEND": "django.core.cache.backends.redis.RedisCache",
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
        "ACCOUNTS_URL": env.str("ACCOUNTS_URL", default="http://127.0.0.1:8002"),
        "CATALOG_URL": env.str("CATALOG_URL", default="http://127.0.0.1:8001"),
        "ORDERS_URL": env.str("ORDERS_URL", default="http://127.0.0.1:8003"),
        "TASKS_URL": env.str("TASKS_URL", default="http://127.0.0.1:8004"),
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
        # Card installments (common.brazil.installments): the same plan on catalog's product page and in
        # orders' cart and checkout, so both services read the same variables.
        "SHOP_INSTALLMENTS_MAX": env.int("SHOP_INSTALLMENTS_MAX", default=12),
        "SHOP_INSTALLMENTS_INTEREST_FREE": env.int("SHOP_INSTALLMENTS_INTEREST_FREE", default=6),
        "SHOP_INSTALLMENT_MIN_AMOUNT": env.str("SHOP_INSTALLMENT_MIN_AMOUNT", default="10.00"),
        "SHOP_INSTALLMENTS_MONTHLY_INTEREST": env.str("SHOP_INSTALLMENTS_MONTHLY_INTEREST", default="0.0199"),
    }
    return settings


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
