"""The WSGI hot lane (catalog.products.hot_lane) answers as the whole Django stack does, or lets Django answer.

Both sides are real WSGI applications called with the same environ on the real PostgreSQL: the lane in
front of Django (what gunicorn serves, ``config.wsgi``) and Django's handler with every middleware. The
tests are transactional because both run Django's request cycle (``close_old_connections``), with
``serialized_rollback`` as the suite's other transactional tests (the flush would drop their data).
"""

from __future__ import annotations

import io

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory
from prometheus_client import REGISTRY

from catalog.products.hot_lane import HotReadApp
from common.events.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PER_REQUEST = {"X-Request-ID", "X-Correlation-ID", "Date"}
HOT_MIDDLEWARE = "catalog.products.middleware.HotReadMiddleware"
ANSWERED_BY_THE_LANE = [
    "/api/catalog/products",
    "/api/catalog/products?sort=price",
    "/api/catalog/products?sort=-price&page_size=2&page=2",
    "/api/catalog/products?category=maquiagem&in_stock=true",
    "/api/catalog/products?brand=bella-pele&min_price=10&max_price=80.5",
    "/api/catalog/products?page=40",
    "/api/catalog/products?q=batom&page_size=2",
    "/api/catalog/products?q=batm",
    "/api/catalog/products?utm_source=newsletter",
    "/api/catalog/products/batom-matte-rose",
    "/api/catalog/products/gloss-labial-cristal",
]
LEFT_TO_DJANGO = [
    ("GET", "/api/catalog/products/batom-secreto", {}, 404),  # unpublished
    ("GET", "/api/catalog/products/nao-existe", {}, 404),
    ("GET", "/api/catalog/products?page_size=500", {}, 422),
    ("GET", "/api/catalog/products?sort=cheapest", {}, 422),
    ("GET", "/api/catalog/products?q=" + "a" * 201, {}, 422),
    ("GET", "/api/catalog/products/batom-matte-rose", {"HTTP_AUTHORIZATION": "Bearer not-a-token"}, 401),
    ("GET", "/api/catalog/products?q=%00", {}, 400),
    ("POST", "/api/catalog/products", {}, 405),
    ("GET", "/api/catalog/products/batom-matte-rose/extra", {}, 404),
    ("GET", "/api/catalog/products/batom-matte-rose", {"HTTP_HOST": "loja-falsa.example"}, 400),  # ALLOWED_HOSTS
    ("GET", "/api/catalog/products?sort=price", {"HTTP_HOST": "loja-falsa.example"}, 400),
]


class Counting:
    """Django's handler, counting the requests the lane handed to it."""

    def __init__(self, app):
        self.app, self.calls = app, 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.app(environ, start_response)


def environ_of(method: str, url: str, **extra) -> dict:
    path, _, query = url.partition("?")
    environ = dict(RequestFactory().generic(method, path, **extra).environ)
    environ["QUERY_STRING"] = query  # as a server passes it: raw, not re-encoded
    environ["wsgi.input"] = io.BytesIO(b"")
    return environ


def call(app, environ: dict) -> tuple[int, dict, bytes]:
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = int(status.split()[0]), headers

    chunks = app(dict(environ, **{"wsgi.input": io.BytesIO(b"")}), start_response)
    try:
        body = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    return seen["status"], {name: value for name, value in seen["headers"] if name not in PER_REQUEST}, body


def http_samples() -> dict[tuple, float]:
    """django-prometheus' series, without the time spent and the series' creation times (the parts that differ
    between two answers)."""
    found = {}
    for family in REGISTRY.collect():
        if not family.name.startswith("django_http"):
            continue
        for sample in family.samples:
            if sample.name.endswith(("_sum", "_created")) or (
                sample.name.endswith("_bucket") and "latency" in sample.name
            ):
                continue
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def delta(before: dict, after: dict) -> dict:
    return {key: value - before.get(key, 0) for key, value in after.items() if value != before.get(key, 0)}


@pytest.fixture
def whole_stack(settings):
    """Django's handler with every middleware (not even the in-Django short lane)."""
    settings.MIDDLEWARE = [name for name in django_settings.MIDDLEWARE if name != HOT_MIDDLEWARE]
    return WSGIHandler()


@pytest.fixture
def lane():
    return HotReadApp(Counting(WSGIHandler()))


def test_the_lane_answers_a_guest_read_byte_for_byte_as_the_whole_stack(catalog_data, mongo_db, lane, whole_stack):
    """Every URL in every language, in one test: each transactional test flushes and restores the database."""
    for url in ANSWERED_BY_THE_LANE:
        for language in ("pt-BR,pt;q=0.9", "en-US,en;q=0.8", ""):
            environ = environ_of("GET", url, HTTP_ACCEPT_LANGUAGE=language) if language else environ_of("GET", url)
            before = http_samples()
            whole = call(whole_stack, environ)
            whole_metrics = delta(before, http_samples())
            before = http_samples()
            short = call(lane, environ)
            short_metrics = delta(before, http_samples())
            case = f"{url} ({language or 'no Accept-Language'})"
            assert lane.django_app.calls == 0, f"the lane handed {case} to Django"
            assert whole[0] == 200, case
            assert short == whole, case
            assert short_metrics == whole_metrics, case


def test_what_the_lane_does_not_answer_django_answers(catalog_data, lane, whole_stack):
    for handed, (method, url, extra, status) in enumerate(LEFT_TO_DJANGO, start=1):
        environ = environ_of(method, url, **extra)
        short = call(lane, environ)
        case = f"{method} {url} {extra}"
        assert lane.django_app.calls == handed, case
        assert short[0] == status, case
        assert short == call(whole_stack, environ), case


def test_a_search_through_the_lane_is_recorded_once(catalog_data, mongo_db, lane):
    searches = OutboxMessage.objects.filter(event_type="catalog.search_performed")
    before = searches.count()
    status, _, _ = call(lane, environ_of("GET", "/api/catalog/products?q=batom", HTTP_X_SESSION_ID="sessao-1"))
    assert status == 200 and lane.django_app.calls == 0
    assert searches.count() == before + 1
    assert searches.latest("id").envelope["payload"]["session_id"] == "sessao-1"


def test_a_stale_database_connection_is_handed_to_django_and_the_shopper_gets_the_answer(catalog_data, lane):
    """PostgreSQL drops the lane's connection (a failover, a restart, an idle timeout): no 500, no SELECT 1."""
    environ = environ_of("GET", "/api/catalog/products/batom-matte-rose")
    first = call(lane, environ)
    assert first[0] == 200 and lane.django_app.calls == 0
    backend_pid = connection.connection.info.backend_pid
    dsn = connection.connection.info.dsn
    with psycopg.connect(dsn, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [backend_pid]).fetchone()[0]
    assert call(lane, environ) == first  # the lane's read failed; Django reconnected and answered
    assert lane.django_app.calls == 1
    assert connection.connection.info.backend_pid != backend_pid
    assert call(lane, environ) == first  # and the lane answers again on the new connection
    assert lane.django_app.calls == 1
