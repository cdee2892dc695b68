"""What every transport provides, and the message processing every consumer loop shares."""

from __future__ import annotations

import enum
import logging
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.db import close_old_connections, connection

from common.events.consumer import Handler, handle_envelope
from common.events.envelope import Envelope
from common.events.outbox.models import OutboxMessage
from common.events.validation import InvalidEvent, envelope_from_bytes

logger = logging.getLogger(__name__)

DEFAULT_DELIVERY_LIMIT = 5
DEFAULT_PUBLISH_TIMEOUT_SECONDS = 10.0
DEFAULT_RETRY_BACKOFF_SECONDS = 0.2


def delivery_limit() -> int:
    """How many times a message is tried before it is dead-lettered (``EVENTS_DELIVERY_LIMIT``)."""
    return int(getattr(settings, "EVENTS_DELIVERY_LIMIT", DEFAULT_DELIVERY_LIMIT))


def publish_timeout() -> float:
    """How long the relay waits for a broker's confirmation (``EVENTS_PUBLISH_TIMEOUT``, seconds)."""
    return float(getattr(settings, "EVENTS_PUBLISH_TIMEOUT", DEFAULT_PUBLISH_TIMEOUT_SECONDS))


def retry_backoff(attempt: int) -> float:
    """Seconds to wait before trying a failed message again (``EVENTS_RETRY_BACKOFF`` x attempt, <= 2 s)."""
    return min(float(getattr(settings, "EVENTS_RETRY_BACKOFF", DEFAULT_RETRY_BACKOFF_SECONDS)) * attempt, 2.0)


class Publisher(Protocol):
    """Sends outbox rows to a broker and says, per row id, ``None`` (confirmed) or the error."""

    name: str

    def send(self, rows: Sequence[OutboxMessage]) -> dict[int, str | None]: ...

    def close(self) -> None: ...


class Outcome(enum.StrEnum):
    HANDLED = "handled"
    SKIPPED = "skipped"  # a duplicate, or a type this service has no handler for
    INVALID = "invalid"  # malformed or breaks its contract: dead-letter at once
    FAILED = "failed"  # the handler raised: try again, dead-letter after the delivery limit


@dataclass(frozen=True)
class Processed:
    outcome: Outcome
    envelope: Envelope | None = None
    error: str = ""


def process_message(body: bytes, *, handlers: Mapping[str, Handler]) -> Processed:
    """Parse and apply one message body; never raises, so a consumer loop decides ack or retry."""
    envelope = None
    if not connection.in_atomic_block:
        close_old_connections()  # a long-running consumer honours CONN_MAX_AGE and drops broken connections
    try:
        envelope = envelope_from_bytes(body)
        applied = handle_envelope(envelope, handlers=handlers)
    except InvalidEvent as error:
        return Processed(Outcome.INVALID, envelope, str(error))
    except Exception:  # the handler's error: the message must be retried, never lost
        if not connection.in_atomic_block:
            close_old_connections()  # drop a connection the error left unusable
        return Processed(Outcome.FAILED, envelope, traceback.format_exc(limit=20))
    return Processed(Outcome.HANDLED if applied else Outcome.SKIPPED, envelope)


@dataclass
class ConsumeLimits:
    """When a consumer loop stops: on ``stop``, after ``max_messages``, after ``timeout`` seconds,
    after ``idle_timeout`` seconds with nothing to do (``--once``), or once ``until()`` is true (tests)."""

    max_messages: int | None = None
    timeout: float | None = None
    idle_timeout: float | None = None
    until: Callable[[], bool] | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    started_at: float = field(default_factory=time.monotonic)
    processed: int = 0
    last_activity: float = field(default_factory=time.monotonic)

    def begin(self) -> None:
        """Start the clocks now (not when the limits were built, before the handlers were imported)."""
        self.started_at = self.last_activity = time.monotonic()

    def count(self) -> None:
        self.processed += 1
        self.last_activity = time.monotonic()

    def active(self) -> None:
        self.last_activity = time.monotonic()

    def done(self) -> bool:
        now = time.monotonic()
        return (
            self.stop.is_set()
            or (self.max_messages is not None and self.processed >= self.max_messages)
            or (self.timeout is not None and now - self.started_at >= self.timeout)
            or (self.idle_timeout is not None and now - self.last_activity >= self.idle_timeout)
            or (self.until is not None and self.until())
        )


class Consumer(Protocol):
    """Runs one transport's consumer loop for a service until its limits say stop."""

    def run(self, limits: ConsumeLimits) -> int: ...


def process_with_retries(body: bytes, *, handlers: Mapping[str, Handler], source: str) -> Processed:
    """Apply a message, retrying a failing handler up to the delivery limit, then dead-letter it.

    For log-like transports (Kafka, embedded bus) where the consumer retries in place: the position
    is committed only after this returns, so the message is applied or parked, never lost, and a
    poison message holds its partition for at most the delivery limit.
    """
    from common.events.inbox.services import dead_letter_record

    limit = delivery_limit()
    for attempt in range(1, limit + 1):
        processed = process_message(body, handlers=handlers)
        if processed.outcome in (Outcome.HANDLED, Outcome.SKIPPED):
            return processed
        if processed.outcome is Outcome.INVALID or attempt == limit:
            dead_letter_record(body=body, source=source, error=processed.error, attempts=attempt)
            logger.error(
                "message dead-lettered",
                extra={"source": source, "attempts": attempt, "event_type": _type_of(processed)},
            )
            return processed
        logger.warning("handler failed, retrying", extra={"source": source, "attempt": attempt})
        time.sleep(retry_backoff(attempt))
    return processed


def _type_of(processed: Processed) -> str:
    return processed.envelope.type if processed.envelope else ""
