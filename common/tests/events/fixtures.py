"""Fixtures of the events tests: an isolated namespace per test and the transport it runs on.

Every test gets its own ``EVENTS_NAMESPACE`` so its exchanges, queues, topics and consumer groups
never meet another test's (or another run's); the broker objects are deleted afterwards.
"""

from __future__ import annotations

import uuid

import pika
import pytest

from common.events import routing
from common.events.transports.rabbitmq import retry_queue_name
from common.testing.brokers import kafka_topics_delete

SERVICES = ("commontest", "catalog", "accounts", "orders", "tasks")


@pytest.fixture
def events_namespace(settings):
    namespace = f"test-{uuid.uuid4().hex[:10]}."
    settings.EVENTS_NAMESPACE = namespace
    settings.EVENTS_RETRY_BACKOFF = 0
    settings.EVENTS_DELIVERY_LIMIT = 3
    settings.EVENTS_PUBLISH_TIMEOUT = 5
    return namespace


@pytest.fixture
def on_rabbitmq(settings, rabbitmq_url, events_namespace):
    """Every event travels over RabbitMQ (Kafka not configured)."""
    settings.RABBITMQ_URL = rabbitmq_url
    settings.KAFKA_BOOTSTRAP_SERVERS = ""
    yield rabbitmq_url
    _delete_rabbitmq_objects(rabbitmq_url)


@pytest.fixture
def on_kafka(settings, kafka_bootstrap_servers, events_namespace):
    """Every event travels over Kafka (RabbitMQ not configured)."""
    settings.RABBITMQ_URL = ""
    settings.KAFKA_BOOTSTRAP_SERVERS = kafka_bootstrap_servers
    settings.EVENTS_KAFKA_PARTITIONS = 3
    yield kafka_bootstrap_servers
    _delete_kafka_topics(kafka_bootstrap_servers)


@pytest.fixture
def on_both_brokers(settings, rabbitmq_url, kafka_bootstrap_servers, events_namespace):
    """The production routing: business events over RabbitMQ, streams over Kafka."""
    settings.RABBITMQ_URL = rabbitmq_url
    settings.KAFKA_BOOTSTRAP_SERVERS = kafka_bootstrap_servers
    yield
    _delete_rabbitmq_objects(rabbitmq_url)
    _delete_kafka_topics(kafka_bootstrap_servers)


@pytest.fixture
def on_embedded_bus(settings, tmp_path, events_namespace):
    settings.RABBITMQ_URL = ""
    settings.KAFKA_BOOTSTRAP_SERVERS = ""
    settings.EVENT_BUS_PATH = str(tmp_path / "event-bus.sqlite3")
    return settings.EVENT_BUS_PATH


def _delete_rabbitmq_objects(url: str) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        channel = connection.channel()
        for service in SERVICES:
            channel.queue_delete(routing.queue_name(service))
            channel.queue_delete(retry_queue_name(service))
            channel.queue_delete(routing.dead_letter_queue_name(service))
        channel.exchange_delete(routing.exchange_name())
        channel.exchange_delete(routing.dead_letter_exchange_name())
    finally:
        connection.close()


def _delete_kafka_topics(servers: str) -> None:
    kafka_topics_delete(servers, namespace=routing.namespace())
