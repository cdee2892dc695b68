"""The faults production has, each broken on purpose against the real brokers (issue 15, faults 1-9).

RabbitMQ 3.x and the Kafka-protocol broker are the real ones; outages are made with a TCP proxy the
test owns (``common.testing.proxy``) and with SIGKILLed consumer processes.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import pika
import pytest
from confluent_kafka import Consumer as KafkaClient
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from pika.exceptions import ChannelClosedByBroker

from common.events import publish, routing
from common.events.contracts.orders import OrderExpired
from common.events.inbox.models import DeadLetter, ProcessedEvent
from common.events.outbox.models import OutboxMessage
from common.events.outbox.relay import OutboxRelay, outbox_refresh_metrics
from common.events.outbox.wakeup import PollingWaiter
from common.events.retention import events_prune
from common.events.testing import InMemoryTransport
from common.events.transports.embedded import bus_connect
from common.events.transports.rabbitmq import (
    RabbitMqPublisher,
    declare_exchanges,
    declare_service_queue,
    queue_arguments,
)
from common.observability.metrics import OUTBOX_FAILED, QUEUE_ARGUMENTS_MISMATCH
from common.testing.proxy import TcpProxy
from tests.events.contracts import NoteOrphaned, NoteRecorded
from tests.events.handlers import (
    CRASH_BEFORE_COMMIT,
    CRASH_SWITCH,
    DEPENDENCY_URL,
    HANDLERS,
    NEEDS_DEPENDENCY,
    NEVER_VALID,
    product_changed,
)
from tests.events.helpers import consume_until, relay_all, service_queue_depth
from tests.events.models import AppliedNote

pytest_plugins = ["tests.events.fixtures"]
pytestmark = pytest.mark.django_db

COMMON_DIR = Path(__file__).resolve().parents[1]


def _notes(*texts: str, key: str = "note") -> list[OutboxMessage]:
    return [publish(NoteRecorded(text=text, sequence=index), key=key) for index, text in enumerate(texts, start=1)]


def _statuses() -> list[tuple[str, str, int]]:
    return list(OutboxMessage.objects.order_by("id").values_list("event_type", "status", "attempts"))


# --- 1. one unsendable row must not throttle its transport ------------------------------------------


def test_an_unroutable_row_is_parked_with_its_error_and_the_rows_around_it_are_sent(on_rabbitmq):
    before = _notes("before")
    orphan = publish(NoteOrphaned(text="nobody consumes me"), key="o")
    after = _notes("after")

    first = relay_all()
    second = relay_all()

    orphan.refresh_from_db()
    assert (orphan.status, orphan.attempts) == (OutboxMessage.Status.FAILED, 1)
    assert "unroutable" in orphan.last_error and orphan.failed_at is not None
    assert (first.sent, first.parked, first.outage) == (2, 1, False)
    assert (second.sent, second.failed) == (0, 0)  # a parked row is never retried automatically
    assert OutboxMessage.objects.filter(pk__in=[before[0].pk, after[0].pk], status="sent").count() == 2
    outbox_refresh_metrics()
    assert OUTBOX_FAILED._value.get() == 1


def test_a_queue_deleted_while_the_relay_is_connected_is_declared_again_and_nothing_is_parked(on_rabbitmq):
    publisher = RabbitMqPublisher()
    relay = OutboxRelay(publishers={routing.RABBITMQ: publisher})
    try:
        _notes("first")
        assert relay.relay_pending().sent == 1
        admin = pika.BlockingConnection(pika.URLParameters(on_rabbitmq))
        admin.channel().queue_delete(routing.queue_name("commontest"))  # an operator deletes the queue
        admin.close()
        _notes("second")

        result = relay.relay_pending()
    finally:
        relay.close()

    assert (result.sent, result.failed) == (1, 0)
    assert service_queue_depth(on_rabbitmq, "commontest") == 1
    assert [status for _type, status, _attempts in _statuses()] == ["sent", "sent"]


class TrafficDuringWaits(threading.Event):
    """The relay loop's stop event: records each wait, commits one healthy event per wait (the healthy
    traffic), and stops the loop after ``limit`` waits."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit, self.waits = limit, []

    def wait(self, timeout=None) -> bool:
        self.waits.append(timeout)
        publish(NoteRecorded(text=f"healthy {len(self.waits)}"), key="k")
        if len(self.waits) >= self.limit:
            self.set()
        return self.is_set()


def test_a_row_failing_on_its_own_backs_off_alone_and_is_parked_after_its_budget(settings, on_embedded_bus):
    settings.EVENTS_OUTBOX_MAX_FAILURES = 3
    broker = InMemoryTransport()
    bad = publish(NoteRecorded(text="bad"), key="k")
    broker.row_errors[bad.event_id] = "nacked by the broker"
    stop = TrafficDuringWaits(limit=4)
    relay = OutboxRelay(publishers={routing.EMBEDDED: broker})

    relay.run(stop=stop, poll_interval=0.2, waiter=PollingWaiter(stop))

    assert stop.waits == [0.2] * 4  # never the transport's backoff (0.5 s, 1 s, ...): the poll interval
    assert [envelope.payload["text"] for envelope in broker.sent] == ["healthy 1", "healthy 2", "healthy 3"]
    bad.refresh_from_db()
    assert (bad.status, bad.failures) == (OutboxMessage.Status.PENDING, 1)
    assert bad.next_attempt_at > timezone.now()  # its own backoff
    for _try in range(2):
        OutboxMessage.objects.filter(pk=bad.pk).update(next_attempt_at=None)  # its backoff is over
        relay.relay_pending()
    bad.refresh_from_db()
    assert (bad.status, bad.failures, bad.last_error) == (OutboxMessage.Status.FAILED, 3, "nacked by the broker")


# --- 2. Kafka: one row produce() rejects must not poison its batch ------------------------------------


def _topic_event_ids(servers: str, topic: str) -> list[str]:
    """Every message on ``topic`` (read with a fresh group from the start), as event ids."""
    client = KafkaClient(
        {
            "bootstrap.servers": servers,
            "group.id": f"probe-{uuid.uuid4().hex[:8]}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            "session.timeout.ms": 6000,
        }
    )
    event_ids: list[str] = []
    try:
        client.subscribe([topic])
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < 4.0:
            message = client.poll(0.2)
            if message is None or message.error():
                continue
            event_ids.append(dict(message.headers())["event_id"].decode())
            quiet_since = time.monotonic()
    finally:
        client.close()
    return event_ids


def test_on_kafka_a_row_too_large_is_parked_and_the_rows_around_it_are_sent_exactly_once(on_kafka):
    before = _notes("b1", "b2", "b3")
    too_large = publish(NoteRecorded(text="x" * 1_100_000), key="note")
    after = _notes("a1", "a2", "a3")

    relay_all()
    relay_all()

    too_large.refresh_from_db()
    assert too_large.status == OutboxMessage.Status.FAILED
    assert too_large.attempts == 1 and "MSG_SIZE_TOO_LARGE" in too_large.last_error
    assert OutboxMessage.objects.filter(pk__in=[row.pk for row in before + after], status="sent").count() == 6
    sent_once = sorted(str(row.event_id) for row in before + after)
    assert sorted(_topic_event_ids(on_kafka, routing.business_events_topic())) == sent_once  # none twice


# --- 3. a short outage of a handler's dependency is retried, not dead-lettered ------------------------


@pytest.fixture
def dependency_proxy(redis_url, monkeypatch, settings):
    """The handlers' dependency (Redis) behind a proxy; retries short enough for a 3 s outage."""
    parsed = urlparse(redis_url)
    settings.EVENTS_RETRY_BACKOFF = 0.2
    settings.EVENTS_RETRY_MAX_DELAY = 1.0
    settings.EVENTS_RETRY_BUDGET = 60.0
    with TcpProxy(parsed.port, upstream_host=parsed.hostname) as proxy:
        monkeypatch.setenv(DEPENDENCY_URL, proxy.url_for(redis_url))
        yield proxy


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("transport", ["rabbitmq", "kafka"])
def test_a_three_second_outage_of_a_handlers_dependency_is_retried_through_not_dead_lettered(
    request, transport, dependency_proxy, caplog
):
    request.getfixturevalue(f"on_{transport}")
    [warmup] = _notes("warm-up")
    relay_all()
    stop = threading.Event()
    consumer = threading.Thread(target=_consume_in_thread, args=(stop, transport))
    with caplog.at_level(logging.WARNING):
        consumer.start()
        try:
            _wait_for(lambda: AppliedNote.objects.filter(event_id=warmup.event_id).exists())  # consuming now
            dependency_proxy.cut()
            [row] = _notes(NEEDS_DEPENDENCY)
            relay_all()
            time.sleep(3.0)  # the dependency is down for 3 s while the consumer tries the message
            dependency_proxy.restore()
            _wait_for(lambda: AppliedNote.objects.filter(event_id=row.event_id).exists() or DeadLetter.objects.exists())
        finally:
            stop.set()
            consumer.join(timeout=30)

    assert DeadLetter.objects.count() == 0
    assert AppliedNote.objects.filter(event_id=row.event_id).count() == 1
    retries = [record for record in caplog.records if record.getMessage().startswith("handler failed, retrying")]
    assert len(retries) >= 3 and {record.failure for record in retries} == {"transient"}


def _consume_in_thread(stop: threading.Event, transport: str) -> None:
    try:
        consume_until(stop.is_set, service="commontest", handlers=HANDLERS, transport=transport, timeout=90)
    finally:
        connection.close()  # the thread's own database connection


def _wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.mark.parametrize("transport", ["rabbitmq", "kafka"])
def test_a_permanent_error_is_dead_lettered_at_once(request, transport, settings):
    request.getfixturevalue(f"on_{transport}")
    settings.EVENTS_DELIVERY_LIMIT = 5
    poison, good = _notes(NEVER_VALID, "fine")
    relay_all()

    consume_until(
        lambda: DeadLetter.objects.exists() and AppliedNote.objects.exists(),
        service="commontest",
        handlers=HANDLERS,
        transport=transport,
    )

    dead = DeadLetter.objects.get()
    assert (dead.event_id, dead.attempts) == (poison.event_id, 1)
    assert "PermanentError" in dead.error
    assert list(AppliedNote.objects.values_list("event_id", flat=True)) == [good.event_id]


# --- 4. consumer crashes must not spend a message's failure budget (RabbitMQ 3.x counts them) ---------


def _subprocess_env(settings, **extra: str) -> dict[str, str]:
    database = connection.settings_dict
    if connection.vendor == "postgresql":
        url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    else:
        url = f"sqlite:///{database['NAME']}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "COMMONTEST_DATABASE_URL": url,
        "EVENTS_NAMESPACE": settings.EVENTS_NAMESPACE,
        "EVENTS_DELIVERY_LIMIT": str(settings.EVENTS_DELIVERY_LIMIT),
        "EVENTS_RETRY_BACKOFF": str(settings.EVENTS_RETRY_BACKOFF),
        "RABBITMQ_URL": settings.RABBITMQ_URL,
        "KAFKA_BOOTSTRAP_SERVERS": settings.KAFKA_BOOTSTRAP_SERVERS,
        "PYTHONPATH": str(COMMON_DIR),
        **extra,
    }


@pytest.mark.django_db(transaction=True)
def test_consumers_killed_again_and_again_do_not_dead_letter_the_messages_they_held(settings, on_rabbitmq):
    crash, *healthy = _notes(CRASH_BEFORE_COMMIT, "held 1", "held 2", "held 3")
    relay_all()

    crashes = settings.EVENTS_DELIVERY_LIMIT + 2  # more crashes than the failure budget has tries
    for _run in range(crashes):
        consumer = subprocess.run(
            [sys.executable, "-m", "django", "consume_events", "--transport", "rabbitmq", "--timeout", "60"],
            cwd=COMMON_DIR,
            env=_subprocess_env(settings, **{CRASH_SWITCH: "1"}),
            capture_output=True,
            timeout=90,
        )
        assert consumer.returncode == -9, consumer.stderr.decode()[-2000:]

    consume_until(
        lambda: AppliedNote.objects.count() == 4 or DeadLetter.objects.exists(),
        service="commontest",
        handlers=HANDLERS,
        transport="rabbitmq",
    )

    assert DeadLetter.objects.count() == 0
    assert sorted(AppliedNote.objects.values_list("event_id", flat=True)) == sorted(
        row.event_id for row in [crash, *healthy]
    )


# --- 5. readiness: only the database makes a service unready ------------------------------------------


@pytest.mark.urls("tests.urls")
def test_readyz_stays_ready_but_degraded_while_a_broker_and_the_cache_are_unreachable(
    client, settings, rabbitmq_url, redis_url
):
    rabbit, redis_ = urlparse(rabbitmq_url), urlparse(redis_url)
    with TcpProxy(rabbit.port) as rabbit_proxy, TcpProxy(redis_.port, upstream_host=redis_.hostname) as redis_proxy:
        settings.RABBITMQ_URL = rabbit_proxy.url_for(rabbitmq_url)
        settings.REDIS_URL = redis_proxy.url_for(redis_url)
        settings.KAFKA_BOOTSTRAP_SERVERS = ""
        healthy = client.get("/readyz")
        rabbit_proxy.cut()
        redis_proxy.cut()
        degraded = client.get("/readyz")
        rabbit_proxy.stall()  # a hung broker: the check must give up before the probe's 3 s timeout
        redis_proxy.restore()
        started = time.monotonic()
        hung = client.get("/readyz")
        hung_seconds = time.monotonic() - started

    assert (healthy.status_code, healthy.json()["status"]) == (200, "ok")
    assert degraded.status_code == 200
    body = degraded.json()
    assert (body["status"], body["degraded"], body["checks"]["database"]) == ("degraded", ["redis", "rabbitmq"], "ok")
    assert "rabbitmq" in body["detail"]
    from common.observability.metrics import DEPENDENCY_UP

    assert DEPENDENCY_UP.labels(dependency="rabbitmq")._value.get() == 0
    assert (hung.status_code, hung.json()["degraded"], hung.json()["checks"]["redis"]) == (200, ["rabbitmq"], "ok")
    assert hung_seconds < 3.0


# --- 6. Kafka topics created at deploy time with the configured replication ---------------------------


def test_kafka_topics_creates_the_topics_with_the_configured_partitions_and_min_insync_replicas(settings, on_kafka):
    from io import StringIO

    from common.events.transports.kafka import topic_problems

    settings.EVENTS_KAFKA_PARTITIONS, settings.EVENTS_KAFKA_REPLICATION = 2, 1
    settings.EVENTS_KAFKA_MIN_INSYNC_REPLICAS = 1
    output = StringIO()

    call_command("kafka_topics", stdout=output)

    topics = [routing.business_events_topic(), routing.products_topic(), routing.shopper_activity_topic()]
    assert topic_problems(topics) == {}
    assert f"created {routing.products_topic()}: 2 partitions, replication 1" in output.getvalue()
    settings.EVENTS_KAFKA_PARTITIONS = 4
    with pytest.raises(Exception, match="not as configured"):
        call_command("kafka_topics", "--check", stdout=StringIO())


def test_with_auto_create_off_rows_wait_for_their_topic_and_are_never_parked(settings, on_kafka):
    settings.EVENTS_KAFKA_AUTO_CREATE_TOPICS = False
    settings.EVENTS_PUBLISH_TIMEOUT = 2
    [row] = _notes("waits for its topic")

    waiting = relay_all()
    row.refresh_from_db()
    assert (waiting.outage, row.status, row.failures) == (True, OutboxMessage.Status.PENDING, 0)

    call_command("kafka_topics", stdout=open(os.devnull, "w"))  # noqa: SIM115 (the deploy-time job)
    assert relay_all().sent == 1


def test_the_kafka_topic_settings_are_read_from_the_environment(monkeypatch, tmp_path):
    from common.settings import build_settings

    monkeypatch.setenv("EVENTS_KAFKA_REPLICATION", "3")
    monkeypatch.setenv("EVENTS_KAFKA_MIN_INSYNC_REPLICAS", "2")
    monkeypatch.setenv("EVENTS_KAFKA_PARTITIONS", "6")
    monkeypatch.setenv("EVENTS_KAFKA_AUTO_CREATE_TOPICS", "false")

    built = build_settings(service="commontest", base_dir=tmp_path, port=8099, apps=[])

    assert (
        built["EVENTS_KAFKA_REPLICATION"],
        built["EVENTS_KAFKA_MIN_INSYNC_REPLICAS"],
        built["EVENTS_KAFKA_PARTITIONS"],
        built["EVENTS_KAFKA_AUTO_CREATE_TOPICS"],
    ) == (3, 2, 6, False)


# --- 7. a queue declared with other arguments stops nothing -------------------------------------------


def test_a_queue_declared_with_other_arguments_is_reported_by_setting_and_publishing_goes_on(
    settings, on_rabbitmq, caplog
):
    legacy = pika.BlockingConnection(pika.URLParameters(on_rabbitmq))
    legacy.channel().queue_declare(  # as a process with another EVENTS_BROKER_DELIVERY_LIMIT declared it
        routing.queue_name("commontest"),
        durable=True,
        arguments={**queue_arguments("commontest"), "x-delivery-limit": 5},
    )
    legacy.close()
    settings.SERVICE_NAME = "orders"
    expired = OrderExpired(order_number="CO-7", lines=[{"sku": "S", "quantity": 1}], expired_at=timezone.now())
    publish(expired, key="CO-7")
    settings.SERVICE_NAME = "commontest"
    _notes("to the mismatched queue")

    with caplog.at_level(logging.ERROR):
        result = relay_all()

    assert (result.sent, result.failed) == (2, 0)
    assert service_queue_depth(on_rabbitmq, "catalog") == 1
    assert service_queue_depth(on_rabbitmq, "commontest") == 1
    [problem] = [r.getMessage() for r in caplog.records if "exists with other arguments" in r.getMessage()]
    assert "x-delivery-limit" in problem and "EVENTS_BROKER_DELIVERY_LIMIT" in problem
    assert "RabbitMQ unavailable" not in problem
    assert QUEUE_ARGUMENTS_MISMATCH.labels(queue=routing.queue_name("commontest"))._value.get() == 1
    consume_until(lambda: AppliedNote.objects.exists(), service="commontest", handlers=HANDLERS, transport="rabbitmq")
    assert AppliedNote.objects.count() == 1  # and its consumer still consumes it


def test_processes_with_different_delivery_limits_declare_the_same_queue(settings, on_rabbitmq):
    connection_ = pika.BlockingConnection(pika.URLParameters(on_rabbitmq))
    try:
        declare_exchanges(connection_.channel())
        settings.EVENTS_DELIVERY_LIMIT = 3
        first = declare_service_queue(connection_, "commontest", ["commontest.note_recorded"])
        settings.EVENTS_DELIVERY_LIMIT = 7
        second = declare_service_queue(connection_, "commontest", ["commontest.note_recorded"])
    finally:
        connection_.close()

    assert (first, second) == ([], [])


# --- 8. dead-lettering is at least once ----------------------------------------------------------------


def test_the_service_queue_dead_letters_at_least_once(on_rabbitmq):
    _notes("declare the queue")
    relay_all()
    connection_ = pika.BlockingConnection(pika.URLParameters(on_rabbitmq))
    try:
        queue = routing.queue_name("commontest")
        arguments = queue_arguments("commontest")
        connection_.channel().queue_declare(queue, durable=True, arguments=arguments)  # the same: accepted
        at_most_once = {key: value for key, value in arguments.items() if key != "x-dead-letter-strategy"}
        with pytest.raises(ChannelClosedByBroker) as refused:
            connection_.channel().queue_declare(queue, durable=True, arguments=at_most_once)
    finally:
        connection_.close()

    assert arguments["x-dead-letter-strategy"] == "at-least-once"
    assert arguments["x-overflow"] == "reject-publish"  # at-least-once needs it, else RabbitMQ falls back
    assert refused.value.reply_code == 406 and "x-dead-letter-strategy" in refused.value.reply_text


# --- 9. the events tables are pruned ------------------------------------------------------------------


def test_events_prune_deletes_only_what_outlived_its_retention(settings, on_embedded_bus):
    settings.EVENTS_OUTBOX_RETENTION_DAYS, settings.EVENTS_INBOX_RETENTION_DAYS = 7, 30
    settings.EVENTS_DEAD_LETTER_RETENTION_DAYS, settings.EVENTS_BUS_RETENTION_DAYS = 30, 7
    now = timezone.now()
    old_sent, new_sent, old_pending, old_failed = _notes("old sent", "new sent", "old pending", "old failed")
    OutboxMessage.objects.filter(pk=old_sent.pk).update(status="sent", sent_at=now - timedelta(days=8))
    OutboxMessage.objects.filter(pk=new_sent.pk).update(status="sent", sent_at=now - timedelta(days=6))
    OutboxMessage.objects.filter(pk=old_failed.pk).update(status="failed", failed_at=now - timedelta(days=90))
    old_inbox = ProcessedEvent.objects.create(event_id=old_sent.event_id, event_type="t")
    ProcessedEvent.objects.filter(pk=old_inbox.pk).update(processed_at=now - timedelta(days=31))
    ProcessedEvent.objects.create(event_id=new_sent.event_id, event_type="t")
    resolved = DeadLetter.objects.create(source="q", body="{}", replayed_at=now - timedelta(days=31))
    unresolved = DeadLetter.objects.create(source="q", body="{}")
    DeadLetter.objects.filter(pk=unresolved.pk).update(created_at=now - timedelta(days=365))
    bus = bus_connect()
    bus.executemany(
        "INSERT INTO bus_messages (namespace, event_type, event_key, body, appended_at) VALUES ('', 't', 'k', '{}', ?)",
        [(time.time() - 8 * 86400,), (time.time(),)],
    )

    pruned = events_prune()

    assert pruned == {"outbox": 1, "inbox": 1, "dead_letters": 1, "bus": 1}
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {new_sent.pk, old_pending.pk, old_failed.pk}
    assert list(ProcessedEvent.objects.values_list("event_id", flat=True)) == [new_sent.event_id]
    assert list(DeadLetter.objects.values_list("pk", flat=True)) == [unresolved.pk]
    assert not DeadLetter.objects.filter(pk=resolved.pk).exists()
    assert bus.execute("SELECT count(*) FROM bus_messages").fetchone() == (1,)
    bus.close()


def test_the_catalog_consumer_of_an_orders_event_is_unaffected_by_a_parked_row(settings, on_rabbitmq):
    """A parked row of one type and healthy rows of another, consumed by another service."""
    publish(NoteOrphaned(text="parked"), key="o")
    settings.SERVICE_NAME = "orders"
    expired = OrderExpired(order_number="CO-9", lines=[{"sku": "S", "quantity": 1}], expired_at=timezone.now())
    publish(expired, key="CO-9")

    relay_all()
    consume_until(
        lambda: AppliedNote.objects.exists(),
        service="catalog",
        handlers={"orders.order_expired": product_changed},
        transport="rabbitmq",
    )

    assert list(AppliedNote.objects.values_list("key", flat=True)) == ["CO-9"]
    assert sorted(status for _type, status, _attempts in _statuses()) == ["failed", "sent"]
