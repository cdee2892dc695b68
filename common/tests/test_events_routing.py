"""The routing table: which transport carries each event under which settings, and the names used."""

from __future__ import annotations

import pytest

from common.events import routing


@pytest.fixture
def brokers(settings):
    def configure(*, rabbitmq: bool, kafka: bool, forced: str = "") -> None:
        settings.RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/%2F" if rabbitmq else ""
        settings.KAFKA_BOOTSTRAP_SERVERS = "127.0.0.1:19092" if kafka else ""
        settings.EVENTS_TRANSPORT = forced

    return configure


def test_with_both_brokers_business_events_go_over_rabbitmq_and_streams_over_kafka(brokers):
    brokers(rabbitmq=True, kafka=True)

    assert routing.transport_for("orders.order_placed") == routing.RABBITMQ
    assert routing.transport_for("catalog.stock_reserved") == routing.RABBITMQ
    assert routing.transport_for("catalog.product_updated") == routing.KAFKA
    assert routing.transport_for("catalog.product_viewed") == routing.KAFKA
    assert routing.transport_for("orders.cart_line_added") == routing.KAFKA


def test_with_only_rabbitmq_every_event_goes_over_rabbitmq(brokers):
    brokers(rabbitmq=True, kafka=False)

    assert {routing.transport_for(t) for t in ("orders.order_placed", "catalog.product_updated")} == {routing.RABBITMQ}


def test_with_only_kafka_every_event_goes_over_kafka_business_events_on_their_own_topic(brokers, settings):
    brokers(rabbitmq=False, kafka=True)
    settings.EVENTS_NAMESPACE = "e2e-1."

    assert routing.transport_for("orders.order_placed") == routing.KAFKA
    assert routing.kafka_topic_for("orders.order_placed") == "e2e-1.business.events"
    assert routing.kafka_topic_for("catalog.product_published") == "e2e-1.catalog.products"
    assert routing.kafka_topic_for("orders.cart_line_added") == "e2e-1.shopper.activity"


def test_with_no_broker_every_event_goes_over_the_embedded_bus(brokers):
    brokers(rabbitmq=False, kafka=False)

    assert routing.configured_transports() == (routing.EMBEDDED,)
    assert routing.transport_for("catalog.product_updated") == routing.EMBEDDED


def test_events_transport_forces_one_transport_and_rejects_unknown_names(brokers):
    brokers(rabbitmq=True, kafka=True, forced="embedded")
    assert routing.transport_for("orders.order_placed") == routing.EMBEDDED

    brokers(rabbitmq=True, kafka=True, forced="carrier-pigeon")
    with pytest.raises(ValueError, match="EVENTS_TRANSPORT"):
        routing.transport_for("orders.order_placed")


def test_every_broker_name_carries_the_namespace(settings):
    settings.EVENTS_NAMESPACE = "run-7."
    settings.EVENTS_EXCHANGE = "shop.events"

    assert routing.exchange_name() == "run-7.shop.events"
    assert routing.dead_letter_exchange_name() == "run-7.shop.events.dead-letter"
    assert routing.queue_name("catalog") == "run-7.catalog.events"
    assert routing.dead_letter_queue_name("catalog") == "run-7.catalog.events.dead-letter"
    assert routing.consumer_group("tasks") == "run-7.tasks"
    assert routing.audit_topic() == "run-7.events.audit"


def test_a_service_queue_is_bound_only_to_its_rabbitmq_routed_types(brokers):
    brokers(rabbitmq=True, kafka=True)
    handled = ["catalog.product_updated", "orders.order_paid", "orders.order_placed"]

    assert routing.rabbitmq_types(handled) == ["orders.order_paid", "orders.order_placed"]
    assert routing.kafka_topics_for(handled) == ["catalog.products"]
