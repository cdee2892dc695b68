"""Test-only contracts produced and consumed by the ``commontest`` project (not part of the suite)."""

from __future__ import annotations

from common.events.contracts.base import EventContract, contract


@contract("commontest.note_recorded", version=1, producer="commontest", consumers=("commontest",))
class NoteRecorded(EventContract):
    """A note to apply; the text "always fails" makes its handler raise."""

    text: str
    sequence: int = 0


@contract("commontest.note_acknowledged", version=1, producer="commontest", consumers=("commontest",))
class NoteAcknowledged(EventContract):
    """Published by the note handler, to check correlation and causation ids."""

    text: str


@contract("commontest.note_orphaned", version=1, producer="commontest", consumers=())
class NoteOrphaned(EventContract):
    """A type no service consumes: RabbitMQ has no queue for it (an unroutable row)."""

    text: str
