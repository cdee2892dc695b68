"""What is worth retrying, and for how long: the one place the backbone's retry rules live.

Two sides fail differently:

- **Sending** (relay → broker). A publisher reports each row as confirmed (``None``) or with an error.
  An :class:`Outage` is the broker or the link being down: no row is to blame, the transport backs off
  as a whole and the rows' own budget is untouched (the outbox absorbs outages of any length). A
  :class:`Permanent` error (unroutable, too large, unknown type, rejected) parks the row at once. Any
  other error is the row's own transient trouble: that row alone waits (exponential backoff with
  jitter) and is parked after ``EVENTS_OUTBOX_MAX_FAILURES`` such failures.
- **Handling** (broker → handler). :func:`classify` sorts a handler's exception: permanent (the event
  itself is wrong: dead-lettered at once), transient (a dependency is down: retried with exponential
  backoff and jitter until ``EVENTS_RETRY_BUDGET`` seconds have passed since the first failure), or
  unknown (most likely a bug: ``EVENTS_DELIVERY_LIMIT`` tries, then dead-lettered). Failures are
  counted by the backbone itself (a RabbitMQ header, or in memory for log transports), so a consumer
  crash never spends a message's budget.
"""

from __future__ import annotations

import enum
import random
import socket
from functools import cache

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils.module_loading import import_string

DEFAULT_DELIVERY_LIMIT = 5
DEFAULT_RETRY_BACKOFF_SECONDS = 0.2
DEFAULT_RETRY_MAX_DELAY_SECONDS = 30.0
DEFAULT_RETRY_BUDGET_SECONDS = 600.0
DEFAULT_OUTBOX_MAX_FAILURES = 8
OUTBOX_ROW_BACKOFF_BASE_SECONDS = 1.0
OUTBOX_ROW_BACKOFF_MAX_SECONDS = 60.0
DEFAULT_TRANSIENT_ERRORS = (
    "redis.exceptions.ConnectionError",
    "redis.exceptions.TimeoutError",
    "pymongo.errors.AutoReconnect",
    "pymongo.errors.ConnectionFailure",
    "pymongo.errors.NetworkTimeout",
    "httpx.TransportError",
    "requests.exceptions.ConnectionError",
    "requests.exceptions.Timeout",
)


class Outage(str):
    """A send error that is the broker's or the network's, not the row's: back off the transport."""

    __slots__ = ()


class Permanent(str):
    """A send error retrying cannot fix (unroutable, too large, rejected): park the row now."""

    __slots__ = ()


class PermanentError(Exception):
    """Raise from a handler when the event can never be applied (dead-lettered at once)."""


class TransientError(Exception):
    """Raise from a handler when a dependency is unavailable (retried for the retry budget)."""


class Failure(enum.StrEnum):
    PERMANENT = "permanent"
    TRANSIENT = "transient"
    UNKNOWN = "unknown"


def delivery_limit() -> int:
    """Tries of a message whose handler raised an unknown error (``EVENTS_DELIVERY_LIMIT``)."""
    return int(getattr(settings, "EVENTS_DELIVERY_LIMIT", DEFAULT_DELIVERY_LIMIT))


def retry_budget() -> float:
    """Seconds a transiently failing message is retried for, from its first failure (``EVENTS_RETRY_BUDGET``)."""
    return float(getattr(settings, "EVENTS_RETRY_BUDGET", DEFAULT_RETRY_BUDGET_SECONDS))


def retry_delay(failures: int) -> float:
    """Seconds before try ``failures + 1``: ``EVENTS_RETRY_BACKOFF`` * 2^(failures-1), capped at
    ``EVENTS_RETRY_MAX_DELAY``, with jitter (50-100 %) so a crowd of failed messages spreads out."""
    base = float(getattr(settings, "EVENTS_RETRY_BACKOFF", DEFAULT_RETRY_BACKOFF_SECONDS))
    cap = float(getattr(settings, "EVENTS_RETRY_MAX_DELAY", DEFAULT_RETRY_MAX_DELAY_SECONDS))
    delay = min(base * 2 ** max(failures - 1, 0), cap)
    return delay * random.uniform(0.5, 1.0)


def gives_up(kind: Failure, *, failures: int, failing_for: float) -> bool:
    """Whether a message that failed ``failures`` times over ``failing_for`` seconds goes to the dead letters."""
    if kind is Failure.PERMANENT:
        return True
    if kind is Failure.TRANSIENT:
        return failing_for >= retry_budget()
    return failures >= delivery_limit()


@cache
def _transient_classes(paths: tuple[str, ...]) -> tuple[type[BaseException], ...]:
    classes: list[type[BaseException]] = []
    for path in paths:
        try:
            classes.append(import_string(path))
        except ImportError:
            continue  # a library this service does not install
    return tuple(classes)


def classify(error: BaseException) -> Failure:
    """Permanent (contract, bad payload), transient (database, network, timeouts) or unknown."""
    from common.events.validation import InvalidEvent

    if isinstance(error, InvalidEvent | PermanentError):
        return Failure.PERMANENT
    configured = tuple(getattr(settings, "EVENTS_TRANSIENT_ERRORS", ()))
    transient = (
        TransientError,
        OperationalError,  # the database went away, a failover, a lock timeout
        InterfaceError,
        ConnectionError,
        TimeoutError,
        socket.gaierror,
        *_transient_classes(DEFAULT_TRANSIENT_ERRORS + configured),
    )
    if isinstance(error, transient):
        return Failure.TRANSIENT
    return Failure.UNKNOWN


def outbox_max_failures() -> int:
    return int(getattr(settings, "EVENTS_OUTBOX_MAX_FAILURES", DEFAULT_OUTBOX_MAX_FAILURES))


def outbox_row_backoff(failures: int) -> float:
    """Seconds a row that failed on its own ``failures`` times waits: 1, 2, 4 ... 60 s, with jitter."""
    delay = min(OUTBOX_ROW_BACKOFF_BASE_SECONDS * 2 ** max(failures - 1, 0), OUTBOX_ROW_BACKOFF_MAX_SECONDS)
    return delay * random.uniform(0.75, 1.0)
