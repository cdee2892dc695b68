"""Cached list and detail answers (JSON bytes) in Redis, invalidated by one version number.

Every product or stock change bumps ``catalog:version`` after commit; cache keys contain the version, so
an old answer is never served again and simply expires. Without Redis nothing is cached: a per-process
cache could not be invalidated across gunicorn workers. A Redis failure is logged and the answer is
built from the database.

A hit is one Redis round trip: a small Lua script reads the version and the answer stored under it
together (EVALSHA), and the answer is stored as raw bytes (no pickle), so a hit costs a few dozen
microseconds of the worker's CPU. A miss adds one SET.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

VERSION_KEY = "catalog:version"
# KEYS[1]: the version key; ARGV[1], ARGV[2]: the answer key before and after its version.
LOOKUP_SCRIPT = """
local version = redis.call('GET', KEYS[1])
if not version then
    redis.call('SET', KEYS[1], '1', 'NX')
    version = redis.call('GET', KEYS[1])
end
return {version, redis.call('GET', ARGV[1] .. version .. ARGV[2])}
"""
VERSION_SLOT = "\x00"
# Raw-bytes answers live under their own key space, so a value pickled by an older release (same
# version number, during a rolling deploy) is never read as bytes, nor the other way round.
ANSWER_SPACE = "bytes"


def cache_enabled() -> bool:
    return bool(getattr(settings, "CATALOG_RESPONSE_CACHE", False))


def catalog_cache_bump() -> None:
    """Invalidate every cached answer once the current transaction commits: one version bump per transaction
    however many stock changes it made (a consumer's batch of reservations is one transaction)."""
    if cache_enabled() and not _bump_registered():
        transaction.on_commit(_bump_now)


def _bump_registered() -> bool:
    """Whether this transaction already bumps the version at commit, registered where no savepoint that is
    still open can take it back (a hook registered inside a savepoint is dropped when that savepoint rolls
    back; one registered outside every open savepoint is not)."""
    database = transaction.get_connection()
    if not database.in_atomic_block:
        return False
    open_savepoints = set(database.savepoint_ids)
    return any(hook is _bump_now and set(sids) <= open_savepoints for sids, hook, _robust in database.run_on_commit)


def _bump_now() -> None:
    backend = caches["default"]
    try:
        if isinstance(backend, RedisCache):
            # One INCR (it starts a missing version at 1): Django's ``incr`` asks EXISTS first, and the
            # version is stored as a plain integer, as Django's serializer stores ints.
            backend._cache.get_client(write=True).incr(backend.make_key(VERSION_KEY))
            return
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, 1, timeout=None)
    except RedisError:
        logger.warning("could not bump the catalog cache version", exc_info=True)


class _Lookup:
    """This thread's own Redis connection and the lookup script's SHA, for one round trip per hit.

    ``redis-py``'s client takes a connection from its pool, wraps the call in its retry and
    observability layers and gives the connection back, on every command: about half of a cached
    answer's Redis CPU. The hit path sends ``EVALSHA`` on a connection this thread keeps instead;
    a broken connection is dropped (the next call reconnects) and the answer is built from the database.
    """

    def __init__(self, client: Any) -> None:
        self.client = client
        self.connection = client.connection_pool.get_connection()  # kept by this thread, never shared
        self.sha = client.register_script(LOOKUP_SCRIPT).sha

    def __call__(self, version_key: str, left: str, right: str) -> list:
        try:
            return self._evalsha(version_key, left, right)
        except NoScriptError:  # a restarted or flushed Redis: load the script once more
            self.connection.send_command("SCRIPT", "LOAD", LOOKUP_SCRIPT)
            self.sha = self.connection.read_response()
            return self._evalsha(version_key, left, right)
        except (RedisConnectionError, RedisTimeoutError):
            self.connection.disconnect()
            raise

    def _evalsha(self, version_key: str, left: str, right: str) -> list:
        self.connection.send_packed_command([_resp_command(b"EVALSHA", self.sha, b"1", version_key, left, right)])
        return self.connection.read_response()


def _resp_command(*parts: bytes | str) -> bytes:
    """One command in the Redis protocol (RESP): what ``redis-py``'s generic packer builds, for text and bytes."""
    encoded = [part.encode() if isinstance(part, str) else part for part in parts]
    return b"*%d\r\n%b" % (len(encoded), b"".join(b"$%d\r\n%b\r\n" % (len(part), part) for part in encoded))


def _redis_lookup(backend: RedisCache) -> _Lookup:
    """This thread's lookup (Django keeps one cache backend per thread), made once."""
    found = backend.__dict__.get("_catalog_lookup")
    if found is None:
        found = backend.__dict__["_catalog_lookup"] = _Lookup(backend._cache.get_client(write=True))
    return found


def cached_bytes(key: str, build: Callable[[Any], bytes | None]) -> bytes | None:
    """``build(version)``'s bytes for ``key`` at the current catalog version, from Redis when there.

    ``build`` gets the catalog version (None when uncached) so it can key its own per-version data;
    a None it returns is not stored.
    """
    if not cache_enabled():
        return build(None)
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return _cached_by_django(key, build)
    left, right = backend.make_key(f"catalog:{VERSION_SLOT}:{ANSWER_SPACE}:{key}").split(VERSION_SLOT)
    try:
        lookup = _redis_lookup(backend)
        version, value = lookup(backend.make_key(VERSION_KEY), left, right)
    except RedisError:
        logger.warning("catalog cache unavailable", exc_info=True)
        return build(None)
    if value is not None:
        return value
    value = build(version)
    if value is not None:
        try:
            lookup.client.set(left + version.decode() + right, value, ex=settings.CATALOG_RESPONSE_CACHE_SECONDS)
        except RedisError:
            logger.warning("could not store a catalog answer in the cache", exc_info=True)
    return value


def _cached_by_django(key: str, build: Callable[[Any], bytes | None]) -> bytes | None:
    """The same through Django's cache API, for a cache backend other than Redis (e.g. locmem in tests)."""
    version = cache.get_or_set(VERSION_KEY, 1, timeout=None)
    full_key = f"catalog:{version}:{ANSWER_SPACE}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = build(version)
        if value is not None:
            cache.set(full_key, value, timeout=settings.CATALOG_RESPONSE_CACHE_SECONDS)
    return value
