"""Plain Django views of the catalog's list and detail: the API's own view functions, called without
Ninja's request handling (parameter parsing, routing, error handlers), so the benchmark can measure what
the framework layer costs. Same functions, same side effects, byte-identical bodies."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from pydantic import ValidationError

from catalog.products.apis import product_detail_api, product_list_api
from catalog.products.schemas import ProductListQuery
from common.api import ApiError


def product_list_plain(request: HttpRequest) -> HttpResponse:
    try:
        params = ProductListQuery.model_validate(request.GET.dict())
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        return JsonResponse({"detail": errors, "code": "validation_error"}, status=422)
    try:
        return product_list_api(request, params)
    except ApiError as exc:
        return JsonResponse({"detail": exc.detail, "code": exc.code}, status=exc.status)


def product_detail_plain(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        return product_detail_api(request, slug)
    except ApiError as exc:
        return JsonResponse({"detail": exc.detail, "code": exc.code}, status=exc.status)
