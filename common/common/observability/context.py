"""Request and correlation ids carried through a request, an event or a Celery task.

The correlation id follows one purchase across HTTP calls, events and tasks; the request id names one
HTTP request. Both live in context variables so log records can pick them up anywhere.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
correlation_id_var: ContextVar[str | None] = ContextVar("correlation_id", default=None)
causation_id_var: ContextVar[str | None] = ContextVar("causation_id", default=None)


def new_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return request_id_var.get()


def current_correlation_id() -> str | None:
    return correlation_id_var.get()


def current_causation_id() -> str | None:
    """The id of the event being handled, if any: events published while handling it name it as cause."""
    return causation_id_var.get()


@contextmanager
def bound_ids(*, request_id: str | None = None, correlation_id: str | None = None):
    """Bind the ids for the duration of a block (an HTTP request, an event handler, a task)."""
    request_token = request_id_var.set(request_id)
    correlation_token = correlation_id_var.set(correlation_id)
    try:
        yield
    finally:
        request_id_var.reset(request_token)
        correlation_id_var.reset(correlation_token)


@contextmanager
def bound_event_ids(*, correlation_id: str | None, causation_id: str | None):
    """Bind the ids of an event being handled: its correlation id and its own id as the cause."""
    correlation_token = correlation_id_var.set(correlation_id)
    causation_token = causation_id_var.set(causation_id)
    try:
        yield
    finally:
        correlation_id_var.reset(correlation_token)
        causation_id_var.reset(causation_token)
