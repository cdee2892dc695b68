"""The embedded bus (the local run, no broker): the management commands end to end, retries, dead letters."""

from __future__ import annotations

import io
import sqlite3

import pytest
from django.core.management import call_command

from common.events import publish
from common.events.inbox.models import DeadLetter, ProcessedEvent
from common.events.outbox.models import OutboxMessage
from common.events.routing import EMBEDDED, consumer_group
from tests.events.contracts import NoteRecorded
from tests.events.handlers import ALWAYS_FAILS
from tests.events.models import AppliedNote

pytest_plugins = ["tests.events.fixtures"]
pytestmark = pytest.mark.django_db


def _run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_relay_outbox_once_and_consume_events_apply_committed_events_with_no_broker(on_embedded_bus):
    rows = [publish(NoteRecorded(text=text, sequence=index), key="k") for index, text in enumerate("abc")]

    assert "sent 3, failed 0" in _run("relay_outbox", "--once")
    assert "processed {'embedded': 3}" in _run("consume_events", "--max-messages", "3", "--timeout", "20")

    assert list(AppliedNote.objects.values_list("event_id", "text")) == [
        (row.event_id, text) for row, text in zip(rows, "abc", strict=True)
    ]
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 3
    with sqlite3.connect(on_embedded_bus) as bus:
        assert bus.execute(
            "SELECT position FROM bus_cursors WHERE consumer_group = ?", (consumer_group("commontest"),)
        ).fetchone() == (3,)


def test_consume_events_once_stops_when_there_is_nothing_left(on_embedded_bus):
    publish(NoteRecorded(text="only"), key="k")
    _run("relay_outbox", "--once")

    output = _run("consume_events", "--once", "--transport", EMBEDDED)

    assert "processed {'embedded': 1}" in output
    assert AppliedNote.objects.count() == 1


def test_a_poison_message_is_retried_then_dead_lettered_and_the_cursor_moves_on(on_embedded_bus):
    poison = publish(NoteRecorded(text=ALWAYS_FAILS), key="k")
    publish(NoteRecorded(text="next"), key="k")
    _run("relay_outbox", "--once")

    _run("consume_events", "--max-messages", "2", "--timeout", "20")

    assert list(AppliedNote.objects.values_list("text", flat=True)) == ["next"]
    dead = DeadLetter.objects.get()
    assert (dead.event_id, dead.attempts, dead.source) == (
        poison.event_id,
        3,
        f"embedded:{consumer_group('commontest')}@1",
    )
    assert ProcessedEvent.objects.filter(event_id=poison.event_id).count() == 0


def test_a_message_delivered_twice_on_the_bus_is_applied_once(on_embedded_bus):
    publish(NoteRecorded(text="twice"), key="k")
    _run("relay_outbox", "--once")
    OutboxMessage.objects.update(status=OutboxMessage.Status.PENDING)
    _run("relay_outbox", "--once")

    _run("consume_events", "--max-messages", "2", "--timeout", "20")

    assert AppliedNote.objects.count() == 1
    assert ProcessedEvent.objects.count() == 1
