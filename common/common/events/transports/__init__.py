"""Transports: how outbox rows reach a broker (publishers) and how messages reach handlers (consumers).

``publisher_for(name)`` and ``consumer_for(name, ...)`` pick the implementation; which transport an
event type uses is decided in :mod:`common.events.routing`.
"""

from __future__ import annotations

from common.events.routing import EMBEDDED, KAFKA, RABBITMQ
from common.events.transports.base import ConsumeLimits, Consumer, Publisher


def publisher_for(name: str) -> Publisher:
    if name == RABBITMQ:
        from common.events.transports.rabbitmq import RabbitMqPublisher

        return RabbitMqPublisher()
    if name == KAFKA:
        from common.events.transports.kafka import KafkaPublisher

        return KafkaPublisher()
    if name == EMBEDDED:
        from common.events.transports.embedded import EmbeddedPublisher

        return EmbeddedPublisher()
    raise ValueError(f"unknown transport {name!r}")


def consumer_for(name: str, *, service: str, handlers) -> Consumer:
    if name == RABBITMQ:
        from common.events.transports.rabbitmq import RabbitMqConsumer

        return RabbitMqConsumer(service=service, handlers=handlers)
    if name == KAFKA:
        from common.events.transports.kafka import KafkaConsumer

        return KafkaConsumer(service=service, handlers=handlers)
    if name == EMBEDDED:
        from common.events.transports.embedded import EmbeddedConsumer

        return EmbeddedConsumer(service=service, handlers=handlers)
    raise ValueError(f"unknown transport {name!r}")


__all__ = ["ConsumeLimits", "Consumer", "Publisher", "consumer_for", "publisher_for"]
