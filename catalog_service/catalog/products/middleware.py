"""A short lane through the middleware for the shopper's hot reads (product list, search and detail).

A ``GET`` of those two routes is a JSON answer for a guest or a bearer token: it has no use for the
session, CSRF, ``request.user``, messages or static files, which cost about a quarter of a cached
answer's CPU. Placed after ``SecurityMiddleware`` (request ids, body checks and security headers
have run), this middleware calls the Ninja view directly for those routes and applies what the skipped
middleware would have added to such an answer: the language of ``Accept-Language`` (``LocaleMiddleware``:
an error's ``detail`` is pt-BR or English, with its ``Content-Language`` and ``Vary``), ``X-Frame-Options``,
``Content-Length`` (``CommonMiddleware``)
and the per-view Prometheus metrics (``PrometheusAfterMiddleware``'s own hooks, so dashboards and alerts
see these views as before).
Every other request goes down the whole stack.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve
from django_prometheus.middleware import PrometheusAfterMiddleware

HOT_VIEWS = frozenset({"catalog-api:product_list_api", "catalog-api:product_detail_api"})
HOT_PREFIX = "/api/catalog/products"


class HotReadMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.metrics = PrometheusAfterMiddleware(get_response)
        self.frame_options = XFrameOptionsMiddleware(get_response)
        self.locale = LocaleMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "GET" or not request.path_info.startswith(HOT_PREFIX):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if match.view_name not in HOT_VIEWS:
            return self.get_response(request)
        try:
            request.get_host()  # ALLOWED_HOSTS, as the skipped CommonMiddleware checks it
        except DisallowedHost:
            return self.get_response(request)  # the whole stack answers the 400
        request.resolver_match = match
        self.metrics.process_request(request)
        self.metrics.process_view(request, match.func, match.args, match.kwargs)
        self.locale.process_request(request)
        try:
            response = match.func(request, *match.args, **match.kwargs)
        except Exception as error:
            self.metrics.process_exception(request, error)
            raise
        response = self.locale.process_response(request, response)
        response = self.frame_options.process_response(request, response)
        if not response.streaming and not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))  # CommonMiddleware's
        return self.metrics.process_response(request, response)
