"""``insert_once`` inserts a row once per key and writes what Django's own insert would."""

import uuid

import pytest

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
