"""The backbone over a real RabbitMQ: delivery, broker outage, consumer crash, poison messages."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection

from common.events import publish, routing
from common.events.contracts.orders import OrderExpired
from common.events.inbox.models import DeadLetter, ProcessedEvent
from common.events.outbox.models import OutboxMessage
from common.events.outbox.relay import OutboxRelay
from common.events.transports.rabbitmq import RabbitMqPublisher
from common.settings import uses_postgresql
from tests.events.contracts import NoteRecorded
from tests.events.handlers import (
    ALWAYS_FAILS,
    CRASH_BEFORE_COMMIT,
    CRASH_SWITCH,
    DIE_AFTER_COMMIT,
    HANDLERS,
    KILL_SWITCH,
    product_changed,
)
from tests.events.helpers import consume_until, relay_all, service_queue_depth
from tests.events.models import AppliedNote

pytest_plugins = ["tests.events.fixtures"]
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_rabbitmq")]

COMMON_DIR = Path(__file__).resolve().parents[1]


def _notes(*texts: str, key: str = "note") -> list[OutboxMessage]:
    return [publish(NoteRecorded(text=text, sequence=index), key=key) for index, text in enumerate(texts, start=1)]


def test_an_event_committed_by_orders_is_handled_by_catalog_through_rabbitmq(settings, on_rabbitmq):
    settings.SERVICE_NAME = "orders"
    event = OrderExpired(order_number="CO-1001", lines=[{"sku": "SKU-1", "quantity": 2}], expired_at=datetime.now(UTC))
    row = publish(event, key="CO-1001", correlation_id="corr-42")

    assert relay_all().sent == 1
    catalog_handlers = {"orders.order_expired": product_changed}
    consume_until(
        lambda: AppliedNote.objects.exists(), service="catalog", handlers=catalog_handlers, transport="rabbitmq"
    )

    note = AppliedNote.objects.get()
    assert (note.event_id, note.event_type, note.key, note.correlation_id) == (
        row.event_id,
        "orders.order_expired",
        "CO-1001",
        "corr-42",
    )
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT
    assert service_queue_depth(on_rabbitmq, "catalog") == 0


def test_events_of_one_queue_are_handled_in_commit_order(on_rabbitmq):
    _notes("a", "b", "c", "d", "e")

    relay_all()
    consume_until(
        lambda: AppliedNote.objects.count() == 5, service="commontest", handlers=HANDLERS, transport="rabbitmq"
    )

    assert list(AppliedNote.objects.values_list("text", flat=True)) == ["a", "b", "c", "d", "e"]


def test_with_the_broker_down_rows_stay_pending_and_are_all_delivered_once_it_returns(on_rabbitmq):
    rows = _notes("one", "two", "three")
    down = OutboxRelay(publishers={routing.RABBITMQ: RabbitMqPublisher(url="amqp://guest:guest@127.0.0.1:1/%2F")})

    result = down.relay_pending()
    down.close()

    assert (result.sent, result.failed) == (0, 3)
    pending = OutboxMessage.objects.order_by("id")
    assert [(row.status, row.attempts) for row in pending] == [(OutboxMessage.Status.PENDING, 1)] * 3
    assert all("RabbitMQ unavailable" in row.last_error for row in pending)

    assert relay_all().sent == 3
    # A relay that crashed before recording the confirmation would send them again: replay all.
    OutboxMessage.objects.update(status=OutboxMessage.Status.PENDING)
    assert relay_all().sent == 3
    consume_until(
        lambda: ProcessedEvent.objects.count() == 3 and service_queue_depth(on_rabbitmq, "commontest") == 0,
        service="commontest",
        handlers=HANDLERS,
        transport="rabbitmq",
    )

    assert sorted(AppliedNote.objects.values_list("event_id", flat=True)) == sorted(row.event_id for row in rows)
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 3


def test_a_connection_dropped_while_the_relay_is_idle_is_replaced_before_the_next_batch(on_rabbitmq):
    publisher = RabbitMqPublisher()
    relay = OutboxRelay(publishers={routing.RABBITMQ: publisher})
    try:
        _notes("before")
        assert relay.relay_pending().sent == 1
        publisher._connection._impl._transport._sock.shutdown(socket.SHUT_RDWR)  # the broker link drops
        _notes("during-1", "during-2")

        after_drop = relay.relay_pending()
    finally:
        relay.close()

    assert (after_drop.sent, after_drop.failed) == (2, 0)
    assert list(OutboxMessage.objects.values_list("status", "attempts")) == [("sent", 1)] * 3
    consume_until(
        lambda: AppliedNote.objects.count() == 3, service="commontest", handlers=HANDLERS, transport="rabbitmq"
    )
    assert list(AppliedNote.objects.values_list("text", flat=True)) == ["before", "during-1", "during-2"]


def test_a_poison_message_is_dead_lettered_after_the_delivery_limit_while_the_next_ones_are_handled(on_rabbitmq):
    poison, *_ = _notes(ALWAYS_FAILS, "after-1", "after-2")

    relay_all()
    consume_until(
        lambda: DeadLetter.objects.exists() and AppliedNote.objects.count() == 2,
        service="commontest",
        handlers=HANDLERS,
        transport="rabbitmq",
    )

    assert list(AppliedNote.objects.values_list("text", flat=True)) == ["after-1", "after-2"]
    dead = DeadLetter.objects.get()
    assert (dead.event_id, dead.event_type, dead.source) == (
        poison.event_id,
        "commontest.note_recorded",
        routing.queue_name("commontest"),
    )
    assert dead.attempts == 3  # an unknown error gets EVENTS_DELIVERY_LIMIT (3) tries, counted by the consumer
    assert "PoisonNote: always fails" in dead.error
    assert ProcessedEvent.objects.filter(event_id=poison.event_id).count() == 0
    assert service_queue_depth(on_rabbitmq, "commontest") == 0


def test_a_message_that_breaks_its_contract_is_dead_lettered_at_once(on_rabbitmq):
    row, good = _notes("soon broken", "fine")
    row.envelope = {**row.envelope, "payload": {"text": 12, "sequence": "x"}}
    row.save(update_fields=["envelope"])

    relay_all()
    consume_until(
        lambda: DeadLetter.objects.exists() and AppliedNote.objects.exists(),
        service="commontest",
        handlers=HANDLERS,
        transport="rabbitmq",
    )

    dead = DeadLetter.objects.get()
    assert (dead.event_id, dead.attempts) == (row.event_id, 1)
    assert "breaks its contract" in dead.error
    assert list(AppliedNote.objects.values_list("event_id", flat=True)) == [good.event_id]


@pytest.mark.django_db(transaction=True)
def test_a_consumer_killed_after_its_handler_but_before_the_ack_gets_the_message_again_and_applies_it_once(
    settings, on_rabbitmq
):
    [row] = _notes(DIE_AFTER_COMMIT)
    relay_all()

    _consume_until_killed(settings, on_rabbitmq, switch=KILL_SWITCH)
    assert list(AppliedNote.objects.values_list("event_id", flat=True)) == [row.event_id]
    assert service_queue_depth(on_rabbitmq, "commontest") == 1  # never acked: back in the queue

    consume_until(
        lambda: service_queue_depth(on_rabbitmq, "commontest") == 0,
        service="commontest",
        handlers=HANDLERS,
        transport="rabbitmq",
    )

    assert list(AppliedNote.objects.values_list("event_id", flat=True)) == [row.event_id]
    assert ProcessedEvent.objects.filter(event_id=row.event_id).count() == 1
    assert DeadLetter.objects.count() == 0


def _transactions_of_applied_notes() -> int:
    """How many transactions wrote the applied notes (PostgreSQL's ``xmin``: the writing transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(DISTINCT xmin::text) FROM {AppliedNote._meta.db_table}")
        return cursor.fetchone()[0]


def test_a_backlog_is_applied_in_order_with_one_commit_per_batch_the_broker_hands_over(on_rabbitmq):
    texts = [f"backlog {n}" for n in range(1, 13)]
    rows = _notes(*texts)
    relay_all()  # all twelve wait in the queue before the consumer starts: it is handed them together

    consume_until(
        lambda: AppliedNote.objects.count() == 12, service="commontest", handlers=HANDLERS, transport="rabbitmq"
    )

    assert list(AppliedNote.objects.values_list("text", flat=True)) == texts
    assert ProcessedEvent.objects.filter(event_id__in=[row.event_id for row in rows]).count() == 12
    assert _transactions_of_applied_notes() < 12  # not one commit per event
    assert service_queue_depth(on_rabbitmq, "commontest") == 0


def test_a_failing_message_in_a_batch_is_retried_alone_and_the_others_are_applied_once_in_order(on_rabbitmq):
    first, poison, *rest = _notes("before it", ALWAYS_FAILS, "after 1", "after 2")
    relay_all()

    consume_until(
        lambda: DeadLetter.objects.exists() and AppliedNote.objects.count() == 3,
        service="commontest",
        handlers=HANDLERS,
        transport="rabbitmq",
    )

    assert list(AppliedNote.objects.values_list("text", flat=True)) == ["before it", "after 1", "after 2"]
    assert sorted(ProcessedEvent.objects.values_list("event_id", flat=True)) == sorted(
        row.event_id for row in [first, *rest]
    )
    assert DeadLetter.objects.get().event_id == poison.event_id
    assert service_queue_depth(on_rabbitmq, "commontest") == 0


@pytest.mark.django_db(transaction=True)
def test_a_consumer_killed_in_the_middle_of_a_batch_leaves_none_of_its_messages_half_applied(settings, on_rabbitmq):
    rows = _notes("batch 1", "batch 2", CRASH_BEFORE_COMMIT, "batch 4", "batch 5")
    relay_all()

    _consume_until_killed(settings, on_rabbitmq, switch=CRASH_SWITCH)
    committed = list(AppliedNote.objects.values_list("text", flat=True))
    assert set(committed) <= {"batch 1", "batch 2"}  # only what a batch before the crash committed, and acked
    assert service_queue_depth(on_rabbitmq, "commontest") == 5 - len(committed)

    consume_until(
        lambda: service_queue_depth(on_rabbitmq, "commontest") == 0 and AppliedNote.objects.count() == 5,
        service="commontest",
        handlers=HANDLERS,
        transport="rabbitmq",
    )

    assert list(AppliedNote.objects.values_list("text", flat=True)) == [
        "batch 1", "batch 2", CRASH_BEFORE_COMMIT, "batch 4", "batch 5"
    ]  # fmt: skip
    assert ProcessedEvent.objects.filter(event_id__in=[row.event_id for row in rows]).count() == 5
    assert DeadLetter.objects.count() == 0


def _consume_until_killed(settings, rabbitmq_url: str, *, switch: str) -> None:
    """Run ``consume_events`` in its own process with a handler's kill ``switch`` on; it must die by SIGKILL."""
    consumer = subprocess.run(
        [sys.executable, "-m", "django", "consume_events", "--transport", "rabbitmq", "--timeout", "60"],
        cwd=COMMON_DIR,
        env={**os.environ, **_subprocess_env(settings, rabbitmq_url), switch: "1"},
        capture_output=True,
        timeout=90,
    )
    assert consumer.returncode == -9, consumer.stderr.decode()[-2000:]


def _subprocess_env(settings, rabbitmq_url: str) -> dict[str, str]:
    database = connection.settings_dict
    if uses_postgresql(database):
        url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    else:
        url = f"sqlite:///{database['NAME']}"
    return {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "COMMONTEST_DATABASE_URL": url,
        "EVENTS_NAMESPACE": settings.EVENTS_NAMESPACE,
        "EVENTS_DELIVERY_LIMIT": str(settings.EVENTS_DELIVERY_LIMIT),
        "RABBITMQ_URL": rabbitmq_url,
        "KAFKA_BOOTSTRAP_SERVERS": "",
        "PYTHONPATH": str(COMMON_DIR),
    }
