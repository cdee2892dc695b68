"""Plain Django views of the list and detail for the benchmark (``BENCH_PLAIN_VIEWS=true``).

They answer the same bytes as the Ninja endpoints, from the same functions, without Ninja's request
handling, so ``bench/`` can measure what the framework layer costs.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from pydantic import ValidationError

from catalog.products.responses import product_detail_response, product_list_response
from catalog.products.schemas import ProductListQuery
from common.api import ApiError


def product_list_plain(request: HttpRequest) -> HttpResponse:
    try:
        params = ProductListQuery.model_validate(request.GET.dict())
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        return JsonResponse({"detail": errors, "code": "validation_error"}, status=422)
    try:
        return product_list_response(request, params)
    except ApiError as exc:
        return JsonResponse({"detail": exc.detail, "code": exc.code}, status=exc.status)


def product_detail_plain(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        return product_detail_response(request, slug)
    except ApiError as exc:
        return JsonResponse({"detail": exc.detail, "code": exc.code}, status=exc.status)
