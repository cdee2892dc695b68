"""Writes of the inbox app: parking a message that cannot be applied, replaying a parked one."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common.events.inbox.models import DeadLetter
from common.events.outbox.models import OutboxMessage
from common.events.validation import InvalidEvent, envelope_from_bytes
from common.observability.metrics import DEAD_LETTERS


def dead_letter_record(*, body: bytes, source: str, error: str, attempts: int) -> DeadLetter:
    """Park a message that failed for good (or could not be parsed) so the admin shows it."""
    event_id: uuid.UUID | None = None
    event_type = ""
    try:
        envelope = envelope_from_bytes(body)
        event_id, event_type = envelope.event_id, envelope.type
    except InvalidEvent:
        pass
    dead_letter = DeadLetter.objects.create(
        event_id=event_id,
        event_type=event_type[:100],
        source=source[:200],
        body=body.decode("utf-8", errors="replace"),
        error=error,
        attempts=attempts,
    )
    dead_letters_refresh_metric()
    return dead_letter


def dead_letter_replay(*, dead_letter: DeadLetter) -> OutboxMessage:
    """Put a parked message back on its way: a pending outbox row with the same envelope.

    The relay sends it again to every consumer of its type; consumers that already applied the event
    skip it through their inbox, the one that dead-lettered it applies it (once the cause is fixed).
    Raises :class:`InvalidEvent` for a body that is not an envelope (nothing to replay).
    """
    envelope = envelope_from_bytes(dead_letter.body.encode())
    with transaction.atomic():
        row = OutboxMessage.objects.filter(event_id=envelope.event_id).first()
        if row is not None:
            row.status = OutboxMessage.Status.PENDING
            row.attempts, row.failures, row.last_error = 0, 0, ""
            row.sent_at = row.next_attempt_at = row.failed_at = None
            row.save(
                update_fields=[
                    "status",
                    "attempts",
                    "failures",
                    "last_error",
                    "sent_at",
                    "next_attempt_at",
                    "failed_at",
                ]
            )
        else:
            row = OutboxMessage.objects.create(
                event_id=envelope.event_id,
                event_type=envelope.type,
                version=envelope.version,
                key=envelope.key,
                envelope=envelope.model_dump(mode="json"),
            )
        DeadLetter.objects.filter(pk=dead_letter.pk).update(replayed_at=timezone.now())
    dead_letters_refresh_metric()
    return row


def dead_letter_discard(*, dead_letter_ids: list[int]) -> int:
    """Delete dead letters an operator decided not to replay (the event is given up on)."""
    deleted, _ = DeadLetter.objects.filter(pk__in=dead_letter_ids).delete()
    dead_letters_refresh_metric()
    return deleted


def dead_letters_refresh_metric() -> None:
    """The ``events_dead_letters`` gauge: dead letters of this service not replayed yet."""
    DEAD_LETTERS.labels(service=settings.SERVICE_NAME).set(DeadLetter.objects.filter(replayed_at__isnull=True).count())
