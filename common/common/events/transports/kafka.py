"""Kafka: the product stream (compacted, keyed by product), shopper activity, optional audit copy.

The relay uses the idempotent producer (``enable.idempotence``, ``acks=all``), key = envelope key so
one aggregate's events keep their order in one partition, and counts a row sent only on its delivery
report. The consumer belongs to the group ``<namespace><service>``, never auto-commits, and commits a
message's offset after the handler committed (or after the message was dead-lettered).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import orjson
from confluent_kafka import Consumer as ConfluentConsumer
from confluent_kafka import KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic
from django.conf import settings

from common.events import routing
from common.events.consumer import Handler
from common.events.outbox.models import OutboxMessage
from common.events.retry import Outage, Permanent, retry_budget
from common.events.transports.base import DEFAULT_PREFETCH, ConsumeLimits, process_batch_with_retries, publish_timeout

logger = logging.getLogger(__name__)
librdkafka_logger = logging.getLogger("librdkafka")  # librdkafka's own log lines, through logging

DEFAULT_PARTITIONS = 3
DEFAULT_REPLICATION = 1
DEFAULT_MIN_INSYNC_REPLICAS = 1
PERMANENT_ERRORS = frozenset(
    {
        KafkaError.MSG_SIZE_TOO_LARGE,
        KafkaError.INVALID_MSG_SIZE,
        KafkaError.RECORD_LIST_TOO_LARGE,
        KafkaError.INVALID_RECORD,
        KafkaError.TOPIC_AUTHORIZATION_FAILED,
        KafkaError._INVALID_ARG,
    }
)
OUTAGE_ERRORS = frozenset(
    {
        KafkaError._MSG_TIMED_OUT,
        KafkaError._TIMED_OUT,
        KafkaError._TRANSPORT,
        KafkaError._ALL_BROKERS_DOWN,
        KafkaError.REQUEST_TIMED_OUT,
        # a topic that does not exist yet is the deployment's problem, not the row's: never park for it
        KafkaError.UNKNOWN_TOPIC_OR_PART,
        KafkaError._UNKNOWN_TOPIC,
    }
)


def connection_config() -> dict[str, str]:
    """Where the brokers are and how to authenticate (SASL_SSL for MSK or Managed Kafka), from settings."""
    return {"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS, **getattr(settings, "KAFKA_SECURITY_CONFIG", {})}


@dataclass(frozen=True)
class TopicSpec:
    """How the backbone wants a topic: from ``EVENTS_KAFKA_PARTITIONS``, ``EVENTS_KAFKA_REPLICATION``
    and ``EVENTS_KAFKA_MIN_INSYNC_REPLICAS`` (the product topic is compacted)."""

    name: str
    partitions: int
    replication: int
    config: dict[str, str]


def topic_spec(topic: str) -> TopicSpec:
    config = {"min.insync.replicas": str(getattr(settings, "EVENTS_KAFKA_MIN_INSYNC_REPLICAS", 1))}
    if topic == routing.products_topic():
        config["cleanup.policy"] = "compact"
    return TopicSpec(
        name=topic,
        partitions=int(getattr(settings, "EVENTS_KAFKA_PARTITIONS", DEFAULT_PARTITIONS)),
        replication=int(getattr(settings, "EVENTS_KAFKA_REPLICATION", DEFAULT_REPLICATION)),
        config=config,
    )


def all_topics() -> list[str]:
    """Every topic the backbone may use with the current settings (what the deploy job creates)."""
    topics = {routing.products_topic(), routing.shopper_activity_topic(), routing.business_events_topic()}
    if getattr(settings, "EVENTS_AUDIT_TOPIC", False):
        topics.add(routing.audit_topic())
    return sorted(topics)


def auto_create_topics() -> bool:
    """Whether the relay and consumers create missing topics themselves (``EVENTS_KAFKA_AUTO_CREATE_TOPICS``).

    On for development and tests; off in production, where ``manage.py kafka_topics`` runs at deploy time.
    """
    return bool(getattr(settings, "EVENTS_KAFKA_AUTO_CREATE_TOPICS", True))


def _admin(timeout: float) -> AdminClient:
    return AdminClient({**connection_config(), "socket.timeout.ms": int(timeout * 1000), "logger": librdkafka_logger})


def ensure_topics(topics: Iterable[str], *, timeout: float = 10.0) -> list[str]:
    """Create the topics that do not exist yet with their :func:`topic_spec`; idempotent. Returns the created."""
    wanted = sorted(set(topics))
    if not wanted:
        return []
    specs = [topic_spec(topic) for topic in wanted]
    new_topics = [
        NewTopic(spec.name, num_partitions=spec.partitions, replication_factor=spec.replication, config=spec.config)
        for spec in specs
    ]
    created = []
    admin = _admin(timeout)  # keep the client alive until every future is resolved
    for topic, future in admin.create_topics(new_topics, request_timeout=timeout).items():
        try:
            future.result(timeout=timeout)
        except KafkaException as error:
            if error.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise
        else:
            created.append(topic)
            logger.info("created Kafka topic", extra={"topic": topic})
    return sorted(created)


def topic_problems(topics: Iterable[str], *, timeout: float = 10.0) -> dict[str, str]:
    """What differs between the existing topics and their :func:`topic_spec` (missing, too few partitions,
    another replication factor or ``min.insync.replicas``), per topic; empty when all is as configured."""
    admin = _admin(timeout)
    metadata = admin.list_topics(timeout=timeout).topics
    problems: dict[str, str] = {}
    present = []
    for topic in sorted(set(topics)):
        spec = topic_spec(topic)
        found = metadata.get(topic)
        if found is None or found.error is not None:
            problems[topic] = "missing"
            continue
        present.append(topic)
        partitions = len(found.partitions)
        replication = min((len(partition.replicas) for partition in found.partitions.values()), default=0)
        if partitions < spec.partitions:
            problems[topic] = f"{partitions} partitions, EVENTS_KAFKA_PARTITIONS wants {spec.partitions}"
        elif replication != spec.replication:
            problems[topic] = f"replication factor {replication}, EVENTS_KAFKA_REPLICATION wants {spec.replication}"
    if present:
        resources = [ConfigResource(ConfigResource.Type.TOPIC, topic) for topic in present]
        for resource, future in admin.describe_configs(resources, request_timeout=timeout).items():
            try:
                entries = future.result(timeout=timeout)
            except KafkaException:
                continue  # a broker that cannot describe configs (some Kafka-protocol servers)
            wanted = topic_spec(resource.name).config["min.insync.replicas"]
            entry = entries.get("min.insync.replicas")
            if entry is not None and entry.value is not None and entry.value != wanted:
                problems.setdefault(
                    resource.name,
                    f"min.insync.replicas {entry.value}, EVENTS_KAFKA_MIN_INSYNC_REPLICAS wants {wanted}",
                )
    return problems


def _delivery_error(error: KafkaError) -> str:
    text = f"Kafka delivery failed: {error}"
    if error.code() in PERMANENT_ERRORS:
        return Permanent(text)
    if error.code() in OUTAGE_ERRORS:
        return Outage(text)
    return text


class KafkaPublisher:
    """Produces outbox rows with the idempotent producer and waits for their delivery reports.

    Every row gets its own outcome: ``produce()`` refusing one row (too large, bad argument) fails that
    row alone, and the rows around it are produced and confirmed in the same batch, never sent twice.
    """

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
            if missing and auto_create_topics():
                ensure_topics(missing, timeout=publish_timeout())
            self._ready_topics |= missing
        except (KafkaException, TimeoutError) as error:
            return {row.pk: Outage(f"Kafka unavailable: {error!r}") for row in rows}
        expected: dict[int, int] = {}
        for row, topics in targets:
            expected[row.pk] = len(topics)
            for topic in topics:
                error = self._produce(topic, row, partial(self._on_delivery, results, expected, row.pk))
                if error is not None:
                    results[row.pk] = error
                    break
        remaining = self._producer.flush(publish_timeout() + 1)
        for row in rows:
            if row.pk not in results:
                results[row.pk] = Outage("no delivery report") if expected[row.pk] else None
        if self._fatal:
            self.close()
        elif remaining or any(isinstance(error, Outage) for error in results.values()):
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
                    # off in production: a missing topic waits for `kafka_topics`, never auto-created with RF 1
                    "allow.auto.create.topics": auto_create_topics(),
                    "linger.ms": 5,
                    "message.timeout.ms": int(publish_timeout() * 1000),
                    "error_cb": self._on_error,
                    "logger": librdkafka_logger,
                }
            )

    def _produce(self, topic: str, row: OutboxMessage, on_delivery) -> str | None:
        """Hand one row to the producer; the error ``produce()`` raised for it, or None."""
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
            except KafkaException as error:
                logger.warning("Kafka refused a row", extra={"row_id": row.pk, "error": str(error)})
                return _delivery_error(error.args[0])
            except (TypeError, ValueError) as error:
                return Permanent(f"Kafka refused the row: {error!r}")
        self._producer.poll(0)
        return None

    @staticmethod
    def _on_delivery(results, expected, row_id, error, _message) -> None:
        if error is not None:
            results[row_id] = _delivery_error(error)
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
        if auto_create_topics():
            ensure_topics(self.topics)
        consumer = ConfluentConsumer(
            {
                **connection_config(),
                "group.id": routing.consumer_group(self.service),
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
                "session.timeout.ms": int(getattr(settings, "EVENTS_KAFKA_SESSION_TIMEOUT_MS", 6000)),
                "fetch.wait.max.ms": int(getattr(settings, "EVENTS_KAFKA_FETCH_WAIT_MS", 100)),
                # a message retried in place for the whole retry budget must not cost the group membership
                "max.poll.interval.ms": int((retry_budget() + 120) * 1000),
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
                fetched = [message, *self._already_fetched(consumer, limits)]
                if not self._apply(consumer, fetched, limits):
                    break  # stopping while a retry waited: those offsets stay, the messages come back
        finally:
            consumer.close()
        return limits.processed

    def _already_fetched(self, consumer, limits: ConsumeLimits) -> list:
        """What librdkafka has already fetched beyond the first message, without waiting: under load a
        backlog drains up to ``EVENTS_PREFETCH`` messages per transaction and per offset commit; when the
        stream is quiet a message is applied as soon as it arrives, alone."""
        room = int(getattr(settings, "EVENTS_PREFETCH", DEFAULT_PREFETCH)) - 1
        if limits.max_messages is not None:
            room = min(room, limits.max_messages - limits.processed - 1)
        return consumer.consume(num_messages=room, timeout=0) if room > 0 else []

    def _apply(self, consumer, fetched: list, limits: ConsumeLimits) -> bool:
        """Apply the fetched messages (``process_batch_with_retries``) and commit, synchronously and once,
        each partition's offset past the last one applied or parked. False when stopped before the end."""
        messages = []
        for message in fetched:
            if message.error():
                logger.warning("Kafka consumer error: %s", message.error())
            else:
                messages.append(message)
        done = process_batch_with_retries(
            [message.value() for message in messages],
            handlers=self.handlers,
            sources=[f"{message.topic()}[{message.partition()}]@{message.offset()}" for message in messages],
            stop=limits.stop,
        )
        applied = messages[: len(done)]
        if applied:
            positions = {(message.topic(), message.partition()): message.offset() + 1 for message in applied}
            consumer.commit(
                offsets=[TopicPartition(topic, partition, offset) for (topic, partition), offset in positions.items()],
                asynchronous=False,
            )
            for _ in applied:
                limits.count()
        return len(done) == len(messages)

    def _on_assign(self, _consumer, partitions) -> None:
        self._assigned = bool(partitions)

    def _on_revoke(self, _consumer, _partitions) -> None:
        self._assigned = False
