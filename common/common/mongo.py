"""MongoDB connections through mongoengine, made lazily so a service starts even when MongoDB is down.

``MONGODB_URI`` names the server: nx-27017 (a MongoDB-protocol server from PyPI, SQLite-backed) in
the local run (`make run`) and CI, MongoDB in production. Callers treat MongoDB as optional: a failure is logged, never
turned into a failed page.
"""

from __future__ import annotations

import threading

import mongoengine
from django.conf import settings

DEFAULT_ALIAS = "default"
_lock = threading.Lock()
_connected: set[str] = set()


def mongo_configured() -> bool:
    return bool(getattr(settings, "MONGODB_URI", ""))


def ensure_connection(alias: str = DEFAULT_ALIAS) -> None:
    """Register the mongoengine connection once per process; pymongo connects on first use."""
    if alias in _connected:
        return
    with _lock:
        if alias in _connected:
            return
        mongoengine.connect(
            host=settings.MONGODB_URI,
            alias=alias,
            serverSelectionTimeoutMS=getattr(settings, "MONGODB_TIMEOUT_MS", 1500),
            connectTimeoutMS=getattr(settings, "MONGODB_TIMEOUT_MS", 1500),
            socketTimeoutMS=5000,
            tz_aware=True,
            uuidRepresentation="standard",
        )
        _connected.add(alias)


def disconnect(alias: str = DEFAULT_ALIAS) -> None:
    with _lock:
        mongoengine.disconnect(alias=alias)
        _connected.discard(alias)
