"""Writing to the outbox. Called inside the caller's transaction; never talks to a broker."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from common.cursors import statement_cursor
from common.events.contracts import EventContract
from common.events.envelope import envelope_for
from common.events.outbox.models import OutboxMessage
from common.events.outbox.wakeup import CHANNEL, notify_pending
from common.events.validation import validated_payload
from common.inserts import insert_columns, insert_sql, inserted
from common.observability.context import current_causation_id, current_correlation_id


def outbox_publish(
    *, event: EventContract, key: str, correlation_id: str | None = None, causation_id: str | None = None
) -> OutboxMessage:
    """Validate ``event`` against its contract and store it as a pending outbox row.

    Raises :class:`~common.events.validation.InvalidEvent` for a payload that breaks its contract and
    ``ValueError`` when this service is not the event's producer; nothing is written then.
    """
    [message] = outbox_publish_many(events=[(event, key)], correlation_id=correlation_id, causation_id=causation_id)
    return message


def outbox_publish_many(
    *,
    events: Sequence[tuple[EventContract, str]],
    correlation_id: str | None = None,
    causation_id: str | None = None,
) -> list[OutboxMessage]:
    """``outbox_publish`` for several ``(event, key)`` at once: every one is validated before any is written,
    and on PostgreSQL they are one statement (the saga's steps publish their answer and a ``stock_changed``
    per SKU together). The rows keep the given order: the relay sends them in that order."""
    messages = [_message(event, key, correlation_id=correlation_id, causation_id=causation_id) for event, key in events]
    if not messages:
        return []
    if connection.vendor == "postgresql":
        _insert_notifying(messages)
        return messages
    # The rows and their NOTIFY commit together. Inside the caller's transaction no savepoint is needed: a
    # failed insert fails the caller's whole transaction, which is what it wants.
    with transaction.atomic(savepoint=False):
        for message in messages:
            message.save(force_insert=True)
        notify_pending()
    return messages


def _message(event: EventContract, key: str, *, correlation_id: str | None, causation_id: str | None) -> OutboxMessage:
    if not str(key):
        raise ValueError("an event needs a non-empty key (the aggregate id)")
    payload = validated_payload(event)
    if event.PRODUCER != settings.SERVICE_NAME:
        raise ValueError(f"{settings.SERVICE_NAME} may not publish {event.TYPE} (produced by {event.PRODUCER})")
    envelope = envelope_for(
        event,
        key=key,
        correlation_id=correlation_id or current_correlation_id(),
        causation_id=causation_id or current_causation_id(),
        payload=payload,
    )
    return OutboxMessage(
        event_id=envelope.event_id,
        event_type=envelope.type,
        version=envelope.version,
        key=envelope.key,
        envelope=envelope.model_dump(mode="json"),
    )


def _insert_notifying(messages: list[OutboxMessage]) -> None:
    """The rows and the relay's wake-up in one statement: ``INSERT ... RETURNING id, pg_notify(...)``.

    The notification is delivered at commit, never on rollback, exactly like a ``NOTIFY`` beside the insert
    (PostgreSQL folds a transaction's identical notifications into one). Events are written on every checkout
    step, so the ORM's insert compile, its per-field preparation and the extra round trips count: a new outbox
    row's values are its attributes as they are (the envelope adapted as JSON, ``created_at`` set as
    ``auto_now_add`` would); ``test_inserts`` compares the row with the ORM's. A multi-row ``VALUES`` takes
    its ids from the sequence in the rows' order."""
    fields, _columns = insert_columns(OutboxMessage, connection.vendor)
    envelope_at = fields.index(OutboxMessage._meta.get_field("envelope"))
    now = timezone.now()
    params: list = []
    for message in messages:
        message.created_at = now
        values = [getattr(message, field.attname) for field in fields]
        values[envelope_at] = connection.ops.adapt_json_value(message.envelope, None)
        params += values
    with statement_cursor() as cursor:
        cursor.execute(insert_sql(OutboxMessage, len(messages), returning=", pg_notify(%s, '')"), [*params, CHANNEL])
        inserted(messages, [row[0] for row in cursor.fetchall()])


def outbox_replay(*, message_ids: list[int]) -> int:
    """Put outbox rows back to pending so the relay sends them again; returns how many rows changed.

    Safe for consumers: each applies an event id once (inbox), so a replayed event that was already
    applied is skipped, and one that was lost or dead-lettered downstream is applied.
    """
    return OutboxMessage.objects.filter(pk__in=message_ids).update(
        status=OutboxMessage.Status.PENDING,
        attempts=0,
        failures=0,
        last_error="",
        sent_at=None,
        next_attempt_at=None,
        failed_at=None,
    )


def outbox_discard(*, message_ids: list[int]) -> int:
    """Delete parked (failed) rows an operator gave up on; pending and sent rows are left alone."""
    deleted, _ = OutboxMessage.objects.filter(pk__in=message_ids, status=OutboxMessage.Status.FAILED).delete()
    return deleted


def outbox_delete_sent(*, older_than: timedelta) -> int:
    """Delete rows sent longer than ``older_than`` ago (the relay's housekeeping); returns how many."""
    cutoff = timezone.now() - older_than
    deleted, _ = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT, sent_at__lt=cutoff).delete()
    return deleted
