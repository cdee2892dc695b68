"""The routing table of every event: which transport carries it and under which name. One place.

- Business events and commands between services go over RabbitMQ: one durable topic exchange
  (``<namespace><EVENTS_EXCHANGE>``), routing key = event type, one quorum queue per consuming
  service (``<namespace><service>.events``) bound to the types it handles.
- Streams go over Kafka: the product changes on a compacted topic keyed by product
  (``<namespace>catalog.products``), shopper activity on ``<namespace>shopper.activity``, and, when
  ``EVENTS_AUDIT_TOPIC`` is on, a copy of every event on ``<namespace>events.audit``.
- Only one broker configured: every event goes over that one (RabbitMQ carries the streams through
  the same exchange; Kafka carries the business events on ``<namespace>business.events`` keyed by
  the aggregate). Neither configured: the embedded bus (an SQLite file at ``EVENT_BUS_PATH``).
  ``EVENTS_TRANSPORT`` (``rabbitmq``/``kafka``/``embedded``) forces one transport for everything.

``EVENTS_NAMESPACE`` prefixes every exchange, queue, topic and consumer group, so a test run or an
end-to-end suite isolates itself by setting a unique namespace.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

RABBITMQ = "rabbitmq"
KAFKA = "kafka"
EMBEDDED = "embedded"
TRANSPORTS = (RABBITMQ, KAFKA, EMBEDDED)

PRODUCT_STREAM_TYPES = frozenset(
    {"catalog.product_published", "catalog.product_updated", "catalog.product_unpublished"}
)
SHOPPER_ACTIVITY_TYPES = frozenset({"catalog.product_viewed", "catalog.search_performed", "orders.cart_line_added"})
STREAM_TYPES = PRODUCT_STREAM_TYPES | SHOPPER_ACTIVITY_TYPES

DEFAULT_EXCHANGE = "cosmeticos.events"
PRODUCTS_TOPIC = "catalog.products"
SHOPPER_ACTIVITY_TOPIC = "shopper.activity"
BUSINESS_EVENTS_TOPIC = "business.events"
AUDIT_TOPIC = "events.audit"


def namespace() -> str:
    return getattr(settings, "EVENTS_NAMESPACE", "") or ""


def exchange_name() -> str:
    """The durable topic exchange every RabbitMQ-routed event is published to."""
    return namespace() + (getattr(settings, "EVENTS_EXCHANGE", "") or DEFAULT_EXCHANGE)


def dead_letter_exchange_name() -> str:
    return exchange_name() + ".dead-letter"


def queue_name(service: str) -> str:
    """The quorum queue of a consuming service."""
    return f"{namespace()}{service}.events"


def dead_letter_queue_name(service: str) -> str:
    return f"{queue_name(service)}.dead-letter"


def products_topic() -> str:
    """Compacted topic with the latest state of every product, keyed by product id."""
    return namespace() + PRODUCTS_TOPIC


def shopper_activity_topic() -> str:
    return namespace() + SHOPPER_ACTIVITY_TOPIC


def business_events_topic() -> str:
    """Where business events go when Kafka is the only broker configured."""
    return namespace() + BUSINESS_EVENTS_TOPIC


def audit_topic() -> str:
    return namespace() + AUDIT_TOPIC


def audit_enabled() -> bool:
    return bool(getattr(settings, "EVENTS_AUDIT_TOPIC", False)) and KAFKA in configured_transports()


def consumer_group(service: str) -> str:
    """The Kafka consumer group (and embedded bus cursor) of a consuming service."""
    return f"{namespace()}{service}"


def configured_transports() -> tuple[str, ...]:
    """The brokers this process may use, from settings (the embedded bus when none is configured)."""
    forced = getattr(settings, "EVENTS_TRANSPORT", "") or ""
    if forced:
        if forced not in TRANSPORTS:
            raise ValueError(f"EVENTS_TRANSPORT must be one of {TRANSPORTS}, not {forced!r}")
        return (forced,)
    configured = tuple(
        name
        for name, setting in ((RABBITMQ, "RABBITMQ_URL"), (KAFKA, "KAFKA_BOOTSTRAP_SERVERS"))
        if getattr(settings, setting, "")
    )
    return configured or (EMBEDDED,)


def preferred_transport(event_type: str) -> str:
    """The broker the architecture intends for ``event_type``: Kafka for streams, RabbitMQ otherwise."""
    return KAFKA if event_type in STREAM_TYPES else RABBITMQ


def transport_for(event_type: str) -> str:
    """The transport that carries ``event_type`` with the current settings."""
    available = configured_transports()
    preferred = preferred_transport(event_type)
    return preferred if preferred in available else available[0]


def kafka_topic_for(event_type: str) -> str:
    if event_type in PRODUCT_STREAM_TYPES:
        return products_topic()
    if event_type in SHOPPER_ACTIVITY_TYPES:
        return shopper_activity_topic()
    return business_events_topic()


def kafka_topics_for(event_types: Iterable[str]) -> list[str]:
    """The topics a consumer subscribes to for the Kafka-routed ``event_types``."""
    return sorted({kafka_topic_for(event_type) for event_type in event_types if transport_for(event_type) == KAFKA})


def rabbitmq_types(event_types: Iterable[str]) -> list[str]:
    """The routing keys a service's queue is bound to: its event types that travel over RabbitMQ."""
    return sorted(event_type for event_type in event_types if transport_for(event_type) == RABBITMQ)


def route_description(event_type: str) -> str:
    """The intended route of ``event_type`` for the docs (no settings needed, names without namespace)."""
    if event_type in PRODUCT_STREAM_TYPES:
        return f"Kafka `{PRODUCTS_TOPIC}` (compacted, key = product id)"
    if event_type in SHOPPER_ACTIVITY_TYPES:
        return f"Kafka `{SHOPPER_ACTIVITY_TOPIC}`"
    return f"RabbitMQ `{DEFAULT_EXCHANGE}`, key `{event_type}`"
