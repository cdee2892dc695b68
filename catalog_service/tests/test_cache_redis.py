"""List and detail answers cached in the real Redis, invalidated by product and stock changes."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache, caches
from django.utils import timezone

from catalog.inventory.models import Stock
from catalog.inventory.services import reservation_expire_overdue, stock_commit_order, stock_reserve_order
from catalog.products.models import Product
from catalog.products.services import products_change_prices_by_percentage

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(redis_url, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "common.redis_cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"test-catalog-{uuid.uuid4().hex}",
        }
    }
    settings.CATALOG_RESPONSE_CACHE = True
    yield
    cache.clear()


def test_cached_list_answers_without_sql_until_a_price_changes(
    client, catalog_data, redis_cache, django_assert_num_queries, django_capture_on_commit_callbacks
):
    first = client.get("/api/catalog/products", {"sort": "price"}).content
    with django_assert_num_queries(0):
        assert client.get("/api/catalog/products", {"sort": "price"}).content == first
    with django_capture_on_commit_callbacks(execute=True):
        products_change_prices_by_percentage(
            products=Product.objects.filter(slug="gloss-labial-cristal"), percentage=Decimal("100")
        )
    items = client.get("/api/catalog/products", {"sort": "price"}).json()["items"]
    assert items[0]["slug"] == "batom-matte-rose"
    assert items[-1]["price_from"] == "79.90" and items[-2]["price_from"] == "59.90"
    assert [i["price_from"] for i in items if i["slug"] == "gloss-labial-cristal"] == ["59.80"]


def test_cached_detail_shows_new_availability_after_a_reservation(
    client, catalog_data, redis_cache, django_assert_num_queries, django_capture_on_commit_callbacks
):
    url = "/api/catalog/products/rimel-volume-extremo"
    assert client.get(url).json()["variants"][0]["available"] == 5
    with django_assert_num_queries(0):
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        stock_reserve_order(
            order_number="C-1", lines=[("URG-MSC-001", 2)], expires_at=timezone.now() + timedelta(minutes=5)
        )
    assert client.get(url).json()["variants"][0]["available"] == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # each step commits, as the consumer's do
def test_a_paid_orders_commit_keeps_the_cached_answers_and_a_hold_made_again_refreshes_them(
    client, catalog_data, redis_cache, django_assert_num_queries
):
    """Selling held units moves on hand and reserved together: what a shopper sees (available units, in
    stock) stays true, so a payment invalidates nothing. A payment after its hold expired takes the units
    again, and then the cached page must go."""
    from catalog.products.cache import VERSION_KEY

    url = "/api/catalog/products/rimel-volume-extremo"
    now = timezone.now()
    stock_reserve_order(order_number="C-1", lines=[("URG-MSC-001", 2)], expires_at=now + timedelta(minutes=5))
    stock_reserve_order(order_number="C-2", lines=[("URG-MSC-001", 1)], expires_at=now + timedelta(minutes=5))
    assert client.get(url).json()["variants"][0]["available"] == 2
    version = cache.get(VERSION_KEY)
    assert stock_commit_order(order_number="C-1", lines=[("URG-MSC-001", 2)]) == 1
    assert Stock.objects.get(variant__sku="URG-MSC-001").on_hand == 3
    assert cache.get(VERSION_KEY) == version
    with django_assert_num_queries(0):
        assert client.get(url).json()["variants"][0]["available"] == 2  # from the cache, and still true

    assert reservation_expire_overdue(now=now + timedelta(minutes=10)) == 1  # C-2's unit is free again
    assert client.get(url).json()["variants"][0]["available"] == 3
    version = cache.get(VERSION_KEY)
    assert stock_commit_order(order_number="C-2", lines=[("URG-MSC-001", 1)]) == 1  # held again, then sold
    assert cache.get(VERSION_KEY) > version
    assert client.get(url).json()["variants"][0]["available"] == 2


def test_unknown_slug_is_cached_as_404_too(client, catalog_data, redis_cache):
    assert client.get("/api/catalog/products/nope").status_code == 404
    assert client.get("/api/catalog/products/nope").status_code == 404


def test_answers_are_correct_when_redis_is_down(client, catalog_data, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    settings.CATALOG_RESPONSE_CACHE = True
    assert client.get("/api/catalog/products").json()["count"] == 5
    assert client.get("/api/catalog/products/gloss-labial-cristal").status_code == 200


def test_an_answer_pickled_by_an_older_release_is_never_read_as_bytes(client, catalog_data, redis_cache):
    """A rolling deploy: the old release stored pickled answers under the same catalog version."""
    from catalog.products.schemas import ProductListQuery
    from catalog.products.selectors import ProductFilters

    version = cache.get_or_set("catalog:version", 1, timeout=None)
    old_key = f"catalog:{version}:{ProductFilters(params=ProductListQuery()).cache_key()}"
    cache.set(old_key, {"body": b'{"items":[]}', "count": 0})
    response = client.get("/api/catalog/products")
    assert response.status_code == 200 and response.json()["count"] == 5
    assert cache.get(old_key) == {"body": b'{"items":[]}', "count": 0}


def test_a_hit_survives_redis_forgetting_the_lookup_script(client, catalog_data, redis_cache, redis_url):
    """SCRIPT FLUSH (what a Redis restart does to loaded scripts): the lookup loads its script again."""
    import redis

    url = "/api/catalog/products/rimel-volume-extremo"
    first = client.get(url).content
    redis.Redis.from_url(redis_url).script_flush()
    assert client.get(url).content == first
    assert client.get(url).content == first


def test_a_hit_after_redis_cut_the_connection_answers_and_reconnects(client, catalog_data, redis_cache, redis_url):
    """CLIENT KILL on the thread's kept connection: that request is built from the database, the next is a hit."""
    import redis

    from catalog.products.cache import _redis_lookup

    url = "/api/catalog/products/rimel-volume-extremo"
    first = client.get(url).content
    lookup = _redis_lookup(caches["default"])
    killed = redis.Redis.from_url(redis_url).client_kill_filter(addr=_local_address(lookup.connection))
    assert killed == 1
    assert client.get(url).content == first  # the broken connection: logged, answered from PostgreSQL
    assert client.get(url).content == first  # reconnected
    assert lookup.connection._sock is not None


def _local_address(connection) -> str:
    host, port = connection._sock.getsockname()[:2]
    return f"{host}:{port}"


def test_a_finished_threads_redis_connection_is_closed(client, catalog_data, redis_cache, redis_url):
    """The web server retires idle threads (granian after --blocking-threads-idle-timeout): the connection
    a thread kept for its cache hits goes with it (Django gives each thread its own cache backend, whose
    client owns the pool), so Redis never accumulates them."""
    import gc
    import threading

    import redis

    from catalog.products.cache import cached_bytes

    admin = redis.Redis.from_url(redis_url)
    name = f"lookup-{uuid.uuid4().hex[:8]}"

    def hit():
        from catalog.products.cache import _redis_lookup

        cached_bytes("detail:probe", lambda version: b"probe")
        lookup = _redis_lookup(caches["default"])
        lookup.connection.send_command("CLIENT", "SETNAME", name)
        assert lookup.connection.read_response() in (b"OK", "OK")

    def named() -> int:
        return sum(1 for entry in admin.client_list() if entry.get("name") == name)

    worker = threading.Thread(target=hit)
    worker.start()
    worker.join()
    gc.collect()
    for _ in range(50):
        if named() == 0:
            break
        threading.Event().wait(0.1)
    assert named() == 0


def test_a_bump_is_one_incr_that_starts_a_missing_version_at_one(redis_cache):
    from catalog.products.cache import VERSION_KEY, _bump_now

    cache.delete(VERSION_KEY)
    _bump_now()
    assert cache.get(VERSION_KEY) == 1  # what Django's add(VERSION_KEY, 1) stored before
    _bump_now()
    assert cache.get(VERSION_KEY) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as the suite's other transactional tests
def test_a_transaction_bumps_the_version_once_however_many_changes_it_made(redis_cache):
    """A consumer's batch reserves several orders in one transaction: one INCR at its commit, none when a
    savepoint holding the only bump rolled back, and a bump inside a rolled-back savepoint never hides a
    later one."""
    import contextlib

    from django.db import transaction

    from catalog.products.cache import VERSION_KEY, catalog_cache_bump

    def bump_in_a_savepoint_that_rolls_back():
        with contextlib.suppress(RuntimeError), transaction.atomic():
            catalog_cache_bump()
            raise RuntimeError("rolled back")

    cache.set(VERSION_KEY, 10, timeout=None)
    with transaction.atomic():
        catalog_cache_bump()
        catalog_cache_bump()
        with transaction.atomic():
            catalog_cache_bump()
    assert cache.get(VERSION_KEY) == 11

    with transaction.atomic():
        bump_in_a_savepoint_that_rolls_back()
        assert cache.get(VERSION_KEY) == 11
    assert cache.get(VERSION_KEY) == 11  # the only bump went with its savepoint

    with transaction.atomic():
        bump_in_a_savepoint_that_rolls_back()
        catalog_cache_bump()  # registered again: the first one is gone
    assert cache.get(VERSION_KEY) == 12

    catalog_cache_bump()  # outside any transaction: at once
    assert cache.get(VERSION_KEY) == 13
