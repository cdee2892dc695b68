"""The relay: sends pending outbox rows to their transports and marks them sent once confirmed.

Rows go in id order, a batch at a time. On PostgreSQL the batch is locked with ``SELECT ... FOR
UPDATE SKIP LOCKED`` so several relays share the work without sending a row twice at once; on SQLite
(one relay per service) rows are read without a transaction so the database is not held during a
broker round trip. A row is marked sent only when every transport it goes to confirmed it; a failed
row stays pending with ``attempts`` and ``last_error`` updated, and the loop backs off exponentially.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from common.events import routing
from common.events.contracts import REGISTRY
from common.events.outbox.models import OutboxMessage
from common.events.outbox.selectors import outbox_backlog, outbox_pending
from common.events.outbox.services import outbox_delete_sent
from common.events.outbox.wakeup import PendingWaiter, PollingWaiter
from common.events.transports import Publisher, publisher_for
from common.observability.metrics import OUTBOX_OLDEST_PENDING_AGE, OUTBOX_PENDING, OUTBOX_PUBLISHED

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500
MAX_BACKOFF_SECONDS = 30.0
METRICS_REFRESH_SECONDS = 1.0
HOUSEKEEPING_SECONDS = 600.0
DEFAULT_RETENTION_DAYS = 7


@dataclass(frozen=True)
class RelayResult:
    sent: int = 0
    failed: int = 0


def transports_of(event_type: str) -> list[str]:
    """Where a row goes: its routed transport, plus Kafka when the audit topic is on."""
    transports = [routing.transport_for(event_type)]
    if routing.audit_enabled() and routing.KAFKA not in transports:
        transports.append(routing.KAFKA)
    return transports


def outbox_refresh_metrics() -> None:
    count, age = outbox_backlog()
    OUTBOX_PENDING.set(count)
    OUTBOX_OLDEST_PENDING_AGE.set(age)


def pending_routed_to(transport: str) -> QuerySet[OutboxMessage]:
    """Pending rows whose event type travels on ``transport`` (rows of unknown types go with the first)."""
    transports = routing.configured_transports()
    if len(transports) == 1:
        return outbox_pending()
    registered = {event_type for event_type, _version in REGISTRY}
    routed_here = [event_type for event_type in registered if routing.transport_for(event_type) == transport]
    if transport == transports[0]:
        return outbox_pending().filter(Q(event_type__in=routed_here) | ~Q(event_type__in=registered))
    return outbox_pending().filter(event_type__in=routed_here)


class _Backoff:
    """Exponential backoff of one transport: 0.5 s, 1 s, 2 s ... up to 30 s; reset by a success."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.retry_at = 0.0

    def due(self) -> bool:
        return time.monotonic() >= self.retry_at

    def remaining(self) -> float:
        return max(0.0, self.retry_at - time.monotonic())

    def fail(self) -> None:
        self.seconds = min(max(self.seconds * 2, 0.5), MAX_BACKOFF_SECONDS)
        self.retry_at = time.monotonic() + self.seconds

    def reset(self) -> None:
        self.seconds = self.retry_at = 0.0


class OutboxRelay:
    """Sends outbox batches; ``publishers`` overrides the transports (tests, the benchmark)."""

    def __init__(self, *, batch_size: int = DEFAULT_BATCH_SIZE, publishers: dict[str, Publisher] | None = None):
        self.batch_size = batch_size
        self.publishers: dict[str, Publisher] = dict(publishers or {})

    def relay_batch(self, transport: str | None = None) -> RelayResult:
        """Send at most one batch of pending rows (only those routed to ``transport`` when given)."""
        locking = connection.features.has_select_for_update_skip_locked
        with transaction.atomic() if locking else contextlib.nullcontext():
            pending = outbox_pending() if transport is None else pending_routed_to(transport)
            if locking:
                pending = pending.select_for_update(skip_locked=True)
            rows = list(pending[: self.batch_size])
            if not rows:
                return RelayResult()
            errors = self._send(rows)
            sent = [row for row in rows if row.pk not in errors]
            OutboxMessage.objects.filter(pk__in=[row.pk for row in sent]).update(
                status=OutboxMessage.Status.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
            )
            failed_by_error: dict[str, list[int]] = defaultdict(list)
            for row_id, error in errors.items():
                failed_by_error[error[:2000]].append(row_id)
            for error, row_ids in failed_by_error.items():
                OutboxMessage.objects.filter(pk__in=row_ids).update(attempts=F("attempts") + 1, last_error=error)
        for event_type, count in Counter(row.event_type for row in sent).items():
            OUTBOX_PUBLISHED.labels(event_type=event_type).inc(count)
        if errors:
            logger.warning(
                "outbox rows not confirmed", extra={"failed": len(errors), "error": next(iter(errors.values()))}
            )
        return RelayResult(sent=len(sent), failed=len(errors))

    def relay_pending(self) -> RelayResult:
        """Send each transport's batches until it has nothing pending or fails (``relay_outbox --once``)."""
        sent = failed = 0
        for transport in routing.configured_transports():
            while True:
                result = self.relay_batch(transport)
                sent, failed = sent + result.sent, failed + result.failed
                if result.failed or result.sent < self.batch_size:
                    break
        return RelayResult(sent=sent, failed=failed)

    def run(self, *, stop: threading.Event, poll_interval: float = 0.2, waiter: PollingWaiter | None = None) -> None:
        """Relay until ``stop`` is set. Each transport backs off on its own while it fails, so a broker
        that is down never holds back the events routed to the other one."""
        waiter = waiter or PendingWaiter(stop)
        try:
            self._loop(stop=stop, waiter=waiter, poll_interval=poll_interval)
        finally:
            waiter.close()

    def _loop(self, *, stop: threading.Event, waiter: PollingWaiter, poll_interval: float) -> None:
        backoffs = {transport: _Backoff() for transport in routing.configured_transports()}
        metrics_due = housekeeping_due = time.monotonic()
        while not stop.is_set():
            if not connection.in_atomic_block:
                close_old_connections()  # honour CONN_MAX_AGE, recover from a database restart
            more_waiting = False
            for transport, backoff in backoffs.items():
                if not backoff.due():
                    continue
                try:
                    result = self.relay_batch(transport)
                except Exception:
                    logger.exception("relay batch failed", extra={"transport": transport})
                    result = RelayResult(failed=1)
                if result.failed:
                    backoff.fail()
                    logger.info("relay backing off", extra={"transport": transport, "seconds": backoff.seconds})
                else:
                    backoff.reset()
                    more_waiting = more_waiting or result.sent >= self.batch_size
            now = time.monotonic()
            if now >= housekeeping_due:
                housekeeping_due = now + HOUSEKEEPING_SECONDS
                self._delete_old_sent_rows()
            if now >= metrics_due:
                metrics_due = now + METRICS_REFRESH_SECONDS
                outbox_refresh_metrics()
            if more_waiting:
                continue
            retries = [backoff.remaining() for backoff in backoffs.values() if backoff.seconds]
            if len(retries) == len(backoffs):
                stop.wait(min(retries))  # every transport is down: sleep until the first retry
            else:
                waiter.wait(min([poll_interval, *retries]))  # woken early by a commit's NOTIFY (PostgreSQL)

    @staticmethod
    def _delete_old_sent_rows() -> None:
        days = int(getattr(settings, "EVENTS_OUTBOX_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
        deleted = outbox_delete_sent(older_than=timedelta(days=days))
        if deleted:
            logger.info("deleted old sent outbox rows", extra={"deleted": deleted, "retention_days": days})

    def close(self) -> None:
        for publisher in self.publishers.values():
            publisher.close()

    def _send(self, rows: list[OutboxMessage]) -> dict[int, str]:
        by_transport: dict[str, list[OutboxMessage]] = defaultdict(list)
        routes: dict[str, list[str]] = {}
        for row in rows:
            if row.event_type not in routes:
                routes[row.event_type] = transports_of(row.event_type)
            for transport in routes[row.event_type]:
                by_transport[transport].append(row)
        errors: dict[int, str] = {}
        for transport, transport_rows in by_transport.items():
            if transport not in self.publishers:
                self.publishers[transport] = publisher_for(transport)
            for row_id, error in self.publishers[transport].send(transport_rows).items():
                if error:
                    errors.setdefault(row_id, error)
        return errors
