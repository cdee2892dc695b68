"""One pooled HTTP client per process for every outbound call (service to service, PSP, webhooks).

Building an ``httpx.Client`` builds an SSL context (``ssl.create_default_context`` loading the CA
bundle): about 30 ms of CPU, paid on every call when each call makes its own client, plus a new TCP
connection each time. :func:`http_client` returns the process's one client instead: connections are
kept alive and reused (a pool per host), and the SSL context is built once.

Every call still passes its own ``timeout=`` (the caller's setting); the client's default,
:data:`DEFAULT_TIMEOUT`, only bounds a call that forgets to. Redirects are never followed.

Fork safety: gunicorn and Celery fork workers after the parent may have made a client. A client (its
pooled sockets, its locks) must not be shared across processes, so the child makes its own: the
client is remembered with the process id that made it, and ``os.register_at_fork`` drops the
inherited one in the child (without closing it: its sockets belong to the parent).
"""

from __future__ import annotations

import os
import ssl
import threading

import httpx

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=30.0)

_lock = threading.Lock()
_state: dict[str, object] = {"pid": None, "client": None, "ssl": None}


def ssl_context() -> ssl.SSLContext:
    """The process's verifying SSL context (the system's trust store via httpx's defaults), built once."""
    with _lock:
        return _ssl_context_locked()


def _ssl_context_locked() -> ssl.SSLContext:
    context = _state["ssl"]
    if context is None:
        context = httpx.create_ssl_context()
        _state["ssl"] = context
    return context  # type: ignore[return-value]


def http_client() -> httpx.Client:
    """The process's pooled client (made on first use, and again in a forked child)."""
    client, pid = _state["client"], _state["pid"]
    if client is not None and pid == os.getpid():
        return client  # type: ignore[return-value]
    with _lock:
        if _state["client"] is None or _state["pid"] != os.getpid():
            _state["client"] = httpx.Client(
                timeout=DEFAULT_TIMEOUT, limits=LIMITS, verify=_ssl_context_locked(), follow_redirects=False
            )
            _state["pid"] = os.getpid()
        return _state["client"]  # type: ignore[return-value]


def close_http_client() -> None:
    """Close this process's client (tests, shutdown); the next :func:`http_client` makes a new one."""
    with _lock:
        client, pid = _state["client"], _state["pid"]
        _state["client"] = _state["pid"] = None
    if client is not None and pid == os.getpid():
        client.close()  # type: ignore[attr-defined]


def _after_fork_in_child() -> None:
    global _lock
    _lock = threading.Lock()  # the parent may have held it while forking
    _state["client"] = _state["pid"] = None  # the parent's sockets are not ours to use or close


os.register_at_fork(after_in_child=_after_fork_in_child)
