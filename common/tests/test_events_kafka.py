"""The backbone over a real Kafka-protocol broker (Tansu): delivery, per-key order, outage, poison."""

from __future__ import annotations

import logging
import threading

import pytest

from common.events import publish, routing
from common.events.contracts.catalog import ProductUpdated
from common.events.inbox.models import DeadLetter, ProcessedEvent
from common.events.inbox.runner import consume
from common.events.outbox.models import OutboxMessage
from common.events.outbox.relay import OutboxRelay
from common.events.transports import ConsumeLimits
from common.events.transports.kafka import KafkaPublisher
from tests.events.contracts import NoteRecorded
from tests.events.handlers import ALWAYS_FAILS, HANDLERS, product_changed
from tests.events.helpers import consume_until, relay_all
from tests.events.models import AppliedNote

pytest_plugins = ["tests.events.fixtures"]
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_kafka")]


def _product(product_id: int, name: str) -> ProductUpdated:
    return ProductUpdated(
        product_id=product_id,
        slug=f"product-{product_id}",
        name=name,
        brand="Cosméticos-co",
        published=True,
        variants=[{"sku": f"SKU-{product_id}", "name": "50 ml", "price": "19.90"}],
    )


def test_a_product_change_committed_by_catalog_is_handled_by_orders_through_kafka(settings):
    settings.SERVICE_NAME = "catalog"
    row = publish(_product(7, "Sérum"), key="7", correlation_id="corr-k")

    assert relay_all().sent == 1
    consume_until(
        lambda: AppliedNote.objects.exists(),
        service="orders",
        handlers={"catalog.product_updated": product_changed},
        transport="kafka",
    )

    note = AppliedNote.objects.get()
    assert (note.event_id, note.event_type, note.key, note.text, note.correlation_id) == (
        row.event_id,
        "catalog.product_updated",
        "7",
        "product-7",
        "corr-k",
    )
    assert routing.kafka_topic_for("catalog.product_updated") == f"{settings.EVENTS_NAMESPACE}catalog.products"


def test_events_with_the_same_key_arrive_in_order():
    keys = ["alpha", "beta", "gamma", "delta"]
    for sequence in range(1, 11):
        for key in keys:
            publish(NoteRecorded(text=key, sequence=sequence), key=key)

    assert relay_all(batch_size=7).sent == 40
    consume_until(lambda: AppliedNote.objects.count() == 40, service="commontest", handlers=HANDLERS, transport="kafka")

    for key in keys:
        assert list(AppliedNote.objects.filter(key=key).values_list("sequence", flat=True)) == list(range(1, 11))


def test_with_kafka_down_rows_stay_pending_and_are_delivered_once_when_it_returns(settings, on_kafka):
    rows = [publish(NoteRecorded(text=f"n{index}", sequence=index), key="k") for index in range(3)]
    settings.KAFKA_BOOTSTRAP_SERVERS = "127.0.0.1:1"
    settings.EVENTS_PUBLISH_TIMEOUT = 1
    down = OutboxRelay(publishers={routing.KAFKA: KafkaPublisher()})

    result = down.relay_pending()

    assert (result.sent, result.failed) == (0, 3)
    assert list(OutboxMessage.objects.values_list("status", "attempts")) == [("pending", 1)] * 3
    assert all(row.last_error.startswith("Kafka unavailable") for row in OutboxMessage.objects.all())

    settings.KAFKA_BOOTSTRAP_SERVERS = on_kafka
    settings.EVENTS_PUBLISH_TIMEOUT = 5
    assert relay_all().sent == 3
    OutboxMessage.objects.update(status=OutboxMessage.Status.PENDING)  # sent twice, as after a relay crash
    assert relay_all().sent == 3
    limits = ConsumeLimits(max_messages=6, timeout=30)  # the three events, then their three duplicates
    consume(service="commontest", handlers=HANDLERS, limits=limits, transports=["kafka"])

    assert limits.processed == 6
    assert ProcessedEvent.objects.count() == 3
    assert sorted(AppliedNote.objects.values_list("event_id", flat=True)) == sorted(row.event_id for row in rows)


def test_a_poison_message_is_dead_lettered_after_the_delivery_limit_without_blocking_its_partition():
    poison = publish(NoteRecorded(text=ALWAYS_FAILS, sequence=1), key="same")
    publish(NoteRecorded(text="behind", sequence=2), key="same")

    relay_all()
    consume_until(lambda: AppliedNote.objects.exists(), service="commontest", handlers=HANDLERS, transport="kafka")

    assert list(AppliedNote.objects.values_list("text", flat=True)) == ["behind"]
    dead = DeadLetter.objects.get()
    assert (dead.event_id, dead.attempts) == (poison.event_id, 3)
    assert dead.source.startswith(f"{routing.business_events_topic()}[")
    assert "PoisonNote: always fails" in dead.error


def _notes_on_one_key(*texts: str) -> list[OutboxMessage]:
    rows = [publish(NoteRecorded(text=text, sequence=index), key="one-key") for index, text in enumerate(texts, 1)]
    assert relay_all().sent == len(rows)
    return rows


def test_a_backlog_is_applied_in_batches_and_its_offsets_committed(caplog):
    rows = _notes_on_one_key(*[f"n{index}" for index in range(30)])
    with caplog.at_level("INFO", logger="common.events.consumer"):
        consume_until(
            lambda: AppliedNote.objects.count() == 30, service="commontest", handlers=HANDLERS, transport="kafka"
        )

    batches = [record.batch for record in caplog.records if record.getMessage() == "event handled"]
    assert len(batches) == 30 and max(batches) > 1  # several events per transaction
    assert list(AppliedNote.objects.values_list("event_id", flat=True)) == [row.event_id for row in rows]  # in order
    again = ConsumeLimits(idle_timeout=2.0, timeout=30)  # the group's offsets are past all of them
    assert consume(service="commontest", handlers=HANDLERS, limits=again, transports=["kafka"]) == {"kafka": 0}


def test_a_message_failing_inside_a_batch_is_retried_alone_and_the_rest_applied_once_in_order(caplog):
    _notes_on_one_key("first", "second", ALWAYS_FAILS, "third", "fourth")
    with caplog.at_level("WARNING"):
        consume_until(
            lambda: DeadLetter.objects.exists() and AppliedNote.objects.count() == 4,
            service="commontest",
            handlers=HANDLERS,
            transport="kafka",
        )

    assert any(record.getMessage().startswith("a batch of messages failed") for record in caplog.records)
    assert list(AppliedNote.objects.values_list("text", flat=True)) == ["first", "second", "third", "fourth"]
    assert DeadLetter.objects.get().attempts == 3  # retried in place to the delivery limit, then parked
    assert ProcessedEvent.objects.count() == 4


class _StopOnRetry(logging.Handler):
    """Sets ``stop`` when the consumer logs its second retry of a message (it is waiting to retry it)."""

    def __init__(self, stop: threading.Event) -> None:
        super().__init__()
        self.stop, self.retries = stop, 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "handler failed, retrying":
            self.retries += 1
            if self.retries == 2:
                self.stop.set()


def test_stopped_while_a_message_of_a_batch_waits_to_retry_it_and_those_after_it_come_back(settings):
    settings.EVENTS_DELIVERY_LIMIT = 1_000  # it would retry for a long time
    settings.EVENTS_RETRY_BACKOFF = 0.05
    settings.EVENTS_RETRY_MAX_DELAY = 0.05
    _notes_on_one_key("first", "second", ALWAYS_FAILS, "third", "fourth")
    limits = ConsumeLimits(timeout=30)
    retry_logger = logging.getLogger("common.events.transports.base")
    stop_on_retry = _StopOnRetry(limits.stop)
    retry_logger.addHandler(stop_on_retry)
    try:
        consume(service="commontest", handlers=HANDLERS, limits=limits, transports=["kafka"])
    finally:
        retry_logger.removeHandler(stop_on_retry)

    assert stop_on_retry.retries == 2
    assert list(AppliedNote.objects.values_list("text", flat=True)) == ["first", "second"]
    assert limits.processed == 2 and not DeadLetter.objects.exists()

    settings.EVENTS_DELIVERY_LIMIT = 3
    again = ConsumeLimits(idle_timeout=2.0, timeout=30)
    consume(service="commontest", handlers=HANDLERS, limits=again, transports=["kafka"])
    assert again.processed == 3  # the failing one and the two behind it; the first two were committed
    assert list(AppliedNote.objects.values_list("text", flat=True)) == ["first", "second", "third", "fourth"]
    assert DeadLetter.objects.count() == 1
