"""Contract validation shared by publishing and consuming, so both sides check the same schema."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from common.events.contracts import EventContract, contract_for
from common.events.envelope import Envelope


class InvalidEvent(ValueError):
    """An event whose type is unknown or whose payload breaks its contract; retrying cannot fix it."""


def validated_payload(event: EventContract) -> dict[str, Any]:
    """The JSON payload of ``event``, re-validated against its registered contract.

    Re-validating the dumped JSON catches instances built without validation (``model_construct``) and
    payloads that would not parse back on the consumer side.
    """
    if not isinstance(event, EventContract):
        raise TypeError("publish() takes an EventContract instance")
    try:
        contract_class = contract_for(event.TYPE, event.VERSION)
    except (AttributeError, LookupError) as error:
        raise InvalidEvent(f"{type(event).__name__} is not a registered event contract") from error
    if type(event) is not contract_class:
        raise InvalidEvent(f"{type(event).__name__} is not the contract of {event.TYPE} v{event.VERSION}")
    payload = event.model_dump(mode="json", warnings=False)
    try:
        contract_class.model_validate(payload)
    except ValidationError as error:
        raise InvalidEvent(f"{event.TYPE} v{event.VERSION} breaks its contract: {error}") from error
    return payload


def event_from_envelope(envelope: Envelope) -> EventContract:
    """Parse the envelope's payload into its contract instance, or raise :class:`InvalidEvent`."""
    try:
        contract_class = contract_for(envelope.type, envelope.version)
    except LookupError as error:
        raise InvalidEvent(str(error)) from error
    try:
        return contract_class.model_validate(envelope.payload)
    except ValidationError as error:
        raise InvalidEvent(f"{envelope.type} v{envelope.version} breaks its contract: {error}") from error


def envelope_from_bytes(body: bytes) -> Envelope:
    """Parse a message body into an envelope, or raise :class:`InvalidEvent` for a malformed one."""
    try:
        return Envelope.from_bytes(body)
    except ValidationError as error:
        raise InvalidEvent(f"malformed envelope: {error}") from error
