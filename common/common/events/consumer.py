"""Applying one event: validate it, record it in the inbox and run its handler in one transaction (or
several events, in order, in one transaction: ``handle_envelopes``).

Every transport's consumer loop (RabbitMQ, Kafka, embedded) and the test helper ``deliver`` call
:func:`handle_envelope`, so the inbox rule is the same everywhere: an event id is applied at most once,
in the same transaction as the handler's effect.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from common.events.envelope import Envelope
from common.events.inbox.models import ProcessedEvent
from common.events.validation import event_from_envelope
from common.inserts import insert_new, insert_once
from common.observability.context import bound_event_ids
from common.observability.metrics import EVENTS_HANDLED

logger = logging.getLogger(__name__)

Handler = Callable[[Any, Envelope], None]
DEFAULT_EVENT_HANDLERS = "config.event_handlers.HANDLERS"

_handling = threading.local()  # the batches of the event-handling transaction running in this thread


def service_handlers() -> Mapping[str, Handler]:
    """The service's ``HANDLERS`` table, found through ``settings.EVENT_HANDLERS`` (a dotted path)."""
    return import_string(getattr(settings, "EVENT_HANDLERS", DEFAULT_EVENT_HANDLERS))


def handle_envelope(envelope: Envelope, *, handlers: Mapping[str, Handler]) -> bool:
    """Apply ``envelope`` once; return True when its handler ran and committed.

    Returns False for an event id already in the inbox and for a type this service has no handler for.
    Raises :class:`~common.events.validation.InvalidEvent` when the payload breaks its contract (the
    caller dead-letters it) and re-raises a handler's exception after rolling everything back.
    """
    handler = handlers.get(envelope.type)
    if handler is None:
        logger.debug("no handler for %s", envelope.type, extra={"event_id": str(envelope.event_id)})
        return False
    event = event_from_envelope(envelope)
    with _ids_bound(envelope):
        try:
            with transaction.atomic(), _batches_flushed_before_commit():
                ran = _apply(envelope, handler, event)
        except Exception:
            EVENTS_HANDLED.labels(event_type=envelope.type, outcome="error").inc()
            logger.exception("event handler failed", extra=_log_extra(envelope))
            raise
        _report(envelope, ran=ran)
    return ran


def handle_envelopes(envelopes: Sequence[Envelope], *, handlers: Mapping[str, Handler]) -> list[bool]:
    """Apply several envelopes, in order, in one transaction: each True when its handler ran.

    For a consumer handed several messages at once (a backlog): one commit for all of them instead of one
    each, and their inbox rows inserted in one statement before the first handler runs. The inbox rule is
    :func:`handle_envelope`'s, inside that transaction: an event id already applied, or twice in the batch,
    runs its handler once. All or nothing:
    any invalid payload or handler error rolls the whole batch back and is raised, and the caller applies
    the messages one by one (so only the failing one is retried, and none is applied twice).
    """
    planned = []
    for envelope in envelopes:
        handler = handlers.get(envelope.type)
        planned.append((envelope, handler, event_from_envelope(envelope) if handler is not None else None))
    applied: list[bool] = []
    with transaction.atomic(), _batches_flushed_before_commit():
        fresh = _record_many_in_inbox([envelope for envelope, handler, _event in planned if handler is not None])
        for envelope, handler, event in planned:
            ran = handler is not None and envelope.event_id in fresh
            if ran:
                fresh.discard(envelope.event_id)  # a second copy in the same batch is a duplicate
                with _ids_bound(envelope):
                    handler(event, envelope)
            applied.append(ran)
        _isolate_commit_hooks()
    for (envelope, handler, _event), ran in zip(planned, applied, strict=True):
        if handler is not None:
            with _ids_bound(envelope):
                _report(envelope, ran=ran, batch=len(planned))
    return applied


def batch_before_commit(name: str, flush: Callable[[list], object]) -> list:
    """The list ``name`` of the event-handling transaction this handler runs in; ``flush(items)`` runs once
    with what its handlers appended, after the last handler and before the commit.

    For a handler that writes to another store (MongoDB): a backlog's batch (``handle_envelopes``) then costs
    one write of many documents instead of one round trip per event. The flush is inside the transaction: if
    it raises, everything rolls back as for a handler's error (the batch is then applied one by one, each
    event retried), so the inbox never records an event whose write did not happen. The write must be
    idempotent by event id: a commit that fails after the flush brings the events back.
    """
    batches = getattr(_handling, "batches", None)
    if batches is None:
        raise RuntimeError("batch_before_commit() is for event handlers (inside handle_envelope[s])")
    if name not in batches:
        batches[name] = (flush, [])
    return batches[name][1]


@contextlib.contextmanager
def _batches_flushed_before_commit() -> Iterator[None]:
    """Collect the handlers' ``batch_before_commit`` lists; flush them when the handlers are done (an error
    drops them: nothing is written for a transaction that rolls back)."""
    outer = getattr(_handling, "batches", None)
    _handling.batches = batches = {}
    try:
        yield
        for flush, items in batches.values():
            if items:
                flush(items)
    finally:
        _handling.batches = outer


def _apply(envelope: Envelope, handler: Handler, event: Any) -> bool:
    """Inside the caller's transaction: the inbox row, then the handler; False (nothing run) for a duplicate."""
    if not _record_in_inbox(envelope):
        return False
    handler(event, envelope)
    return True


def _ids_bound(envelope: Envelope):
    """The event's correlation and causation ids on every log line and follow-up event of its handling."""
    return bound_event_ids(correlation_id=envelope.correlation_id, causation_id=str(envelope.event_id))


def _log_extra(envelope: Envelope, **extra: Any) -> dict[str, Any]:
    return {"event_id": str(envelope.event_id), "event_type": envelope.type, **extra}


def _report(envelope: Envelope, *, ran: bool, **extra: Any) -> None:
    """Log and count an applied event (``handled``) or a redelivery the inbox skipped (``duplicate``)."""
    logger.info("event handled" if ran else "event already processed", extra=_log_extra(envelope, **extra))
    EVENTS_HANDLED.labels(event_type=envelope.type, outcome="handled" if ran else "duplicate").inc()


def _isolate_commit_hooks() -> None:
    """Run every ``on_commit`` hook of the batch even when one raises (Django stops at the first error).

    Alone in its transaction, a handler's failing hook could only fail its own message, which the inbox
    then skips on redelivery; in a batch it would also drop the hooks of the events after it. Robust
    hooks log the error (``django.db.backends.base``) and the rest still run.
    """
    connection = transaction.get_connection()
    connection.run_on_commit = [(savepoints, hook, True) for savepoints, hook, _ in connection.run_on_commit]


def _record_many_in_inbox(envelopes: Sequence[Envelope]) -> set:
    """The batch's inbox rows in one statement, before any handler runs (``insert_new``); the event ids it
    inserted. An id already in the inbox (a redelivery) is left out, and a concurrent consumer inserting the
    same id waits for this transaction and then finds it, as with ``_record_in_inbox``."""
    rows = [{"event_id": envelope.event_id, "event_type": envelope.type} for envelope in envelopes]
    return insert_new(ProcessedEvent, rows=rows, unique="event_id")


def _record_in_inbox(envelope: Envelope) -> bool:
    """Insert the inbox row first: a concurrent duplicate then waits on the unique index and loses.

    ``insert_once``: on PostgreSQL one ``INSERT ... ON CONFLICT (event_id) DO NOTHING RETURNING``, no
    savepoint; a duplicate inserts nothing and is reported as such.
    """
    return insert_once(
        ProcessedEvent, values={"event_id": envelope.event_id, "event_type": envelope.type}, unique=("event_id",)
    )
