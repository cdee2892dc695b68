"""Small helpers the events tests share: run the relay and a consumer in-process, read queue depths."""

from __future__ import annotations

import pika

from common.events import routing
from common.events.inbox.runner import consume
from common.events.testing import relay_all  # noqa: F401 (the events tests import it from here)
from common.events.transports import ConsumeLimits

SAFETY_TIMEOUT_SECONDS = 30.0


def consume_until(until, *, service: str, handlers, transport: str, timeout: float = SAFETY_TIMEOUT_SECONDS) -> int:
    """Run one consumer loop in this thread until ``until()`` holds (or the safety timeout)."""
    limits = ConsumeLimits(until=until, timeout=timeout)
    return consume(service=service, handlers=handlers, limits=limits, transports=[transport]).get(transport, 0)


def queue_depth(url: str, queue: str) -> int:
    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        return connection.channel().queue_declare(queue, passive=True).method.message_count
    finally:
        connection.close()


def service_queue_depth(url: str, service: str) -> int:
    return queue_depth(url, routing.queue_name(service))
