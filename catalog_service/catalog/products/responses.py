"""The list and detail answers as JSON bytes, shared by the Ninja API and the plain benchmark views.

Both build the same dicts from the same selectors and dump them with orjson in one call, so the API
and ``/plain/...`` answer byte-identical bodies. Side effects of a request (search log, browsing
history, the ``catalog.product_viewed`` activity event) happen here too, outside the cache.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import orjson
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from catalog.history.services import product_view_record, search_log_record
from catalog.products.cache import cached
from catalog.products.schemas import ProductListQuery
from catalog.products.selectors import ProductFilters, attribute_filters, product_detail, product_list_page
from common.api import NotFound
from common.auth import optional_user
from common.events import publish
from common.events.contracts.catalog import ProductViewed

logger = logging.getLogger(__name__)

JSON = "application/json"


class ProductNotFound(NotFound):
    detail = "No published product has this slug."


@dataclass(frozen=True)
class ListAnswer:
    body: bytes
    count: int


def product_list_answer(filters: ProductFilters) -> ListAnswer:
    def build() -> ListAnswer:
        page = product_list_page(filters)
        return ListAnswer(body=orjson.dumps(page), count=page["count"])

    return cached(filters.cache_key(), build)


def product_detail_answer(slug: str) -> tuple[bytes, str] | None:
    """(JSON body, product name), or None when there is no such published product."""

    def build() -> tuple[bytes, str] | None:
        detail = product_detail(slug=slug)
        return None if detail is None else (orjson.dumps(detail), detail["name"])

    return cached("detail:" + hashlib.blake2b(slug.encode(), digest_size=16).hexdigest(), build)


def product_list_response(request: HttpRequest, params: ProductListQuery) -> HttpResponse:
    user = optional_user(request)  # a bad token is a 401 on every catalog page, search or not
    filters = ProductFilters(params=params, attributes=attribute_filters(request.GET))
    answer = product_list_answer(filters)
    if params.q:
        search_log_record(
            query=params.q,
            filters={
                **params.model_dump(mode="json", exclude={"q", "page", "page_size"}, exclude_none=True),
                **dict(filters.attributes),
            },
            result_count=answer.count,
            user_id=user.id if user else None,
            session_key=request.headers.get("X-Session-Id"),
            at=timezone.now(),
        )
    return HttpResponse(answer.body, content_type=JSON)


def product_detail_response(request: HttpRequest, slug: str) -> HttpResponse:
    user = optional_user(request)
    answer = product_detail_answer(slug)
    if answer is None:
        raise ProductNotFound()
    body, name = answer
    if user is not None:
        product_view_track(user_id=user.id, slug=slug, name=name)
    return HttpResponse(body, content_type=JSON)


def product_view_track(*, user_id: int, slug: str, name: str) -> None:
    """A signed-in view: browsing history in MongoDB and the activity event through the outbox."""
    now = timezone.now()
    product_view_record(user_id=user_id, product_slug=slug, product_name=name, at=now)
    with transaction.atomic():
        publish(ProductViewed(product_slug=slug, user_id=user_id, session_id=None, viewed_at=now), key=slug)
