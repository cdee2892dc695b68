"""``insert_once`` inserts a row once per key and writes what Django's own insert would."""

import uuid

import pytest
from django.db import connection

from common.events.inbox.models import ProcessedEvent
from common.inserts import insert_once

pytestmark = pytest.mark.django_db


def test_the_first_insert_of_a_key_writes_the_row_and_the_second_writes_nothing():
    event_id = uuid.uuid4()
    values = {"event_id": event_id, "event_type": "orders.order_placed"}

    assert insert_once(ProcessedEvent, values=values, unique=("event_id",)) is True
    assert insert_once(ProcessedEvent, values={**values, "event_type": "other"}, unique=("event_id",)) is False

    [row] = ProcessedEvent.objects.all()
    assert (row.event_id, row.event_type) == (event_id, "orders.order_placed")
    assert row.processed_at is not None and row.processed_at.tzinfo is not None  # auto_now_add, as create() sets it


def test_the_outbox_row_publish_writes_is_the_row_the_orms_insert_writes():
    from common.events import publish
    from common.events.outbox.models import OutboxMessage
    from tests.events.contracts import NoteRecorded

    published_row = publish(NoteRecorded(text="written by hand", sequence=4), key="note-1")
    by_orm = OutboxMessage.objects.create(
        event_type=published_row.event_type,
        version=published_row.version,
        key=published_row.key,
        envelope=published_row.envelope,
    )

    def stored(pk):
        row = OutboxMessage.objects.filter(pk=pk).values().get()
        assert row.pop("created_at").tzinfo is not None
        return {name: value for name, value in row.items() if name not in ("id", "event_id")}

    assert stored(published_row.pk) == stored(by_orm.pk)
    fresh = OutboxMessage.objects.get(pk=published_row.pk)
    assert (fresh.event_id, fresh.created_at) == (published_row.event_id, published_row.created_at)
    assert fresh.envelope["payload"] == {"text": "written by hand", "sequence": 4}


def test_several_events_published_together_are_the_rows_published_one_by_one(django_assert_num_queries):
    from common.events import publish, publish_many
    from common.events.outbox.models import OutboxMessage
    from tests.events.contracts import NoteRecorded

    notes = [NoteRecorded(text=f"nota {n}", sequence=n) for n in range(3)]
    alone = [publish(note, key=f"note-{note.sequence}", causation_id="cause") for note in notes]
    with django_assert_num_queries(1 if _on_postgresql() else len(notes)):  # SQLite: the ORM's insert, each
        together = publish_many([(note, f"note-{note.sequence}") for note in notes], causation_id="cause")

    def stored(pk):
        row = OutboxMessage.objects.filter(pk=pk).values().get()
        envelope = row.pop("envelope")
        assert envelope.pop("event_id") and envelope.pop("occurred_at")
        return {**{k: v for k, v in row.items() if k not in ("id", "event_id", "created_at")}, "envelope": envelope}

    assert [stored(m.pk) for m in together] == [stored(m.pk) for m in alone]
    assert [m.pk for m in together] == sorted(m.pk for m in together)  # the order given, for the relay
    rows = OutboxMessage.objects.filter(pk__in=[m.pk for m in together]).order_by("id")
    assert [row.envelope["payload"]["sequence"] for row in rows] == [0, 1, 2]


def _on_postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.mark.parametrize("count", [1, 3])
def test_rows_inserted_together_are_the_rows_bulk_create_writes(count, django_assert_num_queries):
    from common.events.outbox.models import OutboxMessage
    from common.inserts import rows_insert

    def made(prefix):
        return [
            OutboxMessage(event_type="notes.note_recorded", version=n, key=f"{prefix}-{n}", envelope={"n": n, "é": "ã"})
            for n in range(count)
        ]

    ours, django_s = made("ours"), made("orm")
    with django_assert_num_queries(1):
        rows_insert(ours)
    OutboxMessage.objects.bulk_create(django_s)

    assert [row.pk for row in ours] == sorted(row.pk for row in ours)  # ids in the list's order
    assert all(row._state.adding is False for row in ours)

    def stored(rows):
        found = OutboxMessage.objects.filter(pk__in=[row.pk for row in rows]).order_by("id").values()
        return [{k: v for k, v in row.items() if k not in ("id", "event_id", "key", "created_at")} for row in found]

    assert stored(ours) == stored(django_s)
    assert [
        row["key"] for row in OutboxMessage.objects.filter(pk__in=[r.pk for r in ours]).order_by("id").values("key")
    ] == [f"ours-{n}" for n in range(count)]


def test_insert_new_inserts_the_rows_whose_key_is_new_once_each(django_assert_num_queries):
    from common.inserts import insert_new

    old, new, again = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    assert insert_once(ProcessedEvent, values={"event_id": old, "event_type": "before"}, unique=("event_id",))
    rows = [
        {"event_id": new, "event_type": "first"},
        {"event_id": old, "event_type": "repeat"},
        {"event_id": str(again), "event_type": "as text"},
        {"event_id": new, "event_type": "second copy"},
    ]

    if connection.vendor == "postgresql":
        with django_assert_num_queries(1):
            assert insert_new(ProcessedEvent, rows=rows, unique="event_id") == {new, again}
    else:
        assert insert_new(ProcessedEvent, rows=rows, unique="event_id") == {new, again}

    stored = dict(ProcessedEvent.objects.values_list("event_id", "event_type"))
    assert stored == {old: "before", new: "first", again: "as text"}
    assert insert_new(ProcessedEvent, rows=rows, unique="event_id") == set()
    assert insert_new(ProcessedEvent, rows=[], unique="event_id") == set()
