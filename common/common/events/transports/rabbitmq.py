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
from dataclasses import dataclass

import orjson
import pika
from django.conf import settings
from pika.exceptions import AMQPError, ChannelClosedByBroker
from pika.spec import Basic

from common.events import routing
from common.events.consumer import Handler
from common.events.contracts import REGISTRY
from common.events.outbox.models import OutboxMessage
from common.events.retry import Failure, Outage, Permanent, gives_up, retry_delay
from common.events.transports.base import (
    DEFAULT_PREFETCH,
    ConsumeLimits,
    Outcome,
    Processed,
    process_messages,
    publish_timeout,
)
from common.observability.metrics import QUEUE_ARGUMENTS_MISMATCH

logger = logging.getLogger(__name__)

DEFAULT_BROKER_DELIVERY_LIMIT = 100
CONNECTION_ERRORS = (AMQPError, OSError)
FAILURES_HEADER = "x-cosmeticos-failures"
FIRST_FAILURE_HEADER = "x-cosmeticos-first-failure"
# What each queue argument comes from, to name it when a queue was declared with other values.
ARGUMENT_SOURCES = {
    "x-delivery-limit": "EVENTS_BROKER_DELIVERY_LIMIT (before it, EVENTS_DELIVERY_LIMIT)",
    "x-dead-letter-strategy": "at-least-once dead-lettering (a queue declared by an older release)",
    "x-overflow": "x-overflow=reject-publish (a queue declared by an older release)",
    "x-dead-letter-exchange": "EVENTS_EXCHANGE / EVENTS_NAMESPACE",
    "x-dead-letter-routing-key": "EVENTS_NAMESPACE",
    "x-queue-type": "the queue type (quorum)",
}


class QueueArgumentsMismatch(AMQPError):
    """A queue exists with other arguments than this process declares (RabbitMQ's 406)."""


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


def broker_delivery_limit() -> int:
    """The quorum queue's ``x-delivery-limit``: only a safety net against a message that crashes every
    consumer (on RabbitMQ 3.x crashes count towards it); the failure budget is counted by the consumer."""
    return int(getattr(settings, "EVENTS_BROKER_DELIVERY_LIMIT", DEFAULT_BROKER_DELIVERY_LIMIT))


def retry_queue_name(service: str) -> str:
    return f"{routing.queue_name(service)}.retry"


def _at_least_once(dead_letter_exchange: str, routing_key: str) -> dict:
    # at-least-once dead-lettering (RabbitMQ >= 3.10, quorum queues) needs overflow reject-publish
    return {
        "x-queue-type": "quorum",
        "x-dead-letter-exchange": dead_letter_exchange,
        "x-dead-letter-routing-key": routing_key,
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }


def queue_arguments(service: str) -> dict:
    return {
        **_at_least_once(routing.dead_letter_exchange_name(), routing.dead_letter_queue_name(service)),
        "x-delivery-limit": broker_delivery_limit(),
    }


def retry_queue_arguments(service: str) -> dict:
    """Messages wait out their backoff here (per-message TTL), then go back to the service queue."""
    return _at_least_once("", routing.queue_name(service))


def declare_exchanges(channel) -> None:
    channel.exchange_declare(routing.exchange_name(), exchange_type="topic", durable=True)
    channel.exchange_declare(routing.dead_letter_exchange_name(), exchange_type="direct", durable=True)


def mismatch_message(queue: str, reply_text: str) -> str:
    argument = next((name for name in ARGUMENT_SOURCES if f"'{name}'" in reply_text), "")
    source = ARGUMENT_SOURCES.get(argument, "the queue arguments")
    return (
        f"RabbitMQ queue {queue!r} exists with other arguments than this process declares "
        f"({argument or 'unknown'}: {source}). Every process must use the same settings; to change a "
        f"queue's arguments apply a RabbitMQ policy or delete the queue while it is empty. "
        f"Broker said: {reply_text}"
    )


def declare_service_queue(connection, service: str, event_types: Iterable[str]) -> list[str]:
    """The service's quorum queue bound to ``event_types``, its retry and dead-letter queues (idempotent).

    Declared on a channel of their own: a queue that exists with other arguments (RabbitMQ closes the
    channel with 406) is reported, counted in ``events_queue_arguments_mismatch`` and then used as it is,
    so one mismatched queue never stops the publishing or consuming of the others. Returns the problems.
    """
    queue, dead_letter_queue = routing.queue_name(service), routing.dead_letter_queue_name(service)
    problems: list[str] = []
    channel = connection.channel()
    try:
        for name, arguments in (
            (dead_letter_queue, {"x-queue-type": "quorum"}),
            (retry_queue_name(service), retry_queue_arguments(service)),
            (queue, queue_arguments(service)),
        ):
            try:
                channel.queue_declare(name, durable=True, arguments=arguments)
                QUEUE_ARGUMENTS_MISMATCH.labels(queue=name).set(0)
            except ChannelClosedByBroker as error:
                if error.reply_code != 406:
                    raise
                problem = mismatch_message(name, error.reply_text)
                logger.error(problem, extra={"queue": name})
                QUEUE_ARGUMENTS_MISMATCH.labels(queue=name).set(1)
                problems.append(problem)
                channel = connection.channel()
                channel.queue_declare(name, passive=True)  # it exists: use it as it is
        channel.queue_bind(dead_letter_queue, routing.dead_letter_exchange_name(), routing_key=dead_letter_queue)
        for event_type in event_types:
            channel.queue_bind(queue, routing.exchange_name(), routing_key=event_type)
    finally:
        if channel.is_open:
            channel.close()
    return problems


class RabbitMqPublisher:
    """Publishes outbox rows with pipelined publisher confirms over one connection (reconnects lazily).

    Before a type is first sent, the queues of its consumers (from the registry) are declared and
    bound, so an event committed before its consumer ever started is kept, not dropped as unroutable.
    A row the broker returns as unroutable (a queue deleted meanwhile) has its type's queues declared
    again and is published once more in the same batch; only if it comes back again is it parked.
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
        confirmed: dict[int, str | None] = {}
        returned: set[str] = set()
        failure = None
        try:
            self._ensure_connected()
            self._ensure_bound({row.event_type for row in rows})
            confirmed, returned, failure = self._publish_batch(rows)
            again = [row for row in rows if str(row.event_id) in returned and consumers_of(row.event_type)]
            if again and failure is None:
                self._bound_types -= {row.event_type for row in again}  # a queue was deleted: declare again
                self._ensure_bound({row.event_type for row in again})
                retried, returned_again, failure = self._publish_batch(again)
                confirmed.update(retried)
                returned = (returned - {str(row.event_id) for row in again}) | returned_again
        except CONNECTION_ERRORS as error:
            failure = Outage(f"RabbitMQ unavailable: {error!r}")
            confirmed = {**confirmed, **self._confirmed}  # acks that arrived before the link broke count
            self.close()
        results: dict[int, str | None] = {}
        for row in rows:
            if str(row.event_id) in returned:
                results[row.pk] = Permanent(f"unroutable: no queue is bound for {row.event_type}")
            elif row.pk in confirmed:
                results[row.pk] = confirmed[row.pk]
            else:
                results[row.pk] = failure or Outage("not confirmed")
        return results

    def _publish_batch(self, rows: Sequence[OutboxMessage]) -> tuple[dict[int, str | None], set[str], str | None]:
        self._outstanding, self._confirmed, self._returned = {}, {}, set()
        for row in rows:
            self._publish(row)
        deadline = time.monotonic() + publish_timeout()
        while self._outstanding and time.monotonic() < deadline:
            self._connection.process_data_events(time_limit=0.01)
        failure = Outage(f"no publisher confirm within {publish_timeout()}s") if self._outstanding else None
        return dict(self._confirmed), set(self._returned), failure

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
                declare_service_queue(self._connection, service, [event_type])
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
        error = None if isinstance(method, Basic.Ack) else "nacked by the broker (a queue full or unavailable)"
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


@dataclass(frozen=True)
class _Delivery:
    method: Basic.Deliver
    properties: pika.BasicProperties
    body: bytes


class RabbitMqConsumer:
    """Consumes the service's quorum queue (and drains its dead-letter queue into ``DeadLetter``).

    A failed message is never requeued in place: it is acked after a copy went to the service's retry
    queue with its failure count and first-failure time in headers and a per-message TTL (the backoff),
    after which RabbitMQ routes it back to the service queue. The count travels with the message, so a
    consumer crash (which RabbitMQ 3.x counts as a delivery) never spends the failure budget; the
    queue's ``x-delivery-limit`` is only a safety net. Past the budget the message is recorded as a
    ``DeadLetter`` and acked.
    """

    def __init__(self, *, service: str, handlers: Mapping[str, Handler], url: str | None = None) -> None:
        self.service = service
        self.handlers = handlers
        self.url = url
        self.queue = routing.queue_name(service)
        self.retry_queue = retry_queue_name(service)
        self.dead_letter_queue = routing.dead_letter_queue_name(service)
        self._limits = ConsumeLimits()
        self._delivered: list[_Delivery] = []

    def run(self, limits: ConsumeLimits) -> int:
        self._limits = limits
        connection = pika.BlockingConnection(connection_parameters(self.url))
        try:
            declare_exchanges(connection.channel())
            declare_service_queue(connection, self.service, routing.rabbitmq_types(self.handlers))
            channel = connection.channel()
            channel.confirm_delivery()  # a copy sent to the retry queue is confirmed before the original is acked
            channel.basic_qos(prefetch_count=int(getattr(settings, "EVENTS_PREFETCH", DEFAULT_PREFETCH)))
            channel.basic_consume(self.queue, self._on_message)
            channel.basic_consume(self.dead_letter_queue, self._on_dead_letter)
            logger.info("consuming", extra={"queue": self.queue, "transport": routing.RABBITMQ})
            while not limits.done():
                connection.process_data_events(time_limit=0.1)
                if self._delivered:
                    self._apply_delivered(channel)
        finally:
            self._delivered = []  # never acked: the broker hands them out again
            if connection.is_open:
                connection.close()  # anything delivered but not acked goes back to the queue
        return limits.processed

    def _on_message(self, channel, method, properties, body: bytes) -> None:
        """Collect what one read of the socket delivered; ``_apply_delivered`` applies it right after."""
        self._delivered.append(_Delivery(method, properties, body))

    def _apply_delivered(self, channel) -> None:
        """Apply the messages delivered together in one transaction (``process_messages``), then settle
        each: acked once committed, or sent to the retry queue / dead-lettered on its own. Under load the
        broker hands over up to ``EVENTS_PREFETCH`` at a time, so a backlog drains with one commit per
        batch; one at a time when the queue is quiet."""
        delivered, self._delivered = self._delivered, []
        if self._limits.max_messages is not None:  # the rest stay unacked: handed out again after we close
            delivered = delivered[: max(0, self._limits.max_messages - self._limits.processed)]
        if self._limits.done() or not delivered:
            return
        results = process_messages([delivery.body for delivery in delivered], handlers=self.handlers)
        settled = [(delivery, processed) for delivery, processed in zip(delivered, results, strict=True)]
        if all(processed.outcome in (Outcome.HANDLED, Outcome.SKIPPED) for _, processed in settled):
            channel.basic_ack(delivered[-1].method.delivery_tag, multiple=True)  # one frame for the batch
            for _ in settled:
                self._limits.count()
            return
        for delivery, processed in settled:
            self._settle(channel, delivery.method, delivery.properties, delivery.body, processed)
            self._limits.count()

    def _settle(self, channel, method, properties, body: bytes, processed: Processed) -> None:
        if processed.outcome in (Outcome.HANDLED, Outcome.SKIPPED):
            channel.basic_ack(method.delivery_tag)
            return
        headers = dict(properties.headers or {})
        failures = int(headers.get(FAILURES_HEADER, 0)) + 1
        now = time.time()
        first_failure = int(headers.get(FIRST_FAILURE_HEADER, now * 1000)) / 1000  # epoch milliseconds
        kind = processed.failure or Failure.PERMANENT
        if gives_up(kind, failures=failures, failing_for=now - first_failure):
            self._dead_letter(channel, method, body, processed.error, failures)
            return
        delay = retry_delay(failures)
        logger.warning(
            "handler failed, retrying later",
            extra={"queue": self.queue, "attempt": failures, "failure": kind, "delay": delay},
        )
        retry_properties = pika.BasicProperties(
            delivery_mode=pika.DeliveryMode.Persistent,
            content_type=properties.content_type,
            message_id=properties.message_id,
            type=properties.type,
            correlation_id=properties.correlation_id,
            expiration=str(max(int(delay * 1000), 1)),
            headers={FAILURES_HEADER: failures, FIRST_FAILURE_HEADER: int(first_failure * 1000)},
        )
        channel.basic_publish("", self.retry_queue, body, properties=retry_properties)
        channel.basic_ack(method.delivery_tag)

    def _dead_letter(self, channel, method, body: bytes, error: str, attempts: int) -> None:
        from common.events.inbox.services import dead_letter_record

        try:
            dead_letter_record(body=body, source=self.queue, error=error, attempts=attempts)
        except Exception:
            logger.exception("could not record a dead letter; parking it in %s", self.dead_letter_queue)
            channel.basic_reject(method.delivery_tag, requeue=False)  # at-least-once to the dead-letter queue
            return
        logger.error("message dead-lettered", extra={"queue": self.queue, "attempts": attempts})
        channel.basic_ack(method.delivery_tag)

    def _on_dead_letter(self, channel, method, properties, body: bytes) -> None:
        from common.events.inbox.services import dead_letter_record

        headers = properties.headers or {}
        deaths = headers.get("x-death") or [{}]
        reason = deaths[0].get("reason", "dead-lettered")
        reason = reason.decode() if isinstance(reason, bytes) else reason
        attempts = int(headers.get(FAILURES_HEADER, 0)) + 1
        try:
            dead_letter_record(
                body=body, source=self.queue, error=f"dead-lettered by RabbitMQ ({reason})", attempts=attempts
            )
        except Exception:
            logger.exception("could not record a dead letter; it stays in %s", self.dead_letter_queue)
            channel.basic_nack(method.delivery_tag, requeue=True)
            return
        self._limits.count()
        channel.basic_ack(method.delivery_tag)
