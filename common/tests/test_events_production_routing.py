"""The production routing with both brokers: business events over RabbitMQ, streams over Kafka, one
``consume`` running both loops in threads; the optional audit topic gets a copy of every event."""

from __future__ import annotations

import pytest
from confluent_kafka import Consumer, TopicPartition

from common.events import publish, routing
from common.events.contracts.catalog import ProductUpdated, StockChanged
from common.events.inbox.runner import consume
from common.events.transports import ConsumeLimits
from tests.events.handlers import product_changed
from tests.events.helpers import relay_all
from tests.events.models import AppliedNote

pytest_plugins = ["tests.events.fixtures"]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("on_both_brokers")]

TASKS_TEST_HANDLERS = {"catalog.product_updated": product_changed, "catalog.stock_changed": product_changed}


def _publish_one_of_each() -> tuple:
    product = publish(
        ProductUpdated(
            product_id=3,
            slug="batom",
            name="Batom",
            brand="Cosméticos-co",
            published=True,
            variants=[{"sku": "B-1", "name": "Vermelho", "price": "29.90"}],
        ),
        key="3",
    )
    stock = publish(
        StockChanged(sku="B-1", product_name="Batom", on_hand=4, available=2, low_stock_threshold=5), key="B-1"
    )
    return product, stock


def test_business_events_go_over_rabbitmq_and_streams_over_kafka_and_one_command_consumes_both(settings):
    settings.SERVICE_NAME = "catalog"
    product, stock = _publish_one_of_each()

    assert relay_all().sent == 2
    limits = ConsumeLimits(until=lambda: AppliedNote.objects.count() == 2, timeout=30)
    counts = consume(service="tasks", handlers=TASKS_TEST_HANDLERS, limits=limits)

    assert set(counts) == {routing.RABBITMQ, routing.KAFKA}
    assert sorted(AppliedNote.objects.values_list("event_type", "event_id")) == [
        ("catalog.product_updated", product.event_id),
        ("catalog.stock_changed", stock.event_id),
    ]


def test_the_audit_topic_gets_a_copy_of_every_event_when_enabled(settings, kafka_bootstrap_servers):
    settings.SERVICE_NAME = "catalog"
    settings.EVENTS_AUDIT_TOPIC = True
    _publish_one_of_each()

    assert relay_all().sent == 2

    reader = Consumer({"bootstrap.servers": kafka_bootstrap_servers, "group.id": f"{routing.namespace()}audit-reader"})
    try:
        partitions = reader.list_topics(routing.audit_topic(), timeout=5).topics[routing.audit_topic()].partitions
        copies = sum(
            reader.get_watermark_offsets(TopicPartition(routing.audit_topic(), partition), timeout=5)[1]
            for partition in partitions
        )
    finally:
        reader.close()
    assert copies == 2
