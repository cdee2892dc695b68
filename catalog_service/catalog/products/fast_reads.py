"""The shopper list, search and detail from precompiled SQL, rows turned into JSON bytes directly.

The hot path of the catalog: no queryset is built or compiled per request. The statements come from
``catalog.products.read_sql`` (text cached per query shape, only parameters bound per call), run on
Django's connection (so transactions, connection reuse and the test database all behave as before),
and the rows become the contract's dicts, dumped by orjson in one call. The ORM selectors
(``catalog.products.selectors.product_list_page`` / ``product_detail``) stay as the reference this
path must equal byte for byte (``tests/test_fast_reads.py``); adding a field means adding it to both
(docs/performance.md says how).

Counts: with the Redis response cache on, a list's count is kept per process under the catalog's cache
version (read from Redis anyway on every request, see ``catalog.products.cache``), so every page of a
filter set counts once per catalog change and worker; without Redis each answer counts exactly.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from threading import Lock
from typing import Any

import orjson
from django.db import connection

try:
    import psycopg
    import psycopg.errors
except ImportError:  # the embedded (SQLite) install may lack it
    psycopg = None

from catalog.products.compliance import inci_normalize
from catalog.products.kits import kits_available
from catalog.products.models import CURRENCY
from catalog.products.read_sql import (
    ATTRIBUTE_VALUE_KEY_LENGTH,
    DETAIL_ATTRIBUTES,
    DETAIL_IMAGES,
    DETAIL_PRODUCT,
    DETAIL_VARIANTS,
    ListFilters,
    list_statements,
)
from catalog.products.selectors import ProductFilters, json_element
from catalog.search.selectors import search_sql
from common.brazil.installments import installment_hint, installment_policy_from_settings

MAX_CACHED_COUNTS = 2048


class CountCache:
    """Counts per (catalog version, filter set) in this process; a new version empties it."""

    def __init__(self, size: int = MAX_CACHED_COUNTS) -> None:
        self.size = size
        self.version: Any = None
        self.counts: OrderedDict[str, int] = OrderedDict()
        self.lock = Lock()

    def get(self, version: Any, key: str) -> int | None:
        with self.lock:
            if version != self.version:
                return None
            count = self.counts.get(key)
            if count is not None:
                self.counts.move_to_end(key)
            return count

    def put(self, version: Any, key: str, count: int) -> None:
        with self.lock:
            if version != self.version:
                self.version, self.counts = version, OrderedDict()
            self.counts[key] = count
            if len(self.counts) > self.size:
                self.counts.popitem(last=False)


COUNTS = CountCache()


class StalePreparedStatement(Exception):
    """A statement this connection had prepared no longer runs; a new connection will prepare it afresh."""


class PreparedReads:
    """A psycopg cursor whose statements say whether PostgreSQL keeps them prepared on this connection.

    A product page's four statements look rows up by slug or id: their plan never depends on the values,
    so each is parsed and planned once per connection (``prepare=True``) instead of on every request
    (measured on the seeded catalog, bench/README.md: the page 637 -> 829 req/s against the peer's 737).
    A list's and a search's statements are never prepared: after five runs PostgreSQL may keep one
    generic plan for every filter value and search word (with psycopg's automatic preparing the search
    fell from 65 to 38 req/s), so every other statement says ``prepare=False``.

    A prepared statement fails once a migration run elsewhere changes the type of a column it returns
    ("cached plan must not change result type"), or when something deallocated it behind psycopg's back;
    ``StalePreparedStatement`` then has the caller read again on a new connection, where nothing is
    prepared yet.
    """

    __slots__ = ("cursor",)

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def execute(self, sql: str, params: list, *, prepare: bool = False) -> None:
        try:
            self.cursor.execute(sql, params, prepare=prepare)
        except (psycopg.errors.FeatureNotSupported, psycopg.errors.InvalidSqlStatementName) as error:
            if not prepare or connection.in_atomic_block:  # a transaction is aborted: nothing can run again in it
                raise
            raise StalePreparedStatement from error

    def fetchone(self) -> tuple | None:
        return self.cursor.fetchone()

    def fetchall(self) -> list[tuple]:
        return self.cursor.fetchall()


class DjangoReads:
    """Django's own cursor with the same ``execute`` (SQLite, and whenever Django logs queries)."""

    __slots__ = ("cursor",)

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def execute(self, sql: str, params: list, *, prepare: bool = False) -> None:
        self.cursor.execute(sql, params)

    def fetchone(self) -> tuple | None:
        return self.cursor.fetchone()

    def fetchall(self) -> list[tuple]:
        return self.cursor.fetchall()


@contextmanager
def read_cursor() -> Iterator[PreparedReads | DjangoReads]:
    """A cursor for the fast path's statements.

    On PostgreSQL, a psycopg cursor with server-side binding on Django's own connection (Django's
    cursors bind client-side, which costs about 40 us of Python per statement), opened the way Django
    opens its cursors: health check, connection, database errors wrapped (so a broken connection is
    closed at the end of the request), no statement inside a broken transaction. Which statements stay
    prepared: ``PreparedReads``. When Django logs queries (DEBUG, ``django_assert_num_queries``) and on
    SQLite, Django's cursor: the same statements.
    """
    if psycopg is None or connection.vendor != "postgresql" or connection.queries_logged:
        with connection.cursor() as cursor:
            yield DjangoReads(cursor)
        return
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield PreparedReads(cursor)


def money(value: Any) -> str | None:
    """Two decimals ("129.90") from a Decimal (PostgreSQL) or a number (SQLite's numeric column)."""
    return None if value is None else f"{value:.2f}"


def _json_list(value: Any) -> list:
    """A stored JSON list (text from Django's connection on both engines) as a Python list."""
    if not value:
        return []
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def _like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards escaped, as the ORM's ``icontains`` binds it."""
    return f"%{connection.ops.prep_for_like_query(text)}%"


def list_filters(filters: ProductFilters) -> ListFilters | None:
    """The SQL values of a list request; None when its search has no searchable word (no results)."""
    params = filters.params
    search = search_sql(params.q) if params.q else None
    if params.q and search is None:
        return None
    sort = params.sort or ("relevance" if params.q else "-created")
    if sort == "relevance" and not params.q:
        sort = "-created"
    return ListFilters(
        category=params.category or None,
        brand=params.brand or None,
        min_price=params.min_price,
        max_price=params.max_price,
        in_stock=bool(params.in_stock),
        attributes=tuple((code, value[:ATTRIBUTE_VALUE_KEY_LENGTH].upper()) for code, value in filters.attributes),
        free_of_patterns=tuple(
            _like_pattern(json_element(inci_normalize(ingredient))) for ingredient in params.free_of or ()
        ),
        allergen_patterns=tuple(
            _like_pattern(json_element(allergen.strip().lower())) for allergen in params.allergen_free or ()
        ),
        search_match=search.match if search else None,
        search_match_params=search.match_params if search else (),
        search_rank=search.rank if search else None,
        search_rank_params=search.rank_params if search else (),
        sort=sort,
    )


def product_list_body(filters: ProductFilters, *, version: Any = None) -> tuple[bytes, int]:
    """(JSON bytes of ``{items, count, page, pages}``, count): two statements (three with a search on
    PostgreSQL, which first corrects typos), one with a cached count."""
    params = filters.params
    values = list_filters(filters)
    rows: list[tuple] = []
    if values is None:
        count = 0
    else:
        start = (params.page - 1) * params.page_size
        statements = list_statements(connection.vendor, values, limit=params.page_size, offset=start)
        count_key = filters.count_key()
        count = COUNTS.get(version, count_key) if version is not None else None
        with read_cursor() as cursor:
            if count is None:
                cursor.execute(statements.count_sql, statements.count_params)
                count = cursor.fetchone()[0]
                if version is not None:
                    COUNTS.put(version, count_key, count)
            if start < count:
                cursor.execute(statements.page_sql, statements.page_params)
                rows = cursor.fetchall()
    page = {
        "items": [
            {
                "slug": row[0],
                "name": row[1],
                "brand": {"slug": row[2], "name": row[3]},
                "category": {"slug": row[4], "name": row[5]},
                "price_from": money(row[6]),
                "currency": CURRENCY,
                "in_stock": bool(row[7]),
                "image_url": row[8],
            }
            for row in rows
        ],
        "count": count,
        "page": params.page,
        "pages": max(1, math.ceil(count / params.page_size)),
    }
    return orjson.dumps(page), count


def _detail_rows(slug: str) -> tuple[tuple, list, list, list] | None:
    """(product, attributes, images, variants) rows of a published product, or None."""
    with read_cursor() as cursor:
        cursor.execute(DETAIL_PRODUCT, [slug], prepare=True)
        product = cursor.fetchone()
        if product is None:
            return None
        product_id = product[0]
        cursor.execute(DETAIL_ATTRIBUTES, [product_id], prepare=True)
        attributes = cursor.fetchall()
        cursor.execute(DETAIL_IMAGES, [product_id], prepare=True)
        images = cursor.fetchall()
        cursor.execute(DETAIL_VARIANTS, [product_id], prepare=True)
        return product, attributes, images, cursor.fetchall()


def _attribute_out(code: str, name: str, value: str, unit: str = "") -> dict[str, str]:
    return {"code": code, "name": name, "value": f"{value} {unit}" if unit else value}


def product_detail_body(slug: str) -> tuple[bytes, str] | None:
    """(JSON bytes of the product page, product name), or None when unknown or unpublished (four statements,
    prepared on PostgreSQL)."""
    try:
        rows = _detail_rows(slug)
    except StalePreparedStatement:
        connection.close()
        rows = _detail_rows(slug)
    if rows is None:
        return None
    product, attributes, images, variants = rows
    kits = kits_available(skus=[row[0] for row in variants]) if product[13] else {}
    installments = None
    if variants:
        lowest = min(Decimal(str(row[2])) if not isinstance(row[2], Decimal) else row[2] for row in variants)
        plan = installment_hint(amount=lowest, policy=installment_policy_from_settings())
        installments = {"count": plan.count, "amount": money(plan.amount)}
    detail = {
        "installments": installments,
        "slug": product[1],
        "name": product[2],
        "description": product[3],
        "brand": {"slug": product[4], "name": product[5]},
        "category": {"slug": product[6], "name": product[7]},
        "attributes": [_attribute_out(*row) for row in attributes],
        "images": [
            {"url": url, "thumbnail_url": thumbnail or None, "alt": alt, "width": width, "height": height}
            for url, thumbnail, alt, width, height in images
        ],
        "ingredients": _json_list(product[8]),
        "allergens": _json_list(product[9]),
        "anvisa": {"number": product[10] or None, "risk_grade": product[11]},
        "pao_months": product[12],
        "variants": [
            {
                "sku": sku,
                "name": name,
                "price": money(price),
                "currency": CURRENCY,
                "available": kits[sku] if sku in kits else max(0, (on_hand or 0) - (reserved or 0) - (unsellable or 0)),
                "attributes": [
                    *([_attribute_out("shade_hex", "Cor", shade_hex)] if shade_hex else []),
                    *([_attribute_out("size", "Tamanho", size)] if size else []),
                ],
                "shade": {"name": name, "hex": shade_hex} if shade_hex else None,
            }
            for sku, name, price, shade_hex, size, on_hand, reserved, unsellable in variants
        ],
    }
    return orjson.dumps(detail), product[2]
