"""RabbitMQ: one durable topic exchange, a quorum queue per consuming service, dead-letter queues.

The relay publishes persistent, mandatory messages and counts a row sent only when the broker acks
it (publisher confirms, pipelined so a batch costs one round trip). The consumer acks a message only
after its handler's transaction committed; a failing message is requeued and, past the queue's
``x-delivery-limit``, dead-lettered by the broker to the service's dead-letter queue, which the same
consumer drains into the ``DeadLetter`` table for the admin.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence

import orjson
import pika
from django.conf import settings
from pika.exceptions import AMQPError
from pika.spec import Basic

from common.events import routing
from common.events.consumer import Handler
from common.events.contracts import REGISTRY
from common.events.outbox.models import OutboxMessage
from common.events.transports.base import (
    ConsumeLimits,
    Outcome,
    delivery_limit,
    process_message,
    publish_timeout,
    retry_backoff,
)

logger = logging.getLogger(__name__)

DEFAULT_PREFETCH = 20
CONNECTION_ERRORS = (AMQPError, OSError)


def connection_parameters(url: str | None = None) -> pika.URLParameters:
    parameters = pika.URLParameters(url or settings.RABBITMQ_URL)
    parameters.connection_attempts = 1
    parameters.socket_timeout = 5
    parameters.blocked_connection_timeout = publish_timeout()
    return parameters


def consumers_of(event_type: str) -> set[str]:
    """Every service that consumes ``event_type`` in any version, from the contract registry."""
    return {
        service for (type_, _v), contract in REGISTRY.items() if type_ == event_type for service in contract.CONSUMERS
    }


def queue_arguments(service: str) -> dict:
    return {
        "x-queue-type": "quorum",
        "x-delivery-limit": delivery_limit(),
        "x-dead-letter-exchange": routing.dead_letter_exchange_name(),
        "x-dead-letter-routing-key": routing.dead_letter_queue_name(service),
    }


def declare_exchanges(channel) -> None:
    channel.exchange_declare(routing.exchange_name(), exchange_type="topic", durable=True)
    channel.exchange_declare(routing.dead_letter_exchange_name(), exchange_type="direct", durable=True)


def declare_service_queue(channel, service: str, event_types: Iterable[str]) -> None:
    """The service's quorum queue bound to ``event_types``, and its dead-letter queue (idempotent)."""
    queue, dead_letter_queue = routing.queue_name(service), routing.dead_letter_queue_name(service)
    channel.queue_declare(dead_letter_queue, durable=True, arguments={"x-queue-type": "quorum"})
    channel.queue_bind(dead_letter_queue, routing.dead_letter_exchange_name(), routing_key=dead_letter_queue)
    channel.queue_declare(queue, durable=True, arguments=queue_arguments(service))
    for event_type in event_types:
        channel.queue_bind(queue, routing.exchange_name(), routing_key=event_type)


class RabbitMqPublisher:
    """Publishes outbox rows with pipelined publisher confirms over one connection (reconnects lazily).

    Before a type is first sent, the queues of its consumers (from the registry) are declared and
    bound, so an event committed before its consumer ever started is kept, not dropped as unroutable.
    """

    name = routing.RABBITMQ

    def __init__(self, url: str | None = None) -> None:
        self.url = url
        self._connection = None
        self._channel = None
        self._bound_types: set[str] = set()
        self._delivery_tag = 0
        self._outstanding: dict[int, int] = {}
        self._confirmed: dict[int, str | None] = {}
        self._returned: set[str] = set()
        self._confirm_mode = False

    def send(self, rows: Sequence[OutboxMessage]) -> dict[int, str | None]:
        self._outstanding, self._confirmed, self._returned = {}, {}, set()
        failure = None
        try:
            self._ensure_connected()
            self._ensure_bound({row.event_type for row in rows})
            for row in rows:
                self._publish(row)
            deadline = time.monotonic() + publish_timeout()
            while self._outstanding and time.monotonic() < deadline:
                self._connection.process_data_events(time_limit=0.01)
            if self._outstanding:
                failure = f"no publisher confirm within {publish_timeout()}s"
        except CONNECTION_ERRORS as error:
            failure = f"RabbitMQ unavailable: {error!r}"
            self.close()
        results: dict[int, str | None] = {}
        for row in rows:
            if str(row.event_id) in self._returned:
                results[row.pk] = "unroutable: no queue is bound for this event type"
            elif row.pk in self._confirmed:
                results[row.pk] = self._confirmed[row.pk]
            else:
                results[row.pk] = failure or "not confirmed"
        return results

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        self._bound_types.clear()
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except CONNECTION_ERRORS:
                logger.debug("closing a broken RabbitMQ connection failed", exc_info=True)

    def _ensure_connected(self) -> None:
        if self._connection is not None and self._connection.is_open and self._channel.is_open:
            try:
                # Between batches nobody services the connection: this sends due heartbeats and notices a
                # connection the broker closed while the relay was idle, so the batch goes on a fresh one.
                self._connection.process_data_events(time_limit=0)
            except CONNECTION_ERRORS:
                logger.info("RabbitMQ connection lost while idle; reconnecting")
            if self._connection is not None and self._connection.is_open and self._channel.is_open:
                return
        self.close()
        self._connection = pika.BlockingConnection(connection_parameters(self.url))
        self._channel = self._connection.channel()
        declare_exchanges(self._channel)
        # Pipelined confirms: the blocking channel waits for each ack in turn; its underlying channel
        # lets a whole batch be in flight and reports acks (possibly ``multiple``) by delivery tag.
        channel = self._channel._impl
        self._delivery_tag, self._confirm_mode = 0, False
        channel.add_on_return_callback(self._on_return)
        channel.confirm_delivery(ack_nack_callback=self._on_confirm, callback=self._on_confirm_mode)
        deadline = time.monotonic() + publish_timeout()
        while not self._confirm_mode and time.monotonic() < deadline:
            self._connection.process_data_events(time_limit=0.01)
        if not self._confirm_mode:
            raise AMQPError("the broker did not enable publisher confirms")

    def _ensure_bound(self, event_types: set[str]) -> None:
        for event_type in sorted(event_types - self._bound_types):
            for service in sorted(consumers_of(event_type)):
                declare_service_queue(self._channel, service, [event_type])
            self._bound_types.add(event_type)

    def _publish(self, row: OutboxMessage) -> None:
        envelope = row.envelope
        properties = pika.BasicProperties(
            delivery_mode=pika.DeliveryMode.Persistent,
            content_type="application/json",
            message_id=str(row.event_id),
            type=row.event_type,
            correlation_id=envelope.get("correlation_id"),
        )  # no headers table: the envelope in the body has the key, version and producer
        self._delivery_tag += 1
        self._outstanding[self._delivery_tag] = row.pk
        self._channel._impl.basic_publish(
            routing.exchange_name(), row.event_type, orjson.dumps(envelope), properties=properties, mandatory=True
        )

    def _on_confirm_mode(self, _frame) -> None:
        self._confirm_mode = True

    def _on_confirm(self, frame) -> None:
        method = frame.method
        error = None if isinstance(method, Basic.Ack) else "nacked by the broker"
        tags = (
            [tag for tag in self._outstanding if tag <= method.delivery_tag]
            if method.multiple
            else [method.delivery_tag]
        )
        for tag in tags:
            row_id = self._outstanding.pop(tag, None)
            if row_id is not None:
                self._confirmed[row_id] = error

    def _on_return(self, _channel, _method, properties, _body) -> None:
        self._returned.add(properties.message_id)


class RabbitMqConsumer:
    """Consumes the service's quorum queue (and drains its dead-letter queue into ``DeadLetter``)."""

    def __init__(self, *, service: str, handlers: Mapping[str, Handler], url: str | None = None) -> None:
        self.service = service
        self.handlers = handlers
        self.url = url
        self.queue = routing.queue_name(service)
        self.dead_letter_queue = routing.dead_letter_queue_name(service)
        self._last_errors: dict[str, tuple[str, int]] = {}
        self._limits = ConsumeLimits()

    def run(self, limits: ConsumeLimits) -> int:
        self._limits = limits
        connection = pika.BlockingConnection(connection_parameters(self.url))
        try:
            channel = connection.channel()
            channel.basic_qos(prefetch_count=int(getattr(settings, "EVENTS_PREFETCH", DEFAULT_PREFETCH)))
            declare_exchanges(channel)
            declare_service_queue(channel, self.service, routing.rabbitmq_types(self.handlers))
            channel.basic_consume(self.queue, self._on_message)
            channel.basic_consume(self.dead_letter_queue, self._on_dead_letter)
            logger.info("consuming", extra={"queue": self.queue, "transport": routing.RABBITMQ})
            while not limits.done():
                connection.process_data_events(time_limit=0.1)
        finally:
            if connection.is_open:
                connection.close()  # anything delivered but not acked goes back to the queue
        return limits.processed

    def _on_message(self, channel, method, properties, body: bytes) -> None:
        if self._limits.done():
            return  # left unacked: the broker hands it out again after this consumer closes
        processed = process_message(body, handlers=self.handlers)
        self._limits.count()
        event_id = properties.message_id or ""
        if processed.outcome in (Outcome.HANDLED, Outcome.SKIPPED):
            self._last_errors.pop(event_id, None)
            channel.basic_ack(method.delivery_tag)
            return
        attempt = int((properties.headers or {}).get("x-delivery-count", 0)) + 1
        self._remember_error(event_id, processed.error, attempt)
        if processed.outcome is Outcome.INVALID:
            channel.basic_reject(method.delivery_tag, requeue=False)  # straight to the dead-letter queue
            return
        logger.warning("handler failed, message requeued", extra={"queue": self.queue, "attempt": attempt})
        time.sleep(retry_backoff(attempt))
        # reject, not nack: RabbitMQ 4 counts only rejections towards the quorum queue's delivery limit
        channel.basic_reject(method.delivery_tag, requeue=True)

    def _on_dead_letter(self, channel, method, properties, body: bytes) -> None:
        from common.events.inbox.services import dead_letter_record

        deaths = (properties.headers or {}).get("x-death") or [{}]
        reason = deaths[0].get("reason", "dead-lettered")
        reason = reason.decode() if isinstance(reason, bytes) else reason
        fallback = (f"dead-lettered by RabbitMQ ({reason})", 1 if reason == "rejected" else delivery_limit() + 1)
        error, attempts = self._last_errors.pop(properties.message_id or "", fallback)
        try:
            dead_letter_record(body=body, source=self.queue, error=error, attempts=attempts)
        except Exception:
            logger.exception("could not record a dead letter; it stays in %s", self.dead_letter_queue)
            channel.basic_nack(method.delivery_tag, requeue=True)
            return
        self._limits.count()
        channel.basic_ack(method.delivery_tag)

    def _remember_error(self, event_id: str, error: str, attempt: int) -> None:
        """Keep the last error of a failing message for its dead-letter record (the broker drops it)."""
        if len(self._last_errors) > 1000:
            self._last_errors.clear()
        self._last_errors[event_id] = (error, attempt)
