"""The SQL of the shopper list and detail, written once per query shape (no ORM per request).

Django-free on purpose: ``catalog.products.fast_reads`` runs these statements through Django's
connection, and the benchmark's FastAPI peer (``bench/catalog_peer``) runs the very same text through
psycopg, so the two are compared on identical SQL. Every statement here mirrors what the ORM reference
(``catalog.products.selectors.product_list_queryset`` / ``product_detail``) generates, condition for
condition and in the same order, so the answers are the same rows; ``tests/test_fast_reads.py`` holds
the two to byte equality on PostgreSQL and SQLite.

Placeholders are ``%s`` (psycopg's and Django's style; Django turns them into ``?`` on SQLite). Table
names are spelled out in full because the search conditions (``catalog.search.selectors.search_sql``)
refer to ``products_product``.
"""

# Every statement is assembled from the constant fragments below; values only ever travel as parameters.
# ruff: noqa: S608
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

ATTRIBUTE_VALUE_KEY_LENGTH = 100  # the ``attribute_value_lookup`` index is on UPPER(LEFT(value, 100))

LIST_COLUMNS = (
    "products_product.slug, products_product.name, products_brand.slug, products_brand.name, "
    "products_category.slug, products_category.name, products_product.price_from, products_product.in_stock, "
    "(SELECT i.url FROM products_productimage i WHERE i.product_id = products_product.id "
    "ORDER BY i.position ASC, i.id ASC LIMIT 1)"
)
LIST_JOINS = (
    " INNER JOIN products_brand ON products_product.brand_id = products_brand.id"
    " INNER JOIN products_category ON products_product.category_id = products_category.id"
)
CATEGORY_SUBTREE = (
    "products_product.category_id IN (SELECT c0.id FROM products_category c0"
    " LEFT OUTER JOIN products_category c1 ON c0.parent_id = c1.id"
    " LEFT OUTER JOIN products_category c2 ON c1.parent_id = c2.id"
    " WHERE c0.slug = %s OR c1.slug = %s OR c2.slug = %s)"
)
BRAND = "products_product.brand_id IN (SELECT b.id FROM products_brand b WHERE b.slug = %s)"
# An unknown attribute code filters nothing (tracking parameters such as utm_source); both subqueries
# are uncorrelated, so PostgreSQL runs each once.
ATTRIBUTE = {
    "postgresql": (
        "(NOT EXISTS (SELECT 1 FROM products_attribute a WHERE a.code = %s)"
        " OR products_product.id IN (SELECT v.product_id FROM products_productattributevalue v"
        " INNER JOIN products_attribute a ON v.attribute_id = a.id"
        f" WHERE a.code = %s AND UPPER(LEFT(v.value, {ATTRIBUTE_VALUE_KEY_LENGTH})) = %s))"
    ),
    "sqlite": (
        "(NOT EXISTS (SELECT 1 FROM products_attribute a WHERE a.code = %s)"
        " OR products_product.id IN (SELECT v.product_id FROM products_productattributevalue v"
        " INNER JOIN products_attribute a ON v.attribute_id = a.id"
        f" WHERE a.code = %s AND UPPER(SUBSTR(v.value, 1, {ATTRIBUTE_VALUE_KEY_LENGTH})) = %s))"
    ),
}
# "sem <ingrediente>": no element of the stored JSON list equals it (the pattern is '%"AQUA"%').
NOT_CONTAINING = {
    "postgresql": "NOT (UPPER(products_product.{column}::text) LIKE UPPER(%s))",
    "sqlite": "NOT (products_product.{column} LIKE %s ESCAPE '\\')",
}
SORTS = {
    "price": "products_product.price_from ASC NULLS LAST, products_product.id ASC",
    "-price": "products_product.price_from DESC NULLS LAST, products_product.id DESC",
    "name": "products_product.name ASC, products_product.id ASC",
    "-created": "products_product.created_at DESC, products_product.id DESC",
    "relevance": "search_rank DESC, products_product.name ASC, products_product.id ASC",
}

DETAIL_PRODUCT = (
    "SELECT products_product.id, products_product.slug, products_product.name, products_product.description,"
    " products_brand.slug, products_brand.name, products_category.slug, products_category.name,"
    " products_product.ingredients, products_product.allergens, products_product.anvisa_number,"
    " products_product.anvisa_risk_grade, products_product.pao_months,"
    # a kit: its variants' availability is what its components make (catalog.products.kits)
    " EXISTS (SELECT 1 FROM products_kitcomponent k WHERE k.kit_id = products_product.id)"
    f" FROM products_product{LIST_JOINS}"
    " WHERE products_product.slug = %s AND products_product.is_published LIMIT 1"
)
DETAIL_ATTRIBUTES = (
    "SELECT a.code, a.name, v.value, a.unit FROM products_productattributevalue v"
    " INNER JOIN products_attribute a ON v.attribute_id = a.id"
    " WHERE v.product_id = %s ORDER BY a.position ASC, a.code ASC"
)
DETAIL_IMAGES = (
    "SELECT url, thumbnail_url, alt_text, width, height FROM products_productimage"
    " WHERE product_id = %s ORDER BY position ASC, id ASC"
)
DETAIL_VARIANTS = (
    "SELECT v.sku, v.name, v.price, v.shade_hex, v.size, s.on_hand, s.reserved, s.unsellable"
    " FROM products_variant v LEFT OUTER JOIN inventory_stock s ON s.variant_id = v.id"
    " WHERE v.product_id = %s ORDER BY v.position ASC, v.id ASC"
)


@dataclass(frozen=True)
class ListFilters:
    """The values one list query is bound with (already normalised by the caller)."""

    category: str | None = None
    brand: str | None = None
    min_price: Any = None
    max_price: Any = None
    in_stock: bool = False
    attributes: tuple[tuple[str, str], ...] = ()  # (code, value upper-cased and cut to 100 characters)
    free_of_patterns: tuple[str, ...] = ()  # LIKE patterns, escaped: '%"AQUA"%'
    allergen_patterns: tuple[str, ...] = ()
    search_match: str | None = None  # SQL condition of a search, and its parameters
    search_match_params: tuple = ()
    search_rank: str | None = None  # SQL rank expression of a search, and its parameters
    search_rank_params: tuple = ()
    sort: str = "-created"  # a key of SORTS; "relevance" only with a search


@dataclass(frozen=True)
class ListStatements:
    count_sql: str
    count_params: list
    page_sql: str
    page_params: list


def list_statements(vendor: str, filters: ListFilters, *, limit: int, offset: int) -> ListStatements:
    """The count and page statements of ``filters``: the SQL text comes from a per-shape cache, only the
    parameters are built per call."""
    count_sql, page_sql = _list_sql(
        vendor,
        bool(filters.category),
        bool(filters.brand),
        filters.min_price is not None,
        filters.max_price is not None,
        bool(filters.in_stock),
        len(filters.attributes),
        len(filters.free_of_patterns),
        len(filters.allergen_patterns),
        filters.search_match,
        filters.search_rank if filters.sort == "relevance" else None,
        filters.sort,
    )
    where: list[Any] = []
    if filters.category:
        where += [filters.category] * 3
    if filters.brand:
        where.append(filters.brand)
    if filters.min_price is not None:
        where.append(filters.min_price)
    if filters.max_price is not None:
        where.append(filters.max_price)
    for code, value_key in filters.attributes:
        where += [code, code, value_key]
    where += filters.free_of_patterns
    where += filters.allergen_patterns
    if filters.search_match:
        where += filters.search_match_params
    rank = list(filters.search_rank_params) if filters.sort == "relevance" and filters.search_rank else []
    return ListStatements(count_sql, where, page_sql, [*rank, *where, limit, offset])


@lru_cache(maxsize=512)
def _list_sql(
    vendor: str,
    category: bool,
    brand: bool,
    min_price: bool,
    max_price: bool,
    in_stock: bool,
    attributes: int,
    free_of: int,
    allergen_free: int,
    search_match: str | None,
    search_rank: str | None,
    sort: str,
) -> tuple[str, str]:
    conditions = ["products_product.is_published"]
    if category:
        conditions.append(CATEGORY_SUBTREE)
    if brand:
        conditions.append(BRAND)
    if min_price:
        conditions.append("products_product.price_from >= %s")
    if max_price:
        conditions.append("products_product.price_from <= %s")
    if in_stock:
        conditions.append("products_product.in_stock")
    conditions += [ATTRIBUTE[vendor]] * attributes
    conditions += [NOT_CONTAINING[vendor].format(column="ingredients")] * free_of
    conditions += [NOT_CONTAINING[vendor].format(column="allergens")] * allergen_free
    if search_match:
        conditions.append(f"({search_match})")
    where = " AND ".join(conditions)
    count_sql = f"SELECT COUNT(*) FROM products_product WHERE {where}"
    if sort == "relevance" and search_rank:  # the rank is a tenth column, ordered by its alias
        columns = f"{LIST_COLUMNS}, ({search_rank}) AS search_rank"
        order = SORTS["relevance"]
    else:
        columns = LIST_COLUMNS
        order = SORTS.get(sort, SORTS["-created"])
    page_sql = f"SELECT {columns} FROM products_product{LIST_JOINS} WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s"
    return count_sql, page_sql
