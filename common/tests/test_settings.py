"""Settings are read from the environment when a service builds them, never at import time."""

import os
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from common.settings import INSECURE_DEV_SECRET_KEY, build_settings

REAL_LOOKING_KEY = "k9V2xQ7mZp4Lr8Wn3Tb6Yc1Hd5Fg0Js-Ke_Ua2Ob7Pi4Qh9Rj3Sl8Tm1Un6Vo"


def _build(tmp_path: Path) -> dict:
    return build_settings(service="demo", base_dir=tmp_path, apps=[], port=9000)


def test_embedded_defaults_use_an_sqlite_file_under_var(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "DEMO_DATABASE_URL", "REDIS_URL", "RABBITMQ_URL", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DEBUG", "true")  # a developer machine: `make run` copies .env.example (DEBUG=true)
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    settings = _build(tmp_path)
    assert settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["DATABASES"]["default"]["NAME"] == str(tmp_path / "var" / "demo.sqlite3")
    assert settings["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert settings["DEBUG"] is True
    assert settings["SECRET_KEY"] == INSECURE_DEV_SECRET_KEY
    assert settings["RABBITMQ_URL"] == ""


def test_service_database_url_wins_over_the_generic_one(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example:5432/generic")
    monkeypatch.setenv("DEMO_DATABASE_URL", "postgres://u@db.example:5432/demo")
    database = _build(tmp_path)["DATABASES"]["default"]
    assert database["ENGINE"] == "common.db.postgresql"  # Django's, with the socket health check
    assert database["NAME"] == "demo"
    assert database["HOST"] == "db.example"
    assert database["TEST"] == {"NAME": "test_demo"}


def test_brokers_and_security_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://cache.example:6379/2")
    monkeypatch.setenv("RABBITMQ_URL", "amqp://u:p@mq.example:5672/%2F")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092")
    monkeypatch.setenv("MONGODB_URI", "mongodb://mongo.example:27017/shop")
    monkeypatch.setenv("SECRET_KEY", REAL_LOOKING_KEY)
    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.setenv("ALLOWED_HOSTS", "shop.example,api.shop.example")
    settings = _build(tmp_path)
    assert settings["CACHES"]["default"]["BACKEND"] == "common.redis_cache.RedisCache"
    assert settings["CACHES"]["default"]["LOCATION"] == "redis://cache.example:6379/2"
    assert settings["RABBITMQ_URL"] == "amqp://u:p@mq.example:5672/%2F"
    assert settings["KAFKA_BOOTSTRAP_SERVERS"] == "k1:9092,k2:9092"
    assert settings["MONGODB_URI"] == "mongodb://mongo.example:27017/shop"
    assert settings["SECRET_KEY"] == REAL_LOOKING_KEY
    assert settings["ALLOWED_HOSTS"] == ["shop.example", "api.shop.example"]
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SECURE_HSTS_SECONDS"] == 31536000


def test_debug_mode_turns_off_the_https_only_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("DEBUG", "true")
    monkeypatch.delenv("SECURE_SSL_REDIRECT", raising=False)
    settings = _build(tmp_path)
    assert settings["DEBUG"] is True
    assert settings["SECURE_SSL_REDIRECT"] is False
    assert settings["SESSION_COOKIE_SECURE"] is False


def test_kafka_authentication_comes_from_the_environment_and_is_empty_locally(tmp_path, monkeypatch):
    for name in ("KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    assert _build(tmp_path)["KAFKA_SECURITY_CONFIG"] == {}
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "shop")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "secret")
    assert _build(tmp_path)["KAFKA_SECURITY_CONFIG"] == {
        "security.protocol": "SASL_SSL",
        "sasl.mechanism": "SCRAM-SHA-512",
        "sasl.username": "shop",
        "sasl.password": "secret",
    }


def test_event_settings_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("EVENTS_NAMESPACE", "e2e.")
    monkeypatch.setenv("EVENTS_DELIVERY_LIMIT", "3")
    monkeypatch.setenv("EVENTS_TRANSPORT", "embedded")
    settings = _build(tmp_path)
    assert (settings["EVENTS_NAMESPACE"], settings["EVENTS_DELIVERY_LIMIT"], settings["EVENTS_TRANSPORT"]) == (
        "e2e.",
        3,
        "embedded",
    )


@pytest.mark.parametrize(
    "key",
    [
        "",
        "short-but-random-Zk3",
        "s" * 60,
        INSECURE_DEV_SECRET_KEY,
        "change-me",
        "compose-local-only-never-in-production-0123456789abcdef",
        "django-insecure-" + REAL_LOOKING_KEY,
    ],
)
def test_with_debug_off_a_missing_short_or_placeholder_secret_key_refuses_to_start(tmp_path, monkeypatch, key):
    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        _build(tmp_path)


def test_with_debug_off_an_unset_secret_key_refuses_to_start(tmp_path, monkeypatch):
    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set"):
        _build(tmp_path)


def _write_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "MONGODB_URI=mongodb://127.0.0.1:27021/cosmeticos?directConnection=true\nRUN_PORT_BASE=18000\n"
    )


def test_a_test_run_never_reads_the_dotenv_file_command_1_wrote(tmp_path, monkeypatch):
    assert os.environ["IGNORE_DOTENV"] == "1"  # set by common.testing.pytest_plugin before any settings
    for name in ("MONGODB_URI", "RUN_PORT_BASE", "CATALOG_URL"):
        monkeypatch.delenv(name, raising=False)
    _write_dotenv(tmp_path)
    settings = _build(tmp_path)
    assert settings["MONGODB_URI"] == ""
    assert settings["CATALOG_URL"] == "http://127.0.0.1:8001"
    assert "MONGODB_URI" not in os.environ


def test_command_1_reads_its_dotenv_file_and_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.delenv("IGNORE_DOTENV")
    monkeypatch.delenv("MONGODB_URI", raising=False)
    monkeypatch.setenv("RUN_PORT_BASE", "19000")
    _write_dotenv(tmp_path)
    try:
        settings = _build(tmp_path)
    finally:
        os.environ.pop("MONGODB_URI", None)  # read_env writes into the process environment
    assert settings["MONGODB_URI"] == "mongodb://127.0.0.1:27021/cosmeticos?directConnection=true"
    assert settings["SERVICE_PORT"] == 20000  # its default 9000, moved by the base like 8001-8004
    assert settings["ORDERS_URL"] == "http://127.0.0.1:19003"
