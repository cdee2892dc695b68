"""Writing to the outbox. Called inside the caller's transaction; never talks to a broker."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from common.events.contracts import EventContract
from common.events.envelope import Envelope
from common.events.outbox.models import OutboxMessage
from common.observability.context import current_correlation_id


def outbox_publish(
    *, event: EventContract, key: str, correlation_id: str | None = None, causation_id: str | None = None
) -> OutboxMessage:
    """Validate ``event`` against its contract and store it as a pending outbox row."""
    if not isinstance(event, EventContract):
        raise TypeError("publish() takes an EventContract instance")
    if event.PRODUCER != settings.SERVICE_NAME:
        raise ValueError(f"{settings.SERVICE_NAME} may not publish {event.TYPE} (produced by {event.PRODUCER})")
    envelope = Envelope(
        type=event.TYPE,
        version=event.VERSION,
        producer=event.PRODUCER,
        key=str(key),
        correlation_id=correlation_id or current_correlation_id(),
        causation_id=causation_id,
        payload=event.model_dump(mode="json"),
    )
    with transaction.atomic():
        return OutboxMessage.objects.create(
            event_id=envelope.event_id,
            event_type=envelope.type,
            version=envelope.version,
            key=envelope.key,
            envelope=envelope.model_dump(mode="json"),
        )
