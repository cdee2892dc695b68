"""The relay: sends pending outbox rows to their transports and marks them sent once confirmed.

Rows go in id order, a batch at a time. On PostgreSQL the batch is locked with ``SELECT ... FOR
UPDATE SKIP LOCKED`` so several relays share the work without sending a row twice at once; on SQLite
(one relay per service) rows are read without a transaction so the database is not held during a
broker round trip. A row is marked sent only when every transport it goes to confirmed it.

A failure is handled by its kind (:mod:`common.events.retry`): a broker outage leaves the rows pending
and backs off that transport alone; a row's own error backs off that row alone (``next_attempt_at``)
and parks it as ``failed`` after ``EVENTS_OUTBOX_MAX_FAILURES``; a permanent error parks it at once.
A parked row is never retried automatically (admin: retry or discard), so it can never slow down the
healthy rows of its transport.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from common.compiled_queries import CompiledQuery
from common.events import routing
from common.events.contracts import REGISTRY
from common.events.outbox.models import OutboxMessage
from common.events.outbox.selectors import outbox_backlog, outbox_due, outbox_failed_count
from common.events.outbox.wakeup import PendingWaiter, PollingWaiter, relay_idle_poll_seconds
from common.events.retention import events_prune
from common.events.retry import Outage, Permanent, outbox_max_failures, outbox_row_backoff
from common.events.transports import Publisher, publisher_for
from common.observability.metrics import OUTBOX_FAILED, OUTBOX_OLDEST_PENDING_AGE, OUTBOX_PENDING, OUTBOX_PUBLISHED
from common.updates import values_update

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500
MAX_BACKOFF_SECONDS = 30.0
METRICS_REFRESH_SECONDS = 1.0
HOUSEKEEPING_SECONDS = 600.0


@dataclass(frozen=True)
class RelayResult:
    sent: int = 0
    failed: int = 0
    outage: bool = False  # the broker itself failed: the transport backs off
    parked: int = 0
    outages: frozenset[str] = frozenset()  # which transports failed that way (empty: unknown, or none)

    @property
    def tried(self) -> int:
        return self.sent + self.failed


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
    OUTBOX_FAILED.set(outbox_failed_count())


def pending_routed_to(transport: str) -> QuerySet[OutboxMessage]:
    """Due rows whose event type travels on ``transport`` (rows of unknown types go with the first)."""
    transports = routing.configured_transports()
    if len(transports) == 1:
        return outbox_due()
    registered = {event_type for event_type, _version in REGISTRY}
    routed_here = [event_type for event_type in registered if routing.transport_for(event_type) == transport]
    if transport == transports[0]:
        return outbox_due().filter(Q(event_type__in=routed_here) | ~Q(event_type__in=registered))
    return outbox_due().filter(event_type__in=routed_here)


def _mark_sent(rows: list[OutboxMessage], now) -> None:
    """Mark the confirmed rows sent: one ``UPDATE`` whose SQL is built once per batch size (the queryset's
    ``update`` with its ``F()`` was a third of a small batch's CPU, and batches are small under load)."""
    if rows:
        values_update(
            OutboxMessage,
            values={"status": OutboxMessage.Status.SENT, "sent_at": now, "last_error": "", "next_attempt_at": None},
            increment=("attempts",),
            where={"pk": [row.pk for row in rows]},
        )


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
        # The claim over every transport, run on every wake-up: compiled once (common.compiled_queries).
        self._claim_due = CompiledQuery(lambda: outbox_due().select_for_update(skip_locked=True)[:batch_size])

    def relay_batch(self, transport: str | None = None) -> RelayResult:
        """Send at most one batch of due rows (only those routed to ``transport`` when given)."""
        locking = connection.features.has_select_for_update_skip_locked
        with transaction.atomic() if locking else contextlib.nullcontext():
            if transport is None and locking:
                rows = self._claim_due()
            else:
                pending = outbox_due() if transport is None else pending_routed_to(transport)
                if locking:
                    pending = pending.select_for_update(skip_locked=True)
                rows = list(pending[: self.batch_size])
            if not rows:
                return RelayResult()
            errors, outages = self._send(rows)
            sent = [row for row in rows if row.pk not in errors]
            now = timezone.now()
            _mark_sent(sent, now)
            parked = self._record_failures(rows, errors, now)
        for event_type, count in Counter(row.event_type for row in sent).items():
            OUTBOX_PUBLISHED.labels(event_type=event_type).inc(count)
        outage = any(isinstance(error, Outage) for error in errors.values())
        if errors:
            logger.warning(
                "outbox rows not confirmed",
                extra={"failed": len(errors), "parked": parked, "error": next(iter(errors.values()))},
            )
        return RelayResult(sent=len(sent), failed=len(errors), outage=outage, parked=parked, outages=outages)

    @staticmethod
    def _record_failures(rows: list[OutboxMessage], errors: dict[int, str], now) -> int:
        """Outage: attempts and error only. The row's own error: its backoff, or parked. Returns how many parked."""
        outage_by_error: dict[str, list[int]] = defaultdict(list)
        parked = 0
        for row in rows:
            error = errors.get(row.pk)
            if error is None:
                continue
            if isinstance(error, Outage):
                outage_by_error[error[:2000]].append(row.pk)
                continue
            failures = row.failures + 1
            update = {"attempts": F("attempts") + 1, "failures": failures, "last_error": str(error)[:2000]}
            if isinstance(error, Permanent) or failures >= outbox_max_failures():
                update.update(status=OutboxMessage.Status.FAILED, failed_at=now, next_attempt_at=None)
                parked += 1
                logger.error(
                    "outbox row parked", extra={"row_id": row.pk, "event_type": row.event_type, "error": str(error)}
                )
            else:
                update["next_attempt_at"] = now + timedelta(seconds=outbox_row_backoff(failures))
            OutboxMessage.objects.filter(pk=row.pk).update(**update)
        for error, row_ids in outage_by_error.items():
            OutboxMessage.objects.filter(pk__in=row_ids).update(attempts=F("attempts") + 1, last_error=error)
        return parked

    def relay_pending(self) -> RelayResult:
        """Send batches until nothing is due or a transport is down (``relay_outbox --once``).

        While every transport answers, each batch is one claim over all of them; once one is down, the
        others go on with claims of their own rows, so the one down never holds them back."""
        sent = failed = parked = 0
        outage = False
        down: set[str] = set()
        while True:
            result = self.relay_batch()
            sent, failed, parked = sent + result.sent, failed + result.failed, parked + result.parked
            if result.outage:
                outage = True
                down |= set(result.outages or routing.configured_transports())
                break
            if result.tried < self.batch_size:
                return RelayResult(sent=sent, failed=failed, outage=outage, parked=parked)
        for transport in routing.configured_transports():
            if transport in down:
                continue
            while True:
                result = self.relay_batch(transport)
                sent, failed, parked = sent + result.sent, failed + result.failed, parked + result.parked
                outage = outage or result.outage
                if result.outage or result.tried < self.batch_size:
                    break
        return RelayResult(sent=sent, failed=failed, outage=outage, parked=parked)

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
            if not any(backoff.seconds for backoff in backoffs.values()):
                more_waiting = self._relay_all(backoffs)  # every transport up: one claim for all of them
            else:
                more_waiting = self._relay_each(backoffs)
            now = time.monotonic()
            if now >= housekeeping_due:
                housekeeping_due = now + HOUSEKEEPING_SECONDS
                self._housekeeping()
            if now >= metrics_due:
                metrics_due = now + METRICS_REFRESH_SECONDS
                outbox_refresh_metrics()
            if more_waiting:
                continue
            retries = [backoff.remaining() for backoff in backoffs.values() if backoff.seconds]
            if len(retries) == len(backoffs):
                stop.wait(min(retries))  # every transport is down: sleep until the first retry
            else:
                timeout = min([poll_interval, *retries])
                if not retries and waiter.listening():
                    # every commit wakes it: the poll only finds rows whose own backoff ran out
                    timeout = max(timeout, relay_idle_poll_seconds())
                waiter.wait(timeout)  # woken early by a commit's NOTIFY (PostgreSQL)

    def _relay_all(self, backoffs: dict[str, _Backoff]) -> bool:
        """One batch over every transport; a transport that failed starts its backoff. True: a full batch."""
        try:
            result = self.relay_batch()
        except Exception:
            logger.exception("relay batch failed")
            result = RelayResult(failed=1, outage=True)
        failing = set(result.outages or backoffs) if result.outage else set()
        for transport, backoff in backoffs.items():
            if transport in failing:
                backoff.fail()
                logger.info("relay backing off", extra={"transport": transport, "seconds": backoff.seconds})
        return result.tried >= self.batch_size and not failing

    def _relay_each(self, backoffs: dict[str, _Backoff]) -> bool:
        """While a transport is backing off: a claim per due transport, of its own rows only."""
        more_waiting = False
        for transport, backoff in backoffs.items():
            if not backoff.due():
                continue
            try:
                result = self.relay_batch(transport)
            except Exception:
                logger.exception("relay batch failed", extra={"transport": transport})
                result = RelayResult(failed=1, outage=True)
            if result.outage:
                backoff.fail()
                logger.info("relay backing off", extra={"transport": transport, "seconds": backoff.seconds})
            else:
                backoff.reset()  # a row's own failure is that row's backoff, never the transport's
                more_waiting = more_waiting or result.tried >= self.batch_size
        return more_waiting

    @staticmethod
    def _housekeeping() -> None:
        """The retention of every events table (``events_prune``), every 10 minutes of the relay's loop."""
        try:
            pruned = events_prune()
        except Exception:
            logger.exception("events pruning failed; trying again at the next housekeeping")
            return
        if any(pruned.values()):
            logger.info("pruned events tables", extra={"pruned": pruned})

    def close(self) -> None:
        for publisher in self.publishers.values():
            publisher.close()

    def _send(self, rows: list[OutboxMessage]) -> tuple[dict[int, str], frozenset[str]]:
        """Each row to its transports: ``({row id: error}, transports that reported an outage)``."""
        by_transport: dict[str, list[OutboxMessage]] = defaultdict(list)
        routes: dict[str, list[str]] = {}
        for row in rows:
            if row.event_type not in routes:
                routes[row.event_type] = transports_of(row.event_type)
            for transport in routes[row.event_type]:
                by_transport[transport].append(row)
        errors: dict[int, str] = {}
        outages: set[str] = set()
        for transport, transport_rows in by_transport.items():
            if transport not in self.publishers:
                self.publishers[transport] = publisher_for(transport)
            for row_id, error in self.publishers[transport].send(transport_rows).items():
                if error:
                    errors.setdefault(row_id, error)
                    if isinstance(error, Outage):
                        outages.add(transport)
        return errors, frozenset(outages)
