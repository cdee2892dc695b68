"""The WSGI lane for a guest's product list, search and product page: the answer without Django's request cycle.

Measured in process on the seeded catalog (bench/README.md): Django's handler, the fourteen middleware and
Ninja's operation cost about 0.6 ms of CPU around a cached answer that takes 0.2 ms to fetch, and as much
around a database answer. This lane sits in front of Django's WSGI handler (``config/wsgi.py``) and answers
the one case that matters for speed, a guest's successful ``GET`` of ``/api/catalog/products`` or
``/api/catalog/products/<slug>``, by calling the same functions the Ninja views call (the same query
validation, the same cached or precompiled answers, the same search recording) and adding what the skipped
middleware would have added to such an answer, with the middleware's own hooks where they are cheap:
request and correlation ids (bound for logs, echoed back), ``Content-Length``, the language headers
(``LocaleMiddleware``), ``X-Frame-Options``, the security headers (``SecurityMiddleware``) and the very
Prometheus samples django-prometheus records (``HotMetrics``).

Everything else goes to Django unchanged, so every error keeps one author: a request with an
``Authorization`` header, a ``Host`` outside ``ALLOWED_HOSTS``, a body, a NUL character or query parameters
the view would refuse (422), an unknown product (404), any other path or method, and any exception raised
before the answer is ready.
``tests/test_hot_lane.py`` compares the lane's status, headers, body and metrics with the whole stack's.

Database connections follow Django's request cycle (``close_old_connections`` before and after), except for
the health check: instead of a ``SELECT 1`` round trip per request (``CONN_HEALTH_CHECKS``), a read that
fails on a stale connection is handed to Django, whose own cycle then drops the connection and answers on a
new one. Reads are idempotent, so the shopper sees one answer either way (tested by killing the backend).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.db import DatabaseError, close_old_connections, connection
from django.http import HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django_prometheus.middleware import Metrics
from django_prometheus.utils import Time, TimeSince
from ninja.errors import ValidationError

from catalog.products.responses import JSON, product_detail_answer, product_list_answer
from catalog.products.selectors import ProductFilters, attribute_filters
from common.observability.context import bound_ids, new_id
from common.observability.middleware import CORRELATION_ID_HEADER, REQUEST_ID_HEADER, clean_id

logger = logging.getLogger(__name__)

LIST_PATH = "/api/catalog/products"
DETAIL_PATH = re.compile(r"/api/catalog/products/([^/]+)")  # Ninja's ``{slug}``: Django's str converter
LIST_VIEW = "catalog-api:product_list_api"
DETAIL_VIEW = "catalog-api:product_detail_api"
MAX_REMEMBERED_LANGUAGES = 256
# Validated list queries by their raw query string (browsing repeats them; validation is a pure function).
MAX_REMEMBERED_QUERIES = 2048
WSGIApp = Callable[[dict[str, Any], Callable], Iterable[bytes]]


class Declined(Exception):
    """This request is Django's to answer (nothing has been written or recorded yet)."""


class HotMetrics:
    """django-prometheus' samples for one answered request, with the labelled children looked up once.

    The same series ``PrometheusBeforeMiddleware`` and ``PrometheusAfterMiddleware`` update for a
    ``GET`` answered by a view, so dashboards and alerts cannot tell the lane from the whole stack.
    """

    def __init__(self) -> None:
        self.metrics = Metrics.get_instance()
        self.bundles: dict[tuple[str, str, int], tuple[tuple[Any, ...], tuple[Any, ...], Any]] = {}

    def _bundle(self, view: str, transport: str, status: int) -> tuple[tuple[Any, ...], tuple[Any, ...], Any]:
        """(counters to add 1 to, histograms of the body sizes, the view's latency histogram)."""
        m, text = self.metrics, str(status)
        counters = (
            m.requests_total,
            m.requests_by_method.labels(method="GET"),
            m.requests_by_transport.labels(transport=transport),
            m.requests_by_view_transport_method.labels(view=view, transport=transport, method="GET"),
            m.responses_by_status.labels(status=text),
            m.responses_by_status_view_method.labels(status=text, view=view, method="GET"),
            m.responses_by_charset.labels(charset="utf-8"),
            m.responses_total,
        )
        latency = (m.requests_latency_by_view_method.labels(view=view, method="GET"), m.requests_latency_before)
        return counters, latency, (m.requests_body_bytes, m.responses_body_bytes)

    def record(self, *, view: str, transport: str, status: int, body_bytes: int, started: float) -> None:
        key = (view, transport, status)
        bundle = self.bundles.get(key)
        if bundle is None:
            bundle = self.bundles[key] = self._bundle(view, transport, status)
        counters, latency, (request_bytes, response_bytes) = bundle
        for counter in counters:
            counter.inc()
        request_bytes.observe(0)
        response_bytes.observe(body_bytes)
        elapsed = TimeSince(started)
        for histogram in latency:
            histogram.observe(elapsed)


def _never_called(request):  # the middleware below are used for their response hooks only
    raise AssertionError("the hot lane calls no middleware chain")


class HotReadApp:
    """WSGI application: the hot lane in front of ``django_app`` (Django's ``WSGIHandler``)."""

    def __init__(self, django_app: WSGIApp) -> None:
        self.django_app = django_app
        self.metrics = HotMetrics()
        self.security = SecurityMiddleware(_never_called)
        self.frame_options = XFrameOptionsMiddleware(_never_called)
        self._fixed_headers: dict[bool, list[tuple[str, str]]] = {}
        self._languages: dict[tuple[str | None, str], str] = {}
        self._list_queries: dict[str, tuple[Any, ProductFilters]] = {}
        self._list_params: Any = None
        self._api: Any = None
        self._enabled: bool | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") != "GET" or not path.startswith(LIST_PATH) or _unusual(environ):
            return self.django_app(environ, start_response)
        if self._enabled is None:
            self._enabled = _lane_applies()
        if not self._enabled:
            return self.django_app(environ, start_response)
        started = Time()
        close_old_connections()
        try:
            answered = self._answer(environ, path)
        except Declined:
            answered = None
        except DatabaseError:
            logger.info("hot read handed to Django after a database error", exc_info=True)
            answered = None
        finally:
            close_old_connections()
        if answered is None:
            return self.django_app(environ, start_response)
        view, secure, body, headers = answered
        self.metrics.record(
            view=view, transport="https" if secure else "http", status=200, body_bytes=len(body), started=started
        )
        start_response("200 OK", headers)
        return [body]

    def _answer(self, environ: dict[str, Any], path: str) -> tuple[str, bool, bytes, list[tuple[str, str]]] | None:
        request = WSGIRequest(environ)
        try:
            request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware checks it
        except DisallowedHost as error:
            raise Declined from error  # Django answers the 400
        if self.security.process_request(request) is not None:
            raise Declined  # SecurityMiddleware's redirect to HTTPS
        request_id = clean_id(request.headers.get(REQUEST_ID_HEADER)) or new_id()
        correlation_id = clean_id(request.headers.get(CORRELATION_ID_HEADER)) or request_id
        with bound_ids(request_id=request_id, correlation_id=correlation_id):
            # The health check's SELECT 1 is replaced by handing a failed read to Django (module docstring).
            connection.health_check_done = True
            if path == LIST_PATH:
                view, body = LIST_VIEW, self._list_body(request)
            else:
                match = DETAIL_PATH.fullmatch(path)
                if match is None:
                    raise Declined
                view, body = DETAIL_VIEW, _detail_body(match.group(1))
        secure = request.is_secure()
        headers = [
            *self._headers_of(request, secure),
            ("Content-Language", self._language(request)),
            ("Content-Length", str(len(body))),  # CommonMiddleware's
            (REQUEST_ID_HEADER, request_id),
            (CORRELATION_ID_HEADER, correlation_id),
        ]
        return view, secure, body, headers

    def _headers_of(self, request: WSGIRequest, secure: bool) -> list[tuple[str, str]]:
        """A JSON answer's headers that depend only on the settings and the transport, from the middleware's
        own response hooks, once per transport."""
        fixed = self._fixed_headers.get(secure)
        if fixed is None:
            response = HttpResponse(b"", content_type=JSON)
            patch_vary_headers(response, ("Accept-Language",))  # LocaleMiddleware, without i18n URL patterns
            response = self.frame_options.process_response(request, response)
            response = self.security.process_response(request, response)
            fixed = self._fixed_headers[secure] = list(response.items())
        return fixed

    def _language(self, request: WSGIRequest) -> str:
        """``LocaleMiddleware``'s choice (cookie, then ``Accept-Language``), remembered per header pair."""
        key = (request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME), request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        language = self._languages.get(key)
        if language is None:
            if len(self._languages) >= MAX_REMEMBERED_LANGUAGES:
                self._languages.clear()
            language = self._languages[key] = translation.get_language_from_request(request)
        return language

    def _list_body(self, request: WSGIRequest) -> bytes:
        from catalog.products.apis import search_recorded  # the HTTP layer's own recording (late: URLconf import)

        query = request.META.get("QUERY_STRING", "")
        known = self._list_queries.get(query)
        if known is None:
            params_model = self._list_params or self._find_list_params()
            try:
                params = params_model.resolve(request, self._api, {}).params
            except (ValidationError, ValueError) as error:
                raise Declined from error  # Ninja answers the 422
            if len(self._list_queries) >= MAX_REMEMBERED_QUERIES:
                self._list_queries.clear()
            filters = ProductFilters(params=params, attributes=attribute_filters(request.GET))
            known = self._list_queries[query] = (params, filters)
        params, filters = known
        answer = product_list_answer(filters)
        if params.q:
            search_recorded(request, params, filters, answer, user=None)
        return answer.body

    def _find_list_params(self) -> Any:
        """The query model Ninja built for the list view, so both validate ``?...`` identically."""
        from catalog.products import apis
        from config.api import api

        self._api = api
        for path_view in apis.router.path_operations.values():
            for operation in path_view.operations:
                if operation.view_func is apis.product_list_api:
                    (self._list_params,) = operation.models
                    return self._list_params
        raise LookupError("the catalog's product list operation is not in its router")


def _lane_applies() -> bool:
    """The lane answers what the whole stack would answer the same way: both hot routes resolve to their
    views, and no i18n URL patterns change the language rules."""
    try:
        routes_match = resolve(LIST_PATH).view_name == LIST_VIEW and resolve(LIST_PATH + "/x").view_name == DETAIL_VIEW
    except Resolver404:
        routes_match = False
    if not routes_match:
        logger.warning("the hot lane is off: %s or %s no longer resolves to its view", LIST_PATH, LIST_PATH + "/<slug>")
    return routes_match and not is_language_prefix_patterns_used(settings.ROOT_URLCONF)[0]


def _detail_body(slug: str) -> bytes:
    answer = product_detail_answer(slug)
    if answer is None:
        raise Declined  # Django answers the 404
    return answer[0]


def _unusual(environ: dict[str, Any]) -> bool:
    """What another layer answers or refuses: a signed-in caller, a body, a NUL character (400)."""
    query = environ.get("QUERY_STRING", "")
    return bool(
        environ.get("HTTP_AUTHORIZATION")
        or environ.get("CONTENT_LENGTH") not in (None, "", "0")
        or environ.get("CONTENT_TYPE")
        or "\x00" in environ.get("PATH_INFO", "")
        or "%00" in query
        or "\x00" in query
    )
