"""The product's derived columns, refreshed by the app that owns them: ``price_from``, ``in_stock`` and the
search data, computed from the product's own rows and inventory's stock. Every writer (product services,
inventory, the CSV import, the seed) calls in here; no other module writes these columns.

PostgreSQL: ``search_document`` is a weighted tsvector (A: name, brand, SKUs split into their parts
("VLB-BAT-00161-01" -> vlb bat 00161 01, as a query is split) and variant names;
B: attribute values, category, product type and INCI ingredients; C: description), built with the accent-free
Portuguese configuration ``catalog_pt`` (stems) and ``catalog_simple`` (whole words, for prefixes),
both created in ``catalog/search/migrations/0002``. Everywhere: ``search_text`` (the accent-folded words
of the name, A, B and C, in that order, for the SQLite search); the words go to search's lexicon (typo
correction) through ``catalog.search.services``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

from catalog.products.kits import KITS_OF_PRODUCTS_SQL, kit_product_ids, kits_in_stock, sql_rows
from catalog.products.models import Product, ProductAttributeValue, Variant
from catalog.search.services import search_lexicon_extend
from catalog.search.text import lexicon_words, search_fields_text, words
from common.cursors import statement_cursor

CHUNK = 2000

DOCUMENT_SQL = """
UPDATE products_product AS p SET
    search_document =
        setweight(to_tsvector('catalog_pt', d.a), 'A') || setweight(to_tsvector('catalog_simple', d.a), 'A')
        || setweight(to_tsvector('catalog_pt', d.b), 'B') || setweight(to_tsvector('catalog_simple', d.b), 'B')
        || setweight(to_tsvector('catalog_pt', d.c), 'C'),
    search_text = d.t,
    price_from = d.price,
    in_stock = d.in_stock
FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::numeric[], %s::boolean[])
    AS d(id, a, b, c, t, price, in_stock)
WHERE p.id = d.id
"""


def product_index_refresh(*, product_ids: Iterable[int]) -> None:
    """Recompute ``price_from``, ``in_stock``, the search document, the fallback text and the lexicon."""
    ids = sorted(set(product_ids))
    for start in range(0, len(ids), CHUNK):
        _refresh_chunk(ids[start : start + CHUNK])


def _refresh_chunk(ids: list[int]) -> None:
    products = list(
        Product.objects.filter(pk__in=ids).values(
            "id", "name", "description", "brand__name", "category__name", "product_type__name", "ingredients"
        )
    )
    variants: dict[int, list[dict]] = defaultdict(list)
    variant_fields = (
        "product_id",
        "sku",
        "name",
        "size",
        "price",
        "stock__on_hand",
        "stock__reserved",
        "stock__unsellable",
    )
    for row in Variant.objects.filter(product_id__in=ids).values(*variant_fields):
        variants[row["product_id"]].append(row)
    attributes: dict[int, list[str]] = defaultdict(list)
    for row in ProductAttributeValue.objects.filter(product_id__in=ids).values("product_id", "value"):
        attributes[row["product_id"]].append(row["value"])

    kit_flags = kits_in_stock(kit_ids=kit_product_ids(product_ids=ids))
    rows = []
    lexicon: set[str] = set()
    for product in products:
        own = variants[product["id"]]
        a_text = " ".join(
            [
                product["name"],
                product["brand__name"],
                *(f"{' '.join(words(v['sku']))} {v['name']} {v['size']}" for v in own),
            ]
        )
        b_text = " ".join(
            [
                *attributes[product["id"]],
                product["category__name"],
                product["product_type__name"],
                *(product["ingredients"] or []),
            ]
        )
        price_from = min((v["price"] for v in own), default=None)
        in_stock = any(
            (v["stock__on_hand"] or 0) > (v["stock__reserved"] or 0) + (v["stock__unsellable"] or 0) for v in own
        )
        in_stock = kit_flags.get(product["id"], in_stock)  # a kit: as its components allow
        search_text = search_fields_text(
            name=product["name"],
            a=a_text[len(product["name"]) :],
            b=b_text,
            c=product["description"],
        )
        rows.append((product["id"], a_text, b_text, product["description"], search_text, price_from, in_stock))
        lexicon |= lexicon_words(f"{a_text} {b_text}")

    if connection.vendor == "postgresql":
        columns = [list(column) for column in zip(*rows, strict=True)] if rows else [[]] * 7
        with connection.cursor() as cursor:
            cursor.execute(DOCUMENT_SQL, columns)
    else:
        Product.objects.bulk_update(
            [Product(pk=row[0], search_text=row[4], price_from=row[5], in_stock=row[6]) for row in rows],
            ["search_text", "price_from", "in_stock"],
            batch_size=500,
        )
    search_lexicon_extend(words=lexicon)


def product_in_stock_refresh(*, product_ids: Iterable[int]) -> None:
    """Keep ``in_stock`` right after inventory's stock moved. Only a product whose flag flips is written (so
    concurrent reservations rarely touch the product row), one at a time in id order (no deadlocks).
    The kits holding a variant of these products are refreshed too (their stock is their components').

    One statement finds both the kits and the products whose flag is wrong (``IN_STOCK_CHECK_SQL``): on the
    usual stock change, no kit and no flip, that is all it costs."""
    product_ids = sorted(set(product_ids))
    if not product_ids:
        return
    found = sql_rows(IN_STOCK_CHECK_SQL, product_ids, product_ids, product_ids)
    kit_ids = {product_id for product_id, is_kit in found if is_kit}
    flips = {product_id for product_id, is_kit in found if not is_kit} - kit_ids
    kits = kits_in_stock(kit_ids=kit_ids)
    with statement_cursor() as cursor:
        for product_id in sorted(flips | set(kits)):
            if product_id in kits:
                Product.objects.filter(pk=product_id).exclude(in_stock=kits[product_id]).update(
                    in_stock=kits[product_id]
                )
            else:  # wrong when checked: flipped again only if still wrong (the check took no lock)
                cursor.execute(IN_STOCK_SQL, [product_id, product_id])


# ``in_stock`` flipped only where it is wrong: a product is in stock when one of its variants has more on hand
# than reserved and unsellable. Plain SQL (PostgreSQL and SQLite alike): it runs on every stock change, and
# compiling the equivalent queryset (an Exists subquery) cost more CPU than the statement itself.
_SELLABLE_VARIANT = """
    SELECT 1 FROM products_variant AS v INNER JOIN inventory_stock AS s ON s.variant_id = v.id
    WHERE v.product_id = {product} AND s.on_hand > s.reserved + s.unsellable
"""
IN_STOCK_SQL = f"""
UPDATE products_product SET in_stock = NOT in_stock
WHERE id = %s AND in_stock <> EXISTS ({_SELLABLE_VARIANT.format(product="%s")})
"""  # noqa: S608 (constants)
# Which of these products are kits or hold a kit's component (1, ``kits.KITS_OF_PRODUCTS_SQL``), and which
# have a wrong ``in_stock`` (0).
IN_STOCK_CHECK_SQL = f"""
SELECT kit_id, 1 FROM ({KITS_OF_PRODUCTS_SQL}) AS kits
UNION
SELECT p.id, 0 FROM products_product AS p
WHERE p.id IN ({{in}}) AND p.in_stock <> EXISTS ({_SELLABLE_VARIANT.format(product="p.id")})
"""  # noqa: S608 (constants)


def planner_statistics_refresh() -> None:
    """After bulk writes (seed, reindex) PostgreSQL's statistics are stale and its plans poor until
    autovacuum runs: vacuum and analyze the catalog tables now. Outside a transaction only."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    tables = ("products_product", "products_variant", "products_productimage", "products_productattributevalue",
              "inventory_stock", "search_searchterm")  # fmt: skip
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")
