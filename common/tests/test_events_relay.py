"""The relay on a fake broker: order, confirmation, failures kept pending, backoff and metrics."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from common.events import publish, routing
from common.events.outbox import relay as relay_module
from common.events.outbox.models import OutboxMessage
from common.events.outbox.relay import OutboxRelay, _Backoff, outbox_refresh_metrics
from common.events.outbox.wakeup import PollingWaiter
from common.events.testing import InMemoryTransport
from common.observability.metrics import OUTBOX_OLDEST_PENDING_AGE, OUTBOX_PENDING, OUTBOX_PUBLISHED
from tests.events.contracts import NoteRecorded

pytest_plugins = ["tests.events.fixtures"]
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_embedded_bus")]


@pytest.fixture
def broker() -> InMemoryTransport:
    return InMemoryTransport()


def _relay(broker: InMemoryTransport, batch_size: int = 500) -> OutboxRelay:
    return OutboxRelay(batch_size=batch_size, publishers={routing.EMBEDDED: broker})


def _notes(count: int) -> list[OutboxMessage]:
    return [publish(NoteRecorded(text=f"n{index}", sequence=index), key=f"k{index % 2}") for index in range(count)]


def test_the_relay_sends_pending_rows_in_id_order_in_batches_and_marks_them_sent(broker):
    rows = _notes(5)

    result = _relay(broker, batch_size=2).relay_pending()

    assert (result.sent, result.failed) == (5, 0)
    assert [envelope.event_id for envelope in broker.sent] == [row.event_id for row in rows]
    assert list(OutboxMessage.objects.values_list("status", "attempts", "last_error")) == [("sent", 1, "")] * 5
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0


def test_rows_the_broker_did_not_confirm_stay_pending_with_the_error(broker):
    _notes(2)
    broker.down = True

    result = _relay(broker).relay_pending()

    assert (result.sent, result.failed) == (0, 2)
    assert (
        list(OutboxMessage.objects.values_list("status", "attempts", "last_error"))
        == [("pending", 1, "in-memory broker is down")] * 2
    )
    assert broker.sent == []

    broker.down = False
    assert _relay(broker).relay_pending().sent == 2
    assert list(OutboxMessage.objects.values_list("status", "attempts", "last_error")) == [("sent", 2, "")] * 2


def test_sent_rows_are_not_sent_again(broker):
    _notes(2)
    relay = _relay(broker)
    relay.relay_pending()

    assert relay.relay_pending().sent == 0
    assert len(broker.sent) == 2


class RecordingStop(threading.Event):
    """A stop event that records each wait and stops the loop after ``limit`` waits."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.waits: list[float] = []

    def wait(self, timeout=None) -> bool:
        self.waits.append(timeout)
        if len(self.waits) >= self.limit:
            self.set()
        return self.is_set()


def test_the_backoff_doubles_from_half_a_second_up_to_thirty_and_resets_after_a_success():
    backoff = _Backoff()
    seconds = []
    for _attempt in range(8):
        backoff.fail()
        seconds.append(backoff.seconds)
    backoff.reset()

    assert seconds == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert (backoff.seconds, backoff.due()) == (0.0, True)


class StoppedClock:
    """The relay's clock held still, so a wait reads the backoff itself and not what the machine's
    speed left of it (the first loop's housekeeping once took 0.15 s of a 0.5 s backoff on CI)."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def stopped_clock(monkeypatch) -> StoppedClock:
    clock = StoppedClock()
    monkeypatch.setattr(relay_module, "time", clock)
    return clock


def test_while_the_broker_is_down_the_relay_waits_for_its_backoff_instead_of_retrying(broker, stopped_clock):
    _notes(1)
    broker.down = True
    stop = RecordingStop(limit=3)

    _relay(broker).run(stop=stop, poll_interval=0.2, waiter=PollingWaiter(stop))

    assert stop.waits == [0.5, 0.5, 0.5]  # the clock stood still: the retry is never due, never tried
    assert OutboxMessage.objects.get().attempts == 1

    broker.down = False
    stop = RecordingStop(limit=2)
    _relay(broker).run(stop=stop, poll_interval=0.2, waiter=PollingWaiter(stop))
    assert stop.waits == [0.2, 0.2]
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


class ClockedStop(RecordingStop):
    """Each wait lets its whole timeout pass on the stopped clock, as a real sleep would."""

    def __init__(self, limit: int, clock: StoppedClock) -> None:
        super().__init__(limit)
        self.clock = clock

    def wait(self, timeout=None) -> bool:
        self.clock.now += timeout or 0.0
        return super().wait(timeout)


def test_once_its_backoff_ran_out_the_relay_tries_again_and_doubles_it(broker, stopped_clock):
    _notes(1)
    broker.down = True
    stop = ClockedStop(limit=3, clock=stopped_clock)

    _relay(broker).run(stop=stop, poll_interval=0.2, waiter=PollingWaiter(stop))

    assert stop.waits == [0.5, 1.0, 2.0]
    assert OutboxMessage.objects.get().attempts == 3


def test_a_broker_that_is_down_does_not_hold_back_the_events_routed_to_the_other(settings):
    from common.events.contracts.catalog import ProductUpdated, StockChanged

    settings.SERVICE_NAME = "catalog"
    settings.RABBITMQ_URL, settings.KAFKA_BOOTSTRAP_SERVERS = "amqp://unused", "unused:9092"
    rabbitmq, kafka = InMemoryTransport(), InMemoryTransport()
    rabbitmq.down = True
    for sku in ("A", "B", "C"):
        publish(StockChanged(sku=sku, product_name=sku, on_hand=1, available=1, low_stock_threshold=0), key=sku)
    product = ProductUpdated(product_id=1, slug="p", name="P", brand="B", published=True, variants=[])
    streamed = publish(product, key="1")
    relay = OutboxRelay(batch_size=2, publishers={routing.RABBITMQ: rabbitmq, routing.KAFKA: kafka})

    result = relay.relay_pending()

    assert (result.sent, result.failed) == (1, 2)
    assert [envelope.event_id for envelope in kafka.sent] == [streamed.event_id]
    assert list(OutboxMessage.objects.values_list("event_type", "status")) == [
        ("catalog.stock_changed", "pending"),
        ("catalog.stock_changed", "pending"),
        ("catalog.stock_changed", "pending"),
        ("catalog.product_updated", "sent"),
    ]


def test_metrics_show_the_pending_count_the_oldest_age_and_the_published_total_by_type(broker):
    rows = _notes(3)
    OutboxMessage.objects.filter(pk=rows[0].pk).update(created_at=timezone.now() - timedelta(seconds=120))
    published_before = OUTBOX_PUBLISHED.labels(event_type="commontest.note_recorded")._value.get()

    outbox_refresh_metrics()
    assert OUTBOX_PENDING._value.get() == 3
    assert 120 <= OUTBOX_OLDEST_PENDING_AGE._value.get() < 180

    _relay(broker).relay_pending()
    outbox_refresh_metrics()

    assert OUTBOX_PENDING._value.get() == 0
    assert OUTBOX_OLDEST_PENDING_AGE._value.get() == 0
    assert OUTBOX_PUBLISHED.labels(event_type="commontest.note_recorded")._value.get() == published_before + 3


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_second_relay_skips_the_rows_another_relay_has_locked(postgresql, broker):
    from django.db import connection, transaction

    rows = _notes(4)
    locked, release, done = threading.Event(), threading.Event(), threading.Event()

    def first_relay_holding_two_rows() -> None:
        try:
            with transaction.atomic():
                list(OutboxMessage.objects.select_for_update(skip_locked=True).order_by("id")[:2])
                locked.set()
                release.wait(10)
        finally:
            connection.close()
            done.set()

    threading.Thread(target=first_relay_holding_two_rows, daemon=True).start()
    assert locked.wait(10)
    try:
        result = _relay(broker).relay_batch()
    finally:
        release.set()
        done.wait(10)

    assert result.sent == 2
    assert [envelope.event_id for envelope in broker.sent] == [row.event_id for row in rows[2:]]
    assert list(OutboxMessage.objects.order_by("id").values_list("status", flat=True)) == [
        "pending",
        "pending",
        "sent",
        "sent",
    ]


def test_the_relay_housekeeping_deletes_only_rows_sent_before_the_retention(broker):
    from common.events.outbox.services import outbox_delete_sent

    old, recent, pending = _notes(3)
    OutboxMessage.objects.filter(pk=old.pk).update(status="sent", sent_at=timezone.now() - timedelta(days=8))
    OutboxMessage.objects.filter(pk=recent.pk).update(status="sent", sent_at=timezone.now() - timedelta(days=6))

    assert outbox_delete_sent(older_than=timedelta(days=7)) == 1

    assert sorted(OutboxMessage.objects.values_list("pk", flat=True)) == [recent.pk, pending.pk]


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_commit_wakes_the_relay_and_a_rollback_does_not(postgresql):
    from django.db import transaction

    from common.events.outbox.wakeup import CHANNEL, PendingWaiter

    waiter = PendingWaiter(threading.Event())
    listener = waiter._listen()
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            publish(NoteRecorded(text="rolled back"), key="k")
            raise RuntimeError("rollback")
        assert list(listener.notifies(timeout=0.2)) == []

        with transaction.atomic():
            publish(NoteRecorded(text="committed"), key="k")
        [notification] = list(listener.notifies(timeout=10, stop_after=1))
        assert notification.channel == CHANNEL
    finally:
        waiter.close()


@pytest.mark.django_db(transaction=True)
def test_many_rows_committed_together_are_claimed_and_marked_with_one_query_each(postgresql, settings):
    """50 commits (as 50 checkouts make) with two transports up: one wake-up, one claim, one update.

    The relay used to claim per transport on every wake-up; now, while every transport answers, a batch
    is one ``SELECT ... FOR UPDATE SKIP LOCKED`` over all of them, split by transport after it.
    """
    from django.db import connection, transaction

    from common.events.contracts.catalog import ProductUpdated, StockChanged
    from common.events.outbox.wakeup import PendingWaiter

    settings.SERVICE_NAME = "catalog"
    settings.RABBITMQ_URL, settings.KAFKA_BOOTSTRAP_SERVERS = "amqp://unused", "unused:9092"
    rabbitmq, kafka = InMemoryTransport(), InMemoryTransport()
    relay = OutboxRelay(publishers={routing.RABBITMQ: rabbitmq, routing.KAFKA: kafka})
    stop = threading.Event()

    class OneRound(PendingWaiter):
        def wait(self, timeout: float) -> None:
            super().wait(timeout)
            stop.set()  # one wake-up, then the relay stops: what it did is what one wake-up costs

    waiter = OneRound(stop, linger=0)
    waiter._listen()  # LISTEN is active before the commits, as in a running relay
    for index in range(50):
        with transaction.atomic():
            if index % 2:
                publish(StockChanged(sku=f"S{index}", product_name="x", on_hand=1, available=1, low_stock_threshold=0),
                        key=f"S{index}")  # fmt: skip
            else:
                publish(ProductUpdated(product_id=index, slug=f"p{index}", name="P", brand="B", published=True,
                                       variants=[]), key=str(index))  # fmt: skip
    statements: list[tuple[str, int]] = []

    def counting(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        statements.append((sql, context["cursor"].rowcount))
        return result

    def run():
        try:
            with connection.execute_wrapper(counting):
                relay.run(stop=stop, poll_interval=5.0, waiter=waiter)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert not thread.is_alive()
    outbox = OutboxMessage._meta.db_table
    claims = [rows for sql, rows in statements if "FOR UPDATE" in sql and outbox in sql]
    marks = [rows for sql, rows in statements if sql.startswith(f'UPDATE "{outbox}"')]
    assert claims == [50] and marks == [50]  # (per transport: 25 and 25, twice the queries)
    assert len(rabbitmq.sent) == 25 and len(kafka.sent) == 25
    assert waiter.wakeups == 1
    assert not OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).exists()


@pytest.mark.django_db(transaction=True)
def test_a_listening_relay_polls_seldom_when_idle_but_keeps_a_broker_backoff_exact(
    postgresql, settings, broker, stopped_clock
):
    """Every commit wakes a relay whose LISTEN works, so idle it polls every EVENTS_RELAY_IDLE_POLL_SECONDS;
    a transport's backoff retry is never stretched by it."""
    from common.events.outbox.wakeup import PendingWaiter

    settings.EVENTS_RELAY_IDLE_POLL_SECONDS = 7.0
    stop = threading.Event()

    class Recording(PendingWaiter):
        timeouts: list[float] = []

        def wait(self, timeout: float) -> None:
            self.timeouts.append(timeout)
            if len(self.timeouts) == 3:
                stop.set()

    waiter = Recording(stop, linger=0)
    waiter._listen()
    _relay(broker).run(stop=stop, poll_interval=0.2, waiter=waiter)
    assert waiter.timeouts == [7.0, 7.0, 7.0]

    from common.events.contracts.catalog import StockChanged

    settings.SERVICE_NAME = "catalog"
    settings.RABBITMQ_URL, settings.KAFKA_BOOTSTRAP_SERVERS = "amqp://unused", "unused:9092"
    rabbitmq, kafka = InMemoryTransport(), InMemoryTransport()
    rabbitmq.down = True
    publish(StockChanged(sku="A", product_name="A", on_hand=1, available=1, low_stock_threshold=0), key="A")
    stop.clear()
    waiter = Recording(stop, linger=0)
    waiter.timeouts = []
    waiter._listen()
    OutboxRelay(publishers={routing.RABBITMQ: rabbitmq, routing.KAFKA: kafka}).run(
        stop=stop, poll_interval=0.2, waiter=waiter
    )
    assert waiter.timeouts == [0.2, 0.2, 0.2]  # RabbitMQ backing off: the poll interval, not the idle poll
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.PENDING


def test_a_relay_woken_again_soon_lingers_longer_and_a_quiet_spell_brings_the_short_linger_back():
    from common.events.outbox.wakeup import BUSY_WAKEUPS_APART, PendingWaiter

    waiter = PendingWaiter(threading.Event(), linger=0.02, busy_linger=0.06)
    apart = BUSY_WAKEUPS_APART * 0.06
    assert waiter.linger_for(100.0) == 0.02  # the first commit after a quiet spell: out quickly
    assert waiter.linger_for(100.05) == 0.06  # a steady stream: gather a few commits per batch
    assert waiter.linger_for(100.05 + apart - 0.001) == 0.06
    assert waiter.linger_for(100.05 + 2 * apart) == 0.02  # quiet again
    assert PendingWaiter(threading.Event(), linger=0).busy_linger == 0  # a linger given alone is kept


def test_the_busy_linger_setting_is_bounded(settings):
    from common.events.outbox.wakeup import relay_busy_linger_seconds

    settings.EVENTS_RELAY_LINGER_SECONDS = 0.02
    settings.EVENTS_RELAY_BUSY_LINGER_SECONDS = 0.01
    assert relay_busy_linger_seconds() == 0.02  # never shorter than the linger
    settings.EVENTS_RELAY_BUSY_LINGER_SECONDS = 9
    assert relay_busy_linger_seconds() == 0.5
