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
