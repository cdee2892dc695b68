"""MongoDB, optional and never in a page's way: without ``MONGODB_URI`` nothing is recorded or read, and a
failure is logged, never raised; after one, MongoDB is skipped for ``CATALOG_MONGODB_RETRY_SECONDS`` so
an outage costs at most one short timeout per period."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from mongoengine.errors import MongoEngineException
from pymongo.errors import PyMongoError

from common.mongo import ensure_connection, mongo_configured

logger = logging.getLogger(__name__)

T = TypeVar("T")

_state_lock = threading.Lock()
_skip_until = 0.0


def mongo_reset_breaker() -> None:
    global _skip_until
    with _state_lock:
        _skip_until = 0.0


def with_mongo(what: str, action: Callable[[], T], default: T) -> T:
    """``action()``, or ``default`` when MongoDB is not configured, recently failed or fails now."""
    global _skip_until
    if not mongo_configured() or time.monotonic() < _skip_until:
        return default
    try:
        ensure_connection()
        return action()
    except (PyMongoError, MongoEngineException) as exc:
        with _state_lock:
            _skip_until = time.monotonic() + settings.CATALOG_MONGODB_RETRY_SECONDS
        logger.warning("MongoDB unavailable: %s skipped", what, extra={"error": str(exc)})
        return default
