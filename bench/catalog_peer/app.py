"""The peer a user would pick: FastAPI + psycopg serving the catalog's list, search and detail.

It reads the catalog service's own PostgreSQL tables with the very SQL text the service runs
(``catalog.products.read_sql``, ``catalog.search.sql``: Django-free modules), renders the contract's
JSON itself with orjson, and answers the same bytes as the service (``bench/catalog_peer.py`` checks
that on ~17 URLs before it measures). No Django anywhere; no search log or browsing history either
(the service writes those; the peer only reads). psycopg's defaults: a statement run five times on a
connection is prepared from then on.

    CATALOG_PEER_DATABASE_URL=postgres://... uvicorn --app-dir bench/catalog_peer app:app --port 22710

Only the filters the benchmark sends are supported (page, page_size, sort, category, brand,
min_price, max_price, in_stock, q); anything else is ignored.
"""

from __future__ import annotations

import math
import os
import sys
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

import orjson
from fastapi import FastAPI, Query, Response
from psycopg.rows import tuple_row
from psycopg_pool import AsyncConnectionPool

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "catalog_service"))

from catalog.products.read_sql import (
    DETAIL_ATTRIBUTES,
    DETAIL_IMAGES,
    DETAIL_PRODUCT,
    DETAIL_VARIANTS,
    ListFilters,
    list_statements,
)
from catalog.search.sql import CORRECTIONS_SQL, MATCH, RANK, prefix_tsquery
from catalog.search.text import MIN_LEXICON_WORD_LENGTH, query_words
from common.brazil.installments import InstallmentPolicy, installment_hint

DATABASE_URL = os.environ.get("CATALOG_PEER_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_catalog")
RANDOM_PAGE_COST = os.environ.get("CATALOG_DATABASE_RANDOM_PAGE_COST", "1.1")
POLICY = InstallmentPolicy(
    max_installments=int(os.environ.get("SHOP_INSTALLMENTS_MAX", "12")),
    interest_free_max=int(os.environ.get("SHOP_INSTALLMENTS_INTEREST_FREE", "6")),
    min_installment=Decimal(os.environ.get("SHOP_INSTALLMENT_MIN_AMOUNT", "10.00")),
    monthly_interest=Decimal(os.environ.get("SHOP_INSTALLMENTS_MONTHLY_INTEREST", "0.0199")),
)
NOT_FOUND = orjson.dumps({"detail": "No published product has this slug.", "code": "not_found"})

pool = AsyncConnectionPool(
    DATABASE_URL,
    min_size=2,
    max_size=8,
    open=False,
    kwargs={"options": f"-c random_page_cost={RANDOM_PAGE_COST}"} if RANDOM_PAGE_COST else {},
)


@asynccontextmanager
async def lifespan(_: FastAPI):
    await pool.open(wait=True)
    yield
    await pool.close()


app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def json_response(body: bytes, status: int = 200) -> Response:
    return Response(content=body, status_code=status, media_type="application/json")


@app.get("/healthz")
async def healthz() -> Response:
    return json_response(b'{"status":"ok"}')


@app.get("/api/catalog/products")
async def product_list(
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 24,
    sort: Literal["relevance", "price", "-price", "name", "-created"] | None = None,
    category: Annotated[str | None, Query(max_length=120)] = None,
    brand: Annotated[str | None, Query(max_length=100)] = None,
    min_price: Annotated[Decimal | None, Query(ge=0)] = None,
    max_price: Annotated[Decimal | None, Query(ge=0)] = None,
    in_stock: bool | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    async with pool.connection() as connection:
        cursor = connection.cursor(row_factory=tuple_row)
        search = {}
        words = query_words(q) if q else []
        if q and not words:
            return json_response(orjson.dumps({"items": [], "count": 0, "page": page, "pages": 1}))
        if words:
            await cursor.execute(CORRECTIONS_SQL, [MIN_LEXICON_WORD_LENGTH, words])
            corrections = {word: nearest for word, nearest in await cursor.fetchall() if nearest}
            params = (prefix_tsquery(words, corrections), " ".join(words))
            search = {"search_match": MATCH, "search_match_params": params, "search_rank": RANK}
            search["search_rank_params"] = params
        chosen = sort or ("relevance" if q else "-created")
        filters = ListFilters(
            category=category or None,
            brand=brand or None,
            min_price=min_price,
            max_price=max_price,
            in_stock=bool(in_stock),
            sort=chosen if (chosen != "relevance" or q) else "-created",
            **search,
        )
        offset = (page - 1) * page_size
        statements = list_statements("postgresql", filters, limit=page_size, offset=offset)
        await cursor.execute(statements.count_sql, statements.count_params)
        count = (await cursor.fetchone())[0]
        rows = []
        if offset < count:
            await cursor.execute(statements.page_sql, statements.page_params)
            rows = await cursor.fetchall()
    items = [
        {
            "slug": row[0],
            "name": row[1],
            "brand": {"slug": row[2], "name": row[3]},
            "category": {"slug": row[4], "name": row[5]},
            "price_from": money(row[6]),
            "currency": "BRL",
            "in_stock": row[7],
            "image_url": row[8],
        }
        for row in rows
    ]
    body = {"items": items, "count": count, "page": page, "pages": max(1, math.ceil(count / page_size))}
    return json_response(orjson.dumps(body))


def attribute(code: str, name: str, value: str, unit: str = "") -> dict[str, str]:
    return {"code": code, "name": name, "value": f"{value} {unit}" if unit else value}


@app.get("/api/catalog/products/{slug}")
async def product_detail(slug: str) -> Response:
    async with pool.connection() as connection:
        cursor = connection.cursor(row_factory=tuple_row)
        await cursor.execute(DETAIL_PRODUCT, [slug])
        product = await cursor.fetchone()
        if product is None:
            return json_response(NOT_FOUND, 404)
        await cursor.execute(DETAIL_ATTRIBUTES, [product[0]])
        attributes = await cursor.fetchall()
        await cursor.execute(DETAIL_IMAGES, [product[0]])
        images = await cursor.fetchall()
        await cursor.execute(DETAIL_VARIANTS, [product[0]])
        variants = await cursor.fetchall()
    plan = installment_hint(amount=min(row[2] for row in variants), policy=POLICY) if variants else None
    body = {
        "installments": {"count": plan.count, "amount": money(plan.amount)} if plan else None,
        "slug": product[1],
        "name": product[2],
        "description": product[3],
        "brand": {"slug": product[4], "name": product[5]},
        "category": {"slug": product[6], "name": product[7]},
        "attributes": [attribute(*row) for row in attributes],
        "images": [
            {"url": url, "thumbnail_url": thumb or None, "alt": alt, "width": width, "height": height}
            for url, thumb, alt, width, height in images
        ],
        "ingredients": product[8] or [],  # psycopg decodes jsonb itself
        "allergens": product[9] or [],
        "anvisa": {"number": product[10] or None, "risk_grade": product[11]},
        "pao_months": product[12],
        "variants": [
            {
                "sku": sku,
                "name": name,
                "price": money(price),
                "currency": "BRL",
                "available": max(0, (on_hand or 0) - (reserved or 0) - (unsellable or 0)),
                "attributes": [
                    *([attribute("shade_hex", "Cor", shade)] if shade else []),
                    *([attribute("size", "Tamanho", size)] if size else []),
                ],
                "shade": {"name": name, "hex": shade} if shade else None,
            }
            for sku, name, price, shade, size, on_hand, reserved, unsellable in variants
        ],
    }
    return json_response(orjson.dumps(body))
