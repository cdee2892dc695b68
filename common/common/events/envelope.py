"""The envelope every event travels in, whatever the transport."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Envelope(BaseModel):
    """Metadata plus the contract-validated payload. ``key`` is the aggregate id (Kafka partition key)."""

    model_config = ConfigDict(frozen=True)

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str
    version: int
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    producer: str
    key: str
    correlation_id: str | None = None
    causation_id: str | None = None
    payload: dict[str, Any]

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, body: bytes) -> Envelope:
        return cls.model_validate_json(body)


def envelope_for(
    event: Any,
    *,
    key: str,
    correlation_id: str | None = None,
    causation_id: str | None = None,
    payload: dict[str, Any] | None = None,
) -> Envelope:
    """Wrap a contract instance (an ``EventContract``) in a new envelope with a fresh event id."""
    return Envelope(
        type=event.TYPE,
        version=event.VERSION,
        producer=event.PRODUCER,
        key=str(key),
        correlation_id=correlation_id,
        causation_id=causation_id,
        payload=payload if payload is not None else event.model_dump(mode="json"),
    )
