"""Readiness checks: each answers whether one dependency (database, broker, store) is reachable.

A check is only run when its dependency is configured; embedded mode has just the database. Only the
``REQUIRED`` ones (the database) make a service unready; the others only degrade it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import connections

CHECK_TIMEOUT_SECONDS = 2.0
REQUIRED = frozenset({"database"})


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")


def check_redis() -> None:
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=CHECK_TIMEOUT_SECONDS, socket_connect_timeout=CHECK_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()


def check_rabbitmq() -> None:
    import pika

    parameters = pika.URLParameters(settings.RABBITMQ_URL)
    parameters.socket_timeout = CHECK_TIMEOUT_SECONDS
    parameters.blocked_connection_timeout = CHECK_TIMEOUT_SECONDS
    parameters.connection_attempts = 1
    connection = pika.BlockingConnection(parameters)
    connection.close()


def check_kafka() -> None:
    from confluent_kafka.admin import AdminClient

    from common.events.transports.kafka import connection_config

    admin = AdminClient({**connection_config(), "socket.timeout.ms": 2000})
    admin.list_topics(timeout=CHECK_TIMEOUT_SECONDS)


def check_mongodb() -> None:
    from pymongo import MongoClient

    client = MongoClient(settings.MONGODB_URI, serverSelectionTimeoutMS=int(CHECK_TIMEOUT_SECONDS * 1000))
    try:
        client.admin.command("ping")
    finally:
        client.close()


def configured_checks() -> dict[str, Callable[[], None]]:
    """The checks for this service: the database always, each broker or store when its URL is set."""
    checks: dict[str, Callable[[], None]] = {"database": check_database}
    if settings.REDIS_URL:
        checks["redis"] = check_redis
    if settings.RABBITMQ_URL:
        checks["rabbitmq"] = check_rabbitmq
    if settings.KAFKA_BOOTSTRAP_SERVERS:
        checks["kafka"] = check_kafka
    if getattr(settings, "USES_MONGODB", False) and settings.MONGODB_URI:
        checks["mongodb"] = check_mongodb
    return checks
