"""The list and detail answers as JSON bytes (cached): the dicts of the selectors dumped by orjson in one
call. Hand-rendered for speed; ``tests/test_openapi_conformance.py`` checks them against the OpenAPI
document. Nothing here has a side effect: the API records shopper activity after it has the answer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import orjson
from django.utils.translation import gettext_lazy as _

from catalog.products.cache import cached
from catalog.products.selectors import ProductFilters, product_detail, product_list_page
from common.api import NotFound

JSON = "application/json"


class ProductNotFound(NotFound):
    detail = _("No published product has this slug.")


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
