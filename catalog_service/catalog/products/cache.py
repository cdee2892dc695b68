"""Cached list and detail answers (JSON bytes) in Redis, invalidated by one version number.

Every product or stock change bumps ``catalog:version`` after commit; cache keys contain the version, so
an old answer is never served again and simply expires. Without Redis nothing is cached: a per-process
cache could not be invalidated across gunicorn workers. A Redis failure is logged and the answer is
built from the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

VERSION_KEY = "catalog:version"


def cache_enabled() -> bool:
    return bool(getattr(settings, "CATALOG_RESPONSE_CACHE", False))


def catalog_cache_bump() -> None:
    """Invalidate every cached answer once the current transaction commits."""
    if cache_enabled():
        transaction.on_commit(_bump_now)


def _bump_now() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, 1, timeout=None)
    except RedisError:
        logger.warning("could not bump the catalog cache version", exc_info=True)


def cached(key: str, build: Callable[[], Any]) -> Any:
    """``build()``'s value for ``key`` at the current catalog version, from Redis when it is there."""
    if not cache_enabled():
        return build()
    try:
        version = cache.get_or_set(VERSION_KEY, 1, timeout=None)
        full_key = f"catalog:{version}:{key}"
        value = cache.get(full_key)
    except RedisError:
        logger.warning("catalog cache unavailable", exc_info=True)
        return build()
    if value is None:
        value = build()
        try:
            cache.set(full_key, value, timeout=settings.CATALOG_RESPONSE_CACHE_SECONDS)
        except RedisError:
            logger.warning("could not store a catalog answer in the cache", exc_info=True)
    return value
