"""The consumer core: contract validation, inbox and handler in one transaction, ids bound for handlers."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection, transaction

from common.events import publish
from common.events.consumer import batch_before_commit, handle_envelope, handle_envelopes, service_handlers
from common.events.inbox.models import ProcessedEvent
from common.events.outbox.models import OutboxMessage
from common.events.testing import deliver, deliver_published, envelope_of, published
from common.events.validation import InvalidEvent
from tests.events.contracts import NoteRecorded
from tests.events.handlers import ALWAYS_FAILS, HANDLERS, PoisonNote
from tests.events.models import AppliedNote

pytestmark = pytest.mark.django_db


def test_service_handlers_come_from_the_event_handlers_setting():
    assert service_handlers() is HANDLERS


def test_deliver_runs_the_handler_and_records_the_event_in_the_inbox():
    envelope = envelope_of(NoteRecorded(text="hello", sequence=3), key="note-1", correlation_id="corr-1")

    assert deliver(envelope, handlers=HANDLERS) is True

    note = AppliedNote.objects.get()
    assert (note.event_id, note.key, note.text, note.sequence) == (envelope.event_id, "note-1", "hello", 3)
    assert note.correlation_id == "corr-1"
    assert list(ProcessedEvent.objects.values_list("event_id", "event_type")) == [
        (envelope.event_id, "commontest.note_recorded")
    ]


def test_a_redelivered_event_is_a_no_op():
    envelope = envelope_of(NoteRecorded(text="once"))

    assert deliver(envelope, handlers=HANDLERS) is True
    assert deliver(envelope, handlers=HANDLERS) is False

    assert AppliedNote.objects.count() == 1
    assert ProcessedEvent.objects.count() == 1


def test_deliver_wraps_a_contract_instance_with_the_given_key_and_event_id():
    event_id = uuid.uuid4()

    assert deliver(NoteRecorded(text="wrapped"), handlers=HANDLERS, key="k-9", event_id=event_id) is True

    assert list(AppliedNote.objects.values_list("event_id", "key")) == [(event_id, "k-9")]


def test_a_failing_handler_rolls_back_the_inbox_row_and_its_effects():
    with pytest.raises(PoisonNote):
        deliver(NoteRecorded(text=ALWAYS_FAILS), handlers=HANDLERS)

    assert ProcessedEvent.objects.count() == 0
    assert AppliedNote.objects.count() == 0


def test_a_batch_applies_its_events_in_order_once_each():
    first, second = envelope_of(NoteRecorded(text="a", sequence=1)), envelope_of(NoteRecorded(text="b", sequence=2))
    unhandled = envelope_of(NoteRecorded(text="nobody's"))

    applied = handle_envelopes([first, second, first], handlers=HANDLERS)

    assert applied == [True, True, False]  # the repeat inside the batch meets the first one's inbox row
    assert list(AppliedNote.objects.values_list("text", flat=True)) == ["a", "b"]
    assert ProcessedEvent.objects.count() == 2
    assert handle_envelopes([unhandled, second], handlers={"other.type": HANDLERS["commontest.note_recorded"]}) == [
        False,
        False,
    ]


def test_one_failing_handler_rolls_the_whole_batch_back_inbox_rows_included():
    good, poison = envelope_of(NoteRecorded(text="good")), envelope_of(NoteRecorded(text=ALWAYS_FAILS))

    with pytest.raises(PoisonNote):
        handle_envelopes([good, poison], handlers=HANDLERS)

    assert ProcessedEvent.objects.count() == 0
    assert AppliedNote.objects.count() == 0
    assert deliver(good, handlers=HANDLERS) is True  # the caller then applies them one by one


def _batching(flushed: list, *, fails: bool = False):
    """Handlers that put each note's text in the transaction's ``notes`` batch; ``flushed`` sees each flush,
    with whether the inbox rows were there (inside the transaction) when it ran."""

    def flush(texts: list) -> None:
        flushed.append((list(texts), ProcessedEvent.objects.count()))
        if fails:
            raise ConnectionError("the other store is down")

    def handler(event, envelope) -> None:
        batch_before_commit("notes", flush).append(event.text)

    return {"commontest.note_recorded": handler}


def test_a_batch_flushes_what_its_handlers_collected_once_before_its_commit():
    flushed: list = []
    envelopes = [envelope_of(NoteRecorded(text=text)) for text in ("a", "b", "c")]

    assert handle_envelopes(envelopes, handlers=_batching(flushed)) == [True, True, True]
    assert deliver(envelope_of(NoteRecorded(text="alone")), handlers=_batching(flushed)) is True

    assert flushed == [(["a", "b", "c"], 3), (["alone"], 4)]  # once per transaction, the inbox rows in it


def test_a_failing_flush_rolls_the_batch_back_like_a_failing_handler():
    flushed: list = []
    envelopes = [envelope_of(NoteRecorded(text=text)) for text in ("a", "b")]

    with pytest.raises(ConnectionError):
        handle_envelopes(envelopes, handlers=_batching(flushed, fails=True))

    assert ProcessedEvent.objects.count() == 0  # retried later: nothing recorded as applied
    assert handle_envelopes(envelopes, handlers=_batching(flushed)) == [True, True]
    assert flushed[-1] == (["a", "b"], 2)


def test_a_batch_is_only_for_event_handlers():
    with pytest.raises(RuntimeError, match="for event handlers"):
        batch_before_commit("notes", print)


@pytest.mark.django_db(transaction=True)
def test_a_failing_commit_hook_of_one_event_does_not_drop_the_hooks_of_the_others_in_its_batch():
    ran = []

    def hooks_then(event, envelope):
        if event.text == "hook fails":
            transaction.on_commit(lambda: 1 / 0)
        transaction.on_commit(lambda: ran.append(event.text))

    batch = [envelope_of(NoteRecorded(text=text)) for text in ("hook fails", "second", "third")]

    assert handle_envelopes(batch, handlers={"commontest.note_recorded": hooks_then}) == [True, True, True]

    assert ran == ["hook fails", "second", "third"]  # committed, and every hook ran; the error was logged
    assert ProcessedEvent.objects.count() == 3


def test_an_invalid_payload_in_a_batch_is_refused_before_anything_is_written():
    good = envelope_of(NoteRecorded(text="good"))
    broken = envelope_of(NoteRecorded(text="x")).model_copy(update={"payload": {"text": 42}})

    with pytest.raises(InvalidEvent):
        handle_envelopes([good, broken], handlers=HANDLERS)

    assert ProcessedEvent.objects.count() == 0 and AppliedNote.objects.count() == 0


def test_an_event_without_a_handler_is_skipped_without_an_inbox_row():
    assert deliver(NoteRecorded(text="ignored"), handlers={}) is False

    assert ProcessedEvent.objects.count() == 0


def test_a_payload_that_breaks_its_contract_is_refused_at_consume():
    envelope = envelope_of(NoteRecorded(text="x")).model_copy(update={"payload": {"text": 42, "extra": True}})

    with pytest.raises(InvalidEvent):
        handle_envelope(envelope, handlers=HANDLERS)

    assert ProcessedEvent.objects.count() == 0
    assert AppliedNote.objects.count() == 0


def test_an_unknown_event_version_is_refused_at_consume():
    envelope = envelope_of(NoteRecorded(text="x")).model_copy(update={"version": 99})

    with pytest.raises(InvalidEvent):
        handle_envelope(envelope, handlers=HANDLERS)

    assert ProcessedEvent.objects.count() == 0


def test_a_payload_that_breaks_its_contract_is_refused_at_publish():
    broken = NoteRecorded.model_construct(text=["not", "a", "string"], sequence=1)

    with pytest.raises(InvalidEvent):
        publish(broken, key="n-1")

    assert OutboxMessage.objects.count() == 0


def test_publish_refuses_an_event_this_service_does_not_produce():
    from common.events.contracts.orders import OrderRejected

    with pytest.raises(ValueError, match="may not publish"):
        publish(OrderRejected(order_number="CO-1", email="a@b.co", reason="stock"), key="CO-1")

    assert OutboxMessage.objects.count() == 0


def test_events_published_by_a_handler_carry_the_correlation_and_causation_ids():
    envelope = envelope_of(NoteRecorded(text="ack me"), key="note-7", correlation_id="corr-7")

    deliver(envelope, handlers=HANDLERS)

    [follow_up] = published("commontest.note_acknowledged")
    assert follow_up.key == "note-7"
    assert follow_up.correlation_id == "corr-7"
    assert follow_up.causation_id == str(envelope.event_id)


def test_deliver_published_chains_a_flow_and_marks_the_rows_sent():
    publish(NoteRecorded(text="ack chain"), key="c-1")

    first = deliver_published(handlers=HANDLERS)
    second = deliver_published(handlers=HANDLERS)

    assert [envelope.type for envelope in first] == ["commontest.note_recorded"]
    assert [envelope.type for envelope in second] == ["commontest.note_acknowledged"]
    assert list(AppliedNote.objects.values_list("text", flat=True)) == ["ack chain", "ack chain"]
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count() == 0


def test_a_rolled_back_transaction_publishes_nothing():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        publish(NoteRecorded(text="never"), key="r-1")
        raise RuntimeError("the change failed")

    assert published() == []


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_two_consumers_given_one_event_at_once_apply_it_once(postgresql):
    """The second waits on the inbox's unique index while the first is inside its handler, then skips."""
    import threading

    from django.db import connection

    envelope = envelope_of(NoteRecorded(text="raced", sequence=1))
    entered, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def slow_handler(event, envelope):
        calls.append(threading.current_thread().name)
        entered.set()
        assert release.wait(30), "the test never released the first consumer"
        AppliedNote.objects.create(event_id=envelope.event_id, key=envelope.key, text=event.text, sequence=1)

    handlers = {"commontest.note_recorded": slow_handler}
    results: dict[str, bool] = {}

    def consume(name: str) -> None:
        try:
            results[name] = handle_envelope(envelope, handlers=handlers)
        finally:
            connection.close()

    first = threading.Thread(target=consume, args=("first",), name="first")
    first.start()
    assert entered.wait(30)
    second = threading.Thread(target=consume, args=("second",), name="second")
    second.start()
    second.join(0.5)  # it cannot finish: its insert waits for the first's uncommitted inbox row
    assert "second" not in results
    release.set()
    first.join(30)
    second.join(30)
    assert results == {"first": True, "second": False}
    assert calls == ["first"]
    assert AppliedNote.objects.count() == 1 and ProcessedEvent.objects.count() == 1


def test_a_batch_records_its_inbox_rows_in_one_statement_and_skips_those_applied_before(django_assert_num_queries):
    """The inbox rows of a batch: one insert for all (the handler here writes one row per event)."""
    seen = envelope_of(NoteRecorded(text="seen"))
    assert deliver(seen, handlers=HANDLERS) is True
    batch = [envelope_of(NoteRecorded(text=text)) for text in ("x", "y", "z")]

    with django_assert_num_queries(1 + 3 + 2):  # the inbox rows, each note, the transaction's savepoint pair
        applied = handle_envelopes([batch[0], seen, batch[1], batch[2]], handlers=HANDLERS)

    assert applied == [True, False, True, True]
    assert list(AppliedNote.objects.values_list("text", flat=True)) == ["seen", "x", "y", "z"]
    assert ProcessedEvent.objects.count() == 4


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the second consumer waits on the first's uncommitted unique-index entries; SQLite "
    "locks the whole file, so the second would fail to write instead of waiting",
)
@pytest.mark.django_db(transaction=True)
def test_two_consumers_handed_the_same_batch_apply_each_event_once():
    """A redelivery reaches a second consumer while the first is still inside its batch (a broker that gave
    the messages up after a missed heartbeat): the second's inbox insert waits on the first's rows, in the
    same order whatever order it got them in, and finds them once the first commits."""
    import threading

    batch = [envelope_of(NoteRecorded(text=text)) for text in ("um", "dois", "três")]
    inside, release = threading.Event(), threading.Event()
    results: dict[str, list[bool]] = {}

    def holding(event, envelope):
        HANDLERS["commontest.note_recorded"](event, envelope)
        if event.text == "três":
            inside.set()
            assert release.wait(10)

    def first():
        try:
            results["first"] = handle_envelopes(batch, handlers={"commontest.note_recorded": holding})
        finally:
            connection.close()

    def second():
        try:
            results["second"] = handle_envelopes(batch[::-1], handlers=HANDLERS)
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert inside.wait(10)
    two = threading.Thread(target=second)
    two.start()
    two.join(1.0)
    assert two.is_alive()  # waiting on the first consumer's inbox rows
    release.set()
    one.join(10)
    two.join(10)

    assert results == {"first": [True, True, True], "second": [False, False, False]}
    assert sorted(AppliedNote.objects.values_list("text", flat=True)) == ["dois", "três", "um"]
