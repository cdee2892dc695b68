"""The list and detail answers as JSON bytes (cached), built by the precompiled-SQL fast path
(``catalog.products.fast_reads``). Hand-rendered for speed; ``tests/test_openapi_conformance.py`` checks
them against the OpenAPI document and ``tests/test_fast_reads.py`` against the ORM reference. Nothing here
has a side effect: the API records shopper activity after it has the answer.

A cached answer is stored as ``<length of meta>:<meta><body>``: the meta is the list's count (the search
log needs it) or the product's name (the browsing history needs it), so a hit needs nothing else.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from catalog.products.cache import cached_bytes
from catalog.products.fast_reads import product_detail_body, product_list_body
from catalog.products.selectors import ProductFilters
from common.api import NotFound

JSON = "application/json"


class ProductNotFound(NotFound):
    detail = _("No published product has this slug.")


@dataclass(frozen=True)
class ListAnswer:
    body: bytes
    count: int


def _pack(meta: bytes, body: bytes) -> bytes:
    return b"%d:%b%b" % (len(meta), meta, body)


def _unpack(value: bytes) -> tuple[bytes, bytes]:
    length, _, rest = value.partition(b":")
    size = int(length)
    return rest[:size], rest[size:]


def product_list_answer(filters: ProductFilters) -> ListAnswer:
    def build(version) -> bytes:
        body, count = product_list_body(filters, version=version)
        return _pack(b"%d" % count, body)

    meta, body = _unpack(cached_bytes(filters.cache_key(), build))
    return ListAnswer(body=body, count=int(meta))


def product_detail_answer(slug: str) -> tuple[bytes, str] | None:
    """(JSON body, product name), or None when there is no such published product."""

    def build(version) -> bytes | None:
        answer = product_detail_body(slug)
        return None if answer is None else _pack(answer[1].encode(), answer[0])

    value = cached_bytes("detail:" + hashlib.blake2b(slug.encode(), digest_size=16).hexdigest(), build)
    if value is None:
        return None
    name, body = _unpack(value)
    return body, name.decode()
