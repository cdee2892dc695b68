"""Kafka: the product stream (compacted, keyed by product), shopper activity, optional audit copy.

The relay uses the idempotent producer (``enable.idempotence``, ``acks=all``), key = envelope key so
one aggregate's events keep their order in one partition, and counts a row sent only on its delivery
report. The consumer belongs to the group ``<namespace><service>``, never auto-commits, and commits a
message's offset after the handler committed (or after the message was dead-lettered).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from functools import partial

import orjson
from confluent_kafka import Consumer as ConfluentConsumer
from confluent_kafka import KafkaError, KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic
from django.conf import settings

from common.events import routing
from common.events.consumer import Handler
from common.events.outbox.models import OutboxMessage
from common.events.transports.base import ConsumeLimits, process_with_retries, publish_timeout

logger = logging.getLogger(__name__)
librdkafka_logger = logging.getLogger("librdkafka")  # librdkafka's own log lines, through logging

DEFAULT_PARTITIONS = 3


def connection_config() -> dict[str, str]:
    """Where the brokers are and how to authenticate (SASL_SSL for MSK or Managed Kafka), from settings."""
    return {"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS, **getattr(settings, "KAFKA_SECURITY_CONFIG", {})}


def ensure_topics(topics: Iterable[str], *, timeout: float = 10.0) -> None:
    """Create the topics that do not exist yet (the product topic compacted); idempotent."""
    wanted = sorted(set(topics))
    if not wanted:
        return
    admin = AdminClient(
        {
            **connection_config(),
            "socket.timeout.ms": int(timeout * 1000),
            "logger": librdkafka_logger,
        }
    )
    partitions = int(getattr(settings, "EVENTS_KAFKA_PARTITIONS", DEFAULT_PARTITIONS))
    new_topics = [
        NewTopic(
            topic,
            num_partitions=partitions,
            replication_factor=int(getattr(settings, "EVENTS_KAFKA_REPLICATION", 1)),
            config={"cleanup.policy": "compact"} if topic == routing.products_topic() else {},
        )
        for topic in wanted
    ]
    for topic, future in admin.create_topics(new_topics, request_timeout=timeout).items():
        try:
            future.result(timeout=timeout)
        except KafkaException as error:
            if error.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise
        else:
            logger.info("created Kafka topic", extra={"topic": topic})


class KafkaPublisher:
    """Produces outbox rows with the idempotent producer and waits for their delivery reports."""

    name = routing.KAFKA

    def __init__(self) -> None:
        self._producer: Producer | None = None
        self._ready_topics: set[str] = set()
        self._fatal = False

    def send(self, rows: Sequence[OutboxMessage]) -> dict[int, str | None]:
        results: dict[int, str | None] = {}
        targets = [(row, self._topics_for(row.event_type)) for row in rows]
        try:
            self._ensure_producer()
            missing = {topic for _row, topics in targets for topic in topics} - self._ready_topics
            ensure_topics(missing, timeout=publish_timeout())
            self._ready_topics |= missing
        except (KafkaException, TimeoutError) as error:
            return {row.pk: f"Kafka unavailable: {error!r}" for row in rows}
        expected: dict[int, int] = {}
        for row, topics in targets:
            expected[row.pk] = len(topics)
            for topic in topics:
                self._produce(topic, row, partial(self._on_delivery, results, expected, row.pk))
        self._producer.flush(publish_timeout() + 1)
        for row in rows:
            results.setdefault(row.pk, "no delivery report" if expected[row.pk] else None)
        if self._fatal:
            self.close()
        elif any(error is not None for error in results.values()):
            self._ready_topics.clear()  # a restarted broker may have lost its topics: check them again
        return results

    def close(self) -> None:
        producer, self._producer, self._fatal = self._producer, None, False
        self._ready_topics.clear()
        if producer is not None:
            producer.flush(1)
        del producer  # the last reference: librdkafka stops its threads and reconnect attempts now

    def _topics_for(self, event_type: str) -> list[str]:
        topics = [routing.kafka_topic_for(event_type)] if routing.transport_for(event_type) == routing.KAFKA else []
        if routing.audit_enabled():
            topics.append(routing.audit_topic())
        return topics

    def _ensure_producer(self) -> None:
        if self._producer is None:
            self._producer = Producer(
                {
                    **connection_config(),
                    "enable.idempotence": True,
                    "acks": "all",
                    "linger.ms": 5,
                    "message.timeout.ms": int(publish_timeout() * 1000),
                    "error_cb": self._on_error,
                    "logger": librdkafka_logger,
                }
            )

    def _produce(self, topic: str, row: OutboxMessage, on_delivery) -> None:
        value = orjson.dumps(row.envelope)
        headers = [("event_type", row.event_type.encode()), ("event_id", str(row.event_id).encode())]
        while True:
            try:
                self._producer.produce(
                    topic, key=row.key.encode(), value=value, headers=headers, on_delivery=on_delivery
                )
                break
            except BufferError:
                self._producer.poll(0.05)  # the local queue is full: let delivery reports drain it
        self._producer.poll(0)

    @staticmethod
    def _on_delivery(results, expected, row_id, error, _message) -> None:
        if error is not None:
            results[row_id] = f"Kafka delivery failed: {error}"
            return
        expected[row_id] -= 1
        if expected[row_id] == 0 and row_id not in results:
            results[row_id] = None

    def _on_error(self, error: KafkaError) -> None:
        logger.warning("Kafka producer error: %s", error)
        if error.fatal():
            self._fatal = True


class KafkaConsumer:
    """Consumes the topics carrying the service's Kafka-routed event types as group ``<ns><service>``."""

    def __init__(self, *, service: str, handlers: Mapping[str, Handler]) -> None:
        self.service = service
        self.handlers = handlers
        self.topics = routing.kafka_topics_for(handlers)
        self._assigned = False

    def run(self, limits: ConsumeLimits) -> int:
        if not self.topics:
            return 0
        ensure_topics(self.topics)
        consumer = ConfluentConsumer(
            {
                **connection_config(),
                "group.id": routing.consumer_group(self.service),
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
                "session.timeout.ms": int(getattr(settings, "EVENTS_KAFKA_SESSION_TIMEOUT_MS", 6000)),
                "fetch.wait.max.ms": int(getattr(settings, "EVENTS_KAFKA_FETCH_WAIT_MS", 100)),
                "logger": librdkafka_logger,
            }
        )
        consumer.subscribe(self.topics, on_assign=self._on_assign, on_revoke=self._on_revoke)
        logger.info("consuming", extra={"topics": self.topics, "transport": routing.KAFKA})
        try:
            while not limits.done():
                message = consumer.poll(0.1)
                if not self._assigned:
                    limits.active()  # joining the group is not idleness
                if message is None:
                    continue
                if message.error():
                    logger.warning("Kafka consumer error: %s", message.error())
                    continue
                source = f"{message.topic()}[{message.partition()}]@{message.offset()}"
                process_with_retries(message.value(), handlers=self.handlers, source=source)
                consumer.commit(message=message, asynchronous=False)
                limits.count()
        finally:
            consumer.close()
        return limits.processed

    def _on_assign(self, _consumer, partitions) -> None:
        self._assigned = bool(partitions)

    def _on_revoke(self, _consumer, _partitions) -> None:
        self._assigned = False
