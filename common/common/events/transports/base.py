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

from common.events.consumer import Handler, handle_envelope, handle_envelopes
from common.events.envelope import Envelope
from common.events.outbox.models import OutboxMessage
from common.events.retry import Failure, classify, delivery_limit, gives_up, retry_delay
from common.events.validation import InvalidEvent, envelope_from_bytes

logger = logging.getLogger(__name__)
# How many messages a consumer takes at a time (``EVENTS_PREFETCH``): RabbitMQ's prefetch, Kafka's batch.
DEFAULT_PREFETCH = 20

DEFAULT_PUBLISH_TIMEOUT_SECONDS = 10.0

__all__ = ["delivery_limit"]  # re-exported: older imports take it from here


def publish_timeout() -> float:
    """How long the relay waits for a broker's confirmation (``EVENTS_PUBLISH_TIMEOUT``, seconds)."""
    return float(getattr(settings, "EVENTS_PUBLISH_TIMEOUT", DEFAULT_PUBLISH_TIMEOUT_SECONDS))


class Publisher(Protocol):
    """Sends outbox rows to a broker and says, per row id, ``None`` (confirmed) or the error.

    An error is an :class:`~common.events.retry.Outage` (the broker is down: the transport backs off),
    a :class:`~common.events.retry.Permanent` (the row is parked) or a plain string (that row retries
    on its own backoff); see :mod:`common.events.retry`.
    """

    name: str

    def send(self, rows: Sequence[OutboxMessage]) -> dict[int, str | None]: ...

    def close(self) -> None: ...


class Outcome(enum.StrEnum):
    HANDLED = "handled"
    SKIPPED = "skipped"  # a duplicate, or a type this service has no handler for
    INVALID = "invalid"  # malformed or breaks its contract: dead-letter at once
    FAILED = "failed"  # the handler raised: ``failure`` says whether and how long to retry


@dataclass(frozen=True)
class Processed:
    outcome: Outcome
    envelope: Envelope | None = None
    error: str = ""
    failure: Failure | None = None


def process_message(body: bytes, *, handlers: Mapping[str, Handler]) -> Processed:
    """Parse and apply one message body; never raises, so a consumer loop decides ack or retry."""
    envelope = None
    if not connection.in_atomic_block:
        close_old_connections()  # a long-running consumer honours CONN_MAX_AGE and drops broken connections
    try:
        envelope = envelope_from_bytes(body)
        applied = handle_envelope(envelope, handlers=handlers)
    except InvalidEvent as error:
        return Processed(Outcome.INVALID, envelope, str(error), Failure.PERMANENT)
    except Exception as error:  # the handler's error: retried or parked, never lost
        if not connection.in_atomic_block:
            close_old_connections()  # drop a connection the error left unusable
        failure = classify(error)
        outcome = Outcome.INVALID if failure is Failure.PERMANENT else Outcome.FAILED
        return Processed(outcome, envelope, traceback.format_exc(limit=20), failure)
    return Processed(Outcome.HANDLED if applied else Outcome.SKIPPED, envelope)


def process_messages(bodies: Sequence[bytes], *, handlers: Mapping[str, Handler]) -> list[Processed]:
    """Apply message bodies a consumer was handed together, in one transaction (``handle_envelopes``).

    Never raises. When any of them cannot be applied (malformed, breaks its contract, its handler
    raised) the batch's transaction is rolled back and each message is processed on its own
    (:func:`process_message`), so the one that fails is retried or parked alone and the others are
    applied once.
    """
    if len(bodies) == 1:
        return [process_message(bodies[0], handlers=handlers)]
    together = _applied_together(bodies, handlers=handlers)
    if together is not None:
        return together
    return [process_message(body, handlers=handlers) for body in bodies]


def process_batch_with_retries(
    bodies: Sequence[bytes],
    *,
    handlers: Mapping[str, Handler],
    sources: Sequence[str],
    stop: threading.Event | None = None,
) -> list[Processed]:
    """For log-like transports (Kafka): messages fetched together, applied in one transaction; when any
    cannot be, that transaction is rolled back and each is applied in order by :func:`process_with_retries`
    (retried in place or parked), so a partition's order holds and nothing is applied twice.

    Returns what was done with the leading messages: every one, or fewer when ``stop`` was set while one
    waited to retry (that one and those after it must come back: their positions must not be committed).
    """
    if len(bodies) > 1:
        together = _applied_together(bodies, handlers=handlers)
        if together is not None:
            return together
    done: list[Processed] = []
    for body, source in zip(bodies, sources, strict=True):
        processed = process_with_retries(body, handlers=handlers, source=source, stop=stop)
        if processed is None:
            break
        done.append(processed)
    return done


def _applied_together(bodies: Sequence[bytes], *, handlers: Mapping[str, Handler]) -> list[Processed] | None:
    """The messages applied in one transaction (``handle_envelopes``), or None (all rolled back) when any
    of them cannot be."""
    if not connection.in_atomic_block:
        close_old_connections()
    try:
        envelopes = [envelope_from_bytes(body) for body in bodies]
        applied = handle_envelopes(envelopes, handlers=handlers)
    except Exception as error:
        logger.warning(
            "a batch of messages failed; applying them one by one", extra={"batch": len(bodies), "error": repr(error)}
        )
        return None
    return [
        Processed(Outcome.HANDLED if ran else Outcome.SKIPPED, envelope)
        for envelope, ran in zip(envelopes, applied, strict=True)
    ]


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


def process_with_retries(
    body: bytes, *, handlers: Mapping[str, Handler], source: str, stop: threading.Event | None = None
) -> Processed | None:
    """Apply a message, retrying in place by the rules of :mod:`common.events.retry`, else dead-letter it.

    For log-like transports (Kafka, embedded bus) where the consumer retries in place: the position
    is committed only after this returns, so the message is applied or parked, never lost. Failures
    are counted here, in memory: a crash restarts the count, it never spends the budget. Returns None
    when ``stop`` was set while waiting to retry (the position must not move: the message comes back).
    """
    from common.events.inbox.services import dead_letter_record

    stop = stop or threading.Event()
    failures, first_failure = 0, 0.0
    while True:
        processed = process_message(body, handlers=handlers)
        if processed.outcome in (Outcome.HANDLED, Outcome.SKIPPED):
            return processed
        failures += 1
        now = time.monotonic()
        first_failure = first_failure or now
        kind = processed.failure or Failure.PERMANENT
        if gives_up(kind, failures=failures, failing_for=now - first_failure):
            dead_letter_record(body=body, source=source, error=processed.error, attempts=failures)
            logger.error(
                "message dead-lettered",
                extra={"source": source, "attempts": failures, "failure": kind, "event_type": _type_of(processed)},
            )
            return processed
        delay = retry_delay(failures)
        logger.warning(
            "handler failed, retrying", extra={"source": source, "attempt": failures, "failure": kind, "delay": delay}
        )
        if stop.wait(delay):
            return None


def _type_of(processed: Processed) -> str:
    return processed.envelope.type if processed.envelope else ""
