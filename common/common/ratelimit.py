"""Per-client rate limits for the endpoints an attacker scripts: login, registration, password reset,
guest order lookup. Fixed windows counted in the shared cache, answered with 429 and ``Retry-After``.

The counters live in the Django cache named by ``RATE_LIMIT_CACHE`` ("default"): Redis whenever
``REDIS_URL`` is set (shared by every process of the service, incremented atomically), the per-process
memory cache in embedded SQLite runs without Redis. Limits are per scope and client address::

    @rate_limited("login")
    def token_obtain(request, payload): ...

    rate_limit_check(request, scope="guest_order_lookup")   # inside a view, when the rule is conditional

``settings.RATE_LIMITS`` (``{scope: (limit, window_seconds)}``, or the env ``RATE_LIMITS`` as
``login=20/600,register=10/3600``) overrides :data:`DEFAULT_RATE_LIMITS`; ``RATE_LIMITS_ENABLED=false``
turns every limit off (benchmarks drive thousands of shoppers from one address).

The client address is ``REMOTE_ADDR`` unless ``TRUSTED_PROXY_HEADER`` names the header the proxy in
front writes (``X-Forwarded-For``): then it is the entry ``TRUSTED_PROXY_COUNT`` places from the right,
the one our own proxy appended, so a client cannot choose its address by sending the header itself.
"""

from __future__ import annotations

import functools
import inspect
import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from common.api import TooManyRequests

DEFAULT_RATE_LIMITS: dict[str, tuple[int, int]] = {
    "login": (20, 600),
    "register": (10, 3600),
    "password_reset": (10, 3600),
    "password_reset_confirm": (20, 3600),
    "guest_order_lookup": (30, 600),
}


UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104  (a value stored and counted, never bound to)


class RateLimited(TooManyRequests):
    code, detail = "too_many_requests", _("Too many attempts from this address; try again later.")

    def __init__(self, *, retry_after: int):
        super().__init__()
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    count: int
    limit: int
    retry_after: int


def client_address(request: HttpRequest) -> str:
    """The caller's address: from the trusted proxy header when one is configured, else REMOTE_ADDR."""
    header = getattr(settings, "TRUSTED_PROXY_HEADER", "")
    if header:
        hops = [hop.strip() for hop in request.headers.get(header, "").split(",") if hop.strip()]
        count = max(1, int(getattr(settings, "TRUSTED_PROXY_COUNT", 1)))
        if len(hops) >= count:
            candidate = hops[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    try:
        return str(ipaddress.ip_address(request.META.get("REMOTE_ADDR") or ""))
    except ValueError:  # no socket address (some WSGI servers, tests): one shared bucket, still an address
        return UNKNOWN_ADDRESS


def rate_for(scope: str) -> tuple[int, int]:
    """(limit, window seconds) of ``scope``: settings first, then the defaults."""
    configured = getattr(settings, "RATE_LIMITS", None) or {}
    if scope in configured:
        limit, window = configured[scope]
        return int(limit), int(window)
    return DEFAULT_RATE_LIMITS[scope]


def rate_limit_hit(*, scope: str, key: str, limit: int, window: int, now: float | None = None) -> RateDecision:
    """Count one request of ``key`` in ``scope``'s current window; allowed while the count is <= limit."""
    now = time.time() if now is None else now
    window_start = int(now // window) * window
    cache = caches[getattr(settings, "RATE_LIMIT_CACHE", "default")]
    namespace = getattr(settings, "RATE_LIMIT_NAMESPACE", "")
    cache_key = f"ratelimit:{namespace}{scope}:{key}:{window_start}"
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: this request opens the window again
        cache.add(cache_key, 1, timeout=window + 1)
        count = 1
    retry_after = max(1, math.ceil(window_start + window - now))
    return RateDecision(allowed=count <= limit, count=count, limit=limit, retry_after=retry_after)


def rate_limit_check(request: HttpRequest, *, scope: str, key: str | None = None) -> None:
    """Raise :class:`RateLimited` (429 with ``Retry-After``) when the client is over ``scope``'s limit."""
    if not getattr(settings, "RATE_LIMITS_ENABLED", True):
        return
    limit, window = rate_for(scope)
    decision = rate_limit_hit(scope=scope, key=key or client_address(request), limit=limit, window=window)
    if not decision.allowed:
        raise RateLimited(retry_after=decision.retry_after)


def rate_limited(scope: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator for a view whose first argument is the request: count it against ``scope``."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            rate_limit_check(request, scope=scope)
            return view(request, *args, **kwargs)

        # Ninja reads the parameters' types from the signature; resolved here, since string annotations
        # (``from __future__ import annotations``) would otherwise be looked up in this module.
        wrapper.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
        return wrapper

    return decorate
