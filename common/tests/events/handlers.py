"""Handlers of the common test project: record the effect, optionally fail or publish a follow-up."""

from __future__ import annotations

import os
import signal

from django.db import transaction

from common.events import Envelope, publish
from common.events.retry import PermanentError
from common.observability.context import current_correlation_id
from tests.events.contracts import NoteAcknowledged, NoteRecorded
from tests.events.models import AppliedNote

ALWAYS_FAILS = "always fails"
DIE_AFTER_COMMIT = "die after commit"
KILL_SWITCH = "EVENTS_TEST_KILL_AFTER_COMMIT"
CRASH_BEFORE_COMMIT = "crash before commit"
CRASH_SWITCH = "EVENTS_TEST_CRASH_BEFORE_COMMIT"
NEEDS_DEPENDENCY = "needs the dependency"
DEPENDENCY_URL = "EVENTS_TEST_DEPENDENCY_URL"  # a Redis URL (through a test's proxy)
NEVER_VALID = "never valid"


class PoisonNote(RuntimeError):
    """Raised for the note that can never be applied."""


def _record(event, envelope: Envelope) -> None:
    AppliedNote.objects.create(
        event_id=envelope.event_id,
        event_type=envelope.type,
        key=envelope.key,
        text=getattr(event, "text", getattr(event, "slug", "")),
        sequence=getattr(event, "sequence", 0),
        correlation_id=current_correlation_id() or "",
    )


def note_recorded(event: NoteRecorded, envelope: Envelope) -> None:
    if event.text == ALWAYS_FAILS:
        raise PoisonNote(event.text)
    if event.text == NEVER_VALID:
        raise PermanentError("this note can never be applied")
    if event.text == CRASH_BEFORE_COMMIT and os.environ.get(CRASH_SWITCH) == "1":
        os.kill(os.getpid(), signal.SIGKILL)  # the consumer dies with this and its prefetched messages unacked
    if event.text == NEEDS_DEPENDENCY:
        _use_dependency()
    _record(event, envelope)
    if event.text == DIE_AFTER_COMMIT and os.environ.get(KILL_SWITCH) == "1":
        # A consumer process killed after its handler's transaction committed, before it could ack.
        transaction.on_commit(lambda: os.kill(os.getpid(), signal.SIGKILL))
    if event.text.startswith("ack "):
        publish(NoteAcknowledged(text=event.text), key=envelope.key)


def _use_dependency() -> None:
    """A handler's dependency (Redis here, reached through the test's proxy): raises while it is down."""
    import redis

    client = redis.Redis.from_url(os.environ[DEPENDENCY_URL], socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    finally:
        client.close()


def note_acknowledged(event: NoteAcknowledged, envelope: Envelope) -> None:
    _record(event, envelope)


def product_changed(event, envelope: Envelope) -> None:
    _record(event, envelope)


HANDLERS = {
    "commontest.note_recorded": note_recorded,
    "commontest.note_acknowledged": note_acknowledged,
    "catalog.product_published": product_changed,
    "catalog.product_updated": product_changed,
}
