"""Helpers for unit-testing publishers and handlers without a broker.

- ``published(event_type=None)``: the envelopes written to the outbox (in order), optionally of one type.
- ``deliver(event_or_envelope, handlers=HANDLERS)``: runs the real consumer path in-process (contract
  validation, inbox row and handler in one transaction); returns False for a duplicate.
- ``deliver_published(handlers=HANDLERS)``: delivers every pending outbox envelope to ``handlers`` and
  marks the rows sent, to chain a flow (a handler that publishes) in one test.
- ``relay_all(**relay_options)``: one real relay (``OutboxRelay``) sends every pending row to the
  configured brokers, then closes; returns its ``RelayResult``.
- ``InMemoryTransport``: a fake broker for relay tests; it keeps what it was sent and can be "down".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from common.events.consumer import Handler, handle_envelope
from common.events.envelope import Envelope, envelope_for
from common.events.outbox.models import OutboxMessage
from common.events.outbox.relay import OutboxRelay, RelayResult
from common.events.retry import Outage

__all__ = ["InMemoryTransport", "deliver", "deliver_published", "envelope_of", "published", "relay_all"]


def published(event_type: str | None = None) -> list[Envelope]:
    """Envelopes in the outbox (pending or sent), oldest first; only ``event_type`` when given."""
    rows = OutboxMessage.objects.order_by("id")
    if event_type is not None:
        rows = rows.filter(event_type=event_type)
    return [Envelope.model_validate(row.envelope) for row in rows]


def envelope_of(
    event: Any,
    *,
    key: str = "test-key",
    correlation_id: str | None = None,
    causation_id: str | None = None,
    event_id: Any = None,
) -> Envelope:
    """An envelope around a contract instance, as another service's relay would have sent it."""
    envelope = envelope_for(event, key=key, correlation_id=correlation_id, causation_id=causation_id)
    if event_id is not None:
        envelope = envelope.model_copy(update={"event_id": event_id})
    return envelope


def deliver(
    event_or_envelope: Any,
    *,
    handlers: Mapping[str, Handler],
    key: str = "test-key",
    correlation_id: str | None = None,
    event_id: Any = None,
) -> bool:
    """Hand an event to ``handlers`` exactly as ``consume_events`` does; True when its handler ran."""
    if isinstance(event_or_envelope, Envelope):
        envelope = event_or_envelope
    else:
        envelope = envelope_of(event_or_envelope, key=key, correlation_id=correlation_id, event_id=event_id)
    return handle_envelope(envelope, handlers=handlers)


def deliver_published(*, handlers: Mapping[str, Handler], event_type: str | None = None) -> list[Envelope]:
    """Deliver every pending outbox envelope (of ``event_type``) to ``handlers``; mark the rows sent.

    Returns the envelopes delivered, in outbox order. Events a handler publishes meanwhile stay pending
    for the next call, as they would wait for the relay.
    """
    rows = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).order_by("id")
    if event_type is not None:
        rows = rows.filter(event_type=event_type)
    delivered = []
    for row in list(rows):
        envelope = Envelope.model_validate(row.envelope)
        handle_envelope(envelope, handlers=handlers)
        OutboxMessage.objects.filter(pk=row.pk).update(status=OutboxMessage.Status.SENT, sent_at=timezone.now())
        delivered.append(envelope)
    return delivered


def relay_all(**relay_options) -> RelayResult:
    """Send every pending outbox row with a real relay (the brokers the settings name), then close it."""
    relay = OutboxRelay(**relay_options)
    try:
        return relay.relay_pending()
    finally:
        relay.close()


class InMemoryTransport:
    """A fake broker for relay tests: records every envelope it confirms; ``down=True`` refuses all
    (an outage); ``row_errors[event_id] = error`` fails one row with that error."""

    name = "memory"

    def __init__(self) -> None:
        self.sent: list[Envelope] = []
        self.down = False
        self.row_errors: dict[Any, str] = {}

    def send(self, rows: Sequence[OutboxMessage]) -> dict[int, str | None]:
        if self.down:
            return {row.pk: Outage("in-memory broker is down") for row in rows}
        results: dict[int, str | None] = {}
        for row in rows:
            error = self.row_errors.get(row.event_id)
            if error is None:
                self.sent.append(Envelope.model_validate(row.envelope))
            results[row.pk] = error
        return results

    def close(self) -> None:
        """Nothing to release."""
