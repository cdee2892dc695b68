"""common.ratelimit on real Redis: fixed windows, one atomic count across threads, Retry-After, the
client address from the trusted proxy header only."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.test import RequestFactory

from common.ratelimit import RateLimited, client_address, rate_limit_check, rate_limit_hit


@pytest.fixture
def redis_counters(settings, redis_url):
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {"BACKEND": "common.redis_cache.RedisCache", "LOCATION": redis_url},
    }
    settings.RATE_LIMIT_CACHE = "ratelimit"
    return f"scope-{uuid.uuid4().hex}"


def test_requests_past_the_limit_are_refused_until_the_window_ends(redis_counters):
    hits = [rate_limit_hit(scope=redis_counters, key="10.0.0.1", limit=3, window=60, now=1_000_040.0) for _ in range(4)]
    assert [hit.allowed for hit in hits] == [True, True, True, False]
    assert [hit.count for hit in hits] == [1, 2, 3, 4]
    assert hits[-1].retry_after == 40  # the window is [1_000_020, 1_000_080)
    next_window = rate_limit_hit(scope=redis_counters, key="10.0.0.1", limit=3, window=60, now=1_000_080.0)
    assert (next_window.allowed, next_window.count) == (True, 1)
    other_client = rate_limit_hit(scope=redis_counters, key="10.0.0.2", limit=3, window=60, now=1_000_040.0)
    assert other_client.count == 1


def test_concurrent_requests_are_counted_once_each_in_redis(redis_counters):
    barrier = threading.Barrier(12)
    allowed: list[bool] = []

    def hit() -> None:
        barrier.wait(timeout=10)
        allowed.append(rate_limit_hit(scope=redis_counters, key="k", limit=5, window=60, now=2_000_000.0).allowed)

    threads = [threading.Thread(target=hit) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(allowed) == [False] * 7 + [True] * 5


def test_the_check_raises_429_with_retry_after(redis_counters, settings):
    settings.RATE_LIMITS = {"login": (1, 60)}
    settings.RATE_LIMIT_NAMESPACE = redis_counters
    request = RequestFactory().post("/api/x/token", REMOTE_ADDR="192.0.2.10")
    rate_limit_check(request, scope="login")
    with pytest.raises(RateLimited) as refused:
        rate_limit_check(request, scope="login")
    assert refused.value.status == 429
    assert 1 <= int(refused.value.headers["Retry-After"]) <= 60


def test_without_redis_the_process_cache_counts(settings):
    settings.CACHES = {**settings.CACHES, "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.RATE_LIMIT_CACHE = "local"
    hits = [rate_limit_hit(scope="embedded", key="k", limit=1, window=60).allowed for _ in range(2)]
    assert hits == [True, False]


def test_the_client_address_is_remote_addr_unless_a_proxy_header_is_trusted(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.TRUSTED_PROXY_HEADER = ""
    assert client_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "203.0.113.9"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request) == "6.6.6.6"
    garbage = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(garbage) == "10.0.0.2"


def test_without_a_socket_address_the_client_is_one_shared_valid_address(settings):
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    settings.TRUSTED_PROXY_HEADER = ""
    assert client_address(request) == "0.0.0.0"  # stored by django-axes in an IP column: must be an address
