"""``common.redis_cache.RedisCache`` on real Redis: Django's cache API, with one ``redis.Redis`` kept per pool."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.core.cache import caches


@pytest.fixture
def kept(settings, redis_url):
    settings.CACHES = {
        **settings.CACHES,
        "kept": {"BACKEND": "common.redis_cache.RedisCache", "LOCATION": redis_url, "KEY_PREFIX": uuid.uuid4().hex},
    }
    backend = caches["kept"]
    yield backend
    backend.clear()


def test_the_cache_api_works_and_every_operation_uses_the_same_client(kept):
    first = kept._cache.get_client(write=True)

    kept.set("a", {"valor": "R$ 10,00"})
    assert kept.get("a") == {"valor": "R$ 10,00"}
    assert kept.add("n", 1) is True and kept.incr("n") == 2 and kept.get("n") == 2
    assert kept.delete("a") is True and kept.get("a") is None
    with pytest.raises(ValueError):
        kept.incr("missing")

    assert kept._cache.get_client(write=True) is first
    assert kept._cache.get_client(write=False) is first  # one server: reads and writes share its pool


def test_threads_share_the_client_and_each_count_is_kept(kept):
    kept.set("count", 0)

    def count():
        for _ in range(50):
            kept.incr("count")

    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert kept.get("count") == 200
