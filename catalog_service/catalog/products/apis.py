"""Shopper endpoints of the catalog (shared/API.md, Catalog section), mounted under /api/catalog/."""

from __future__ import annotations

import orjson
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router

from catalog.products.responses import JSON, ListAnswer, ProductNotFound, product_detail_answer, product_list_answer
from catalog.products.schemas import (
    CategoryOut,
    ProductDetailOut,
    ProductListQuery,
    ProductPageOut,
    RecentlyViewedOut,
    Ref,
    StockOut,
)
from catalog.products.selectors import ProductFilters, attribute_filters, brand_list, category_tree, stock_availability
from catalog.shopper_activity.selectors import recently_viewed
from catalog.shopper_activity.services import product_view_record, search_record
from common.api import ApiError, ErrorOut
from common.auth import JWTAuth, TokenUser, optional_user

router = Router(tags=["catalog"])

MAX_SKUS = 100


@router.get("products", response=ProductPageOut, summary="List published products")
def product_list_api(request: HttpRequest, params: Query[ProductListQuery]) -> HttpResponse:
    """Filters ``q``, ``category`` (with sub-categories), ``brand``, ``min_price``, ``max_price``,
    ``in_stock=true`` and attribute codes such as ``skin_type=oleosa``; sorts ``relevance`` (default
    with ``q``), ``price``, ``-price``, ``name``, ``-created`` (default)."""
    user = optional_user(request)  # a bad token is a 401 on every catalog page, search or not
    filters = ProductFilters(params=params, attributes=attribute_filters(request.GET))
    answer = product_list_answer(filters)
    if params.q:
        search_recorded(request, params, filters, answer, user=user)
    return HttpResponse(answer.body, content_type=JSON)


def search_recorded(
    request: HttpRequest,
    params: ProductListQuery,
    filters: ProductFilters,
    answer: ListAnswer,
    *,
    user: TokenUser | None,
) -> None:
    """Record a list request with ``q`` as a shopper search (this view and the hot lane, catalog.products.hot_lane)."""
    search_record(
        query=params.q,
        filters={
            **params.model_dump(mode="json", exclude={"q", "page", "page_size"}, exclude_none=True),
            **dict(filters.attributes),
        },
        result_count=answer.count,
        user_id=user.id if user else None,
        session_key=request.META.get("HTTP_X_SESSION_ID"),  # not ``request.headers``: it parses every header
        at=timezone.now(),
    )


@router.get("products/{slug}", response={200: ProductDetailOut, 404: ErrorOut}, summary="A published product")
def product_detail_api(request: HttpRequest, slug: str) -> HttpResponse:
    """A signed-in view is recorded in the shopper's browsing history."""
    user = optional_user(request)
    answer = product_detail_answer(slug)
    if answer is None:
        raise ProductNotFound()
    body, name = answer
    if user is not None:
        product_view_record(user_id=user.id, product_slug=slug, product_name=name, at=timezone.now())
    return HttpResponse(body, content_type=JSON)


@router.get("categories", response=list[CategoryOut], summary="The category tree")
def category_tree_api(request: HttpRequest) -> HttpResponse:
    return HttpResponse(orjson.dumps(category_tree()), content_type=JSON)


@router.get("brands", response=list[Ref], summary="Every brand")
def brand_list_api(request: HttpRequest) -> HttpResponse:
    return HttpResponse(orjson.dumps(brand_list()), content_type=JSON)


@router.get("stock", response=list[StockOut], summary="Availability of SKUs")
def stock_api(request: HttpRequest, sku: list[str] = Query([])) -> HttpResponse:  # noqa: B008
    """``?sku=A&sku=B`` -> ``[{sku, available}]`` (on hand minus active reservations); unknown SKUs are left out."""
    if len(sku) > MAX_SKUS:
        raise ApiError(_("At most %(count)d SKUs per request.") % {"count": MAX_SKUS}, code="too_many_skus", status=422)
    return HttpResponse(orjson.dumps(stock_availability(skus=sku)), content_type=JSON)


@router.get("me/recently-viewed", response=list[RecentlyViewedOut], auth=JWTAuth(), summary="My browsing history")
def recently_viewed_api(request: HttpRequest) -> HttpResponse:
    """The signed-in shopper's last viewed products, newest first (empty when MongoDB is unavailable)."""
    return HttpResponse(orjson.dumps(recently_viewed(user_id=request.auth.id)), content_type=JSON)
