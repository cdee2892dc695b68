"""Reads of the shopper API: product list and detail, categories, brands.

List and detail here are the ORM reference: built from ``.values()`` rows into plain dicts (no model
instances), two SQL queries for the list (count and page; three with a search, which first corrects
typos), four for the detail, whatever the page size or the number of variants. The API serves the same
answers from precompiled SQL (``catalog.products.fast_reads``); ``tests/test_fast_reads.py`` holds the
two byte-identical, so a new field goes in both.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Left, Upper

from catalog.products.compliance import inci_normalize
from catalog.products.kits import kits_available
from catalog.products.models import (
    CURRENCY,
    Attribute,
    Brand,
    Category,
    KitComponent,
    Product,
    ProductAttributeValue,
    ProductImage,
    Variant,
)
from catalog.products.pricing import PriceChangeRow, price_change_rows
from catalog.products.schemas import ProductListQuery
from catalog.search.selectors import product_search
from common.brazil.installments import installment_hint, installment_policy_from_settings

ATTRIBUTE_PARAM = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
MAX_ATTRIBUTE_FILTERS = 5
LIST_FIELDS = (
    "slug",
    "name",
    "brand__slug",
    "brand__name",
    "category__slug",
    "category__name",
    "price_from",
    "in_stock",
)


@dataclass(frozen=True)
class ProductFilters:
    """Everything a product list answer depends on (also its cache key)."""

    params: ProductListQuery
    attributes: tuple[tuple[str, str], ...] = field(default=())

    def cache_key(self) -> str:
        fields = self.params.model_dump(mode="json")
        text = repr((sorted(fields.items()), self.attributes)).encode()
        return "list:" + hashlib.blake2b(text, digest_size=16).hexdigest()

    def count_key(self) -> str:
        """The key of this filter set's count: every page and page size of it shares one."""
        fields = self.params.model_dump(mode="json", exclude={"page", "page_size", "sort"})
        text = repr((sorted(fields.items()), self.attributes)).encode()
        return "count:" + hashlib.blake2b(text, digest_size=16).hexdigest()


def attribute_filters(query: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The query parameters that are not list parameters, taken as attribute filters (``skin_type=oleosa``).

    A name that is no attribute code is ignored in SQL (see :func:`_attribute_condition`), so tracking
    parameters such as ``utm_source`` do not empty the list.
    """
    known = set(ProductListQuery.model_fields)
    found = sorted(
        (name, str(value)[:200])
        for name, value in query.items()
        if name not in known and ATTRIBUTE_PARAM.match(name) and value != ""
    )
    return tuple(found[:MAX_ATTRIBUTE_FILTERS])


def json_element(text: str) -> str:
    """``text`` as it appears as an element of a stored JSON list of strings (quoted), so a match is a
    whole element (``"AQUA"`` does not match ``"AQUA ROSAE"``) on PostgreSQL and SQLite alike."""
    return json.dumps(text)


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _attribute_condition(code: str, value: str) -> Q:
    """Products with ``code`` = ``value`` (case-insensitive), or every product when no attribute has that code.

    Both subqueries are uncorrelated: PostgreSQL runs each once (an InitPlan and a hashed subplan).
    """
    unknown_code = ~Exists(Attribute.objects.filter(code=code))
    matching = (
        ProductAttributeValue.objects.alias(value_key=Upper(Left("value", 100)))
        .filter(attribute__code=code, value_key=value[:100].upper())
        .values("product_id")
    )
    return Q(unknown_code) | Q(pk__in=matching)


def product_list_queryset(filters: ProductFilters) -> QuerySet[Product] | None:
    """Published products narrowed by the filters and search, ordered; None when the query cannot match."""
    params = filters.params
    products = Product.objects.filter(is_published=True)
    if params.category:
        subtree = Category.objects.filter(
            Q(slug=params.category) | Q(parent__slug=params.category) | Q(parent__parent__slug=params.category)
        )
        products = products.filter(category_id__in=subtree.values("id"))
    if params.brand:
        products = products.filter(brand__slug=params.brand)
    if params.min_price is not None:
        products = products.filter(price_from__gte=params.min_price)
    if params.max_price is not None:
        products = products.filter(price_from__lte=params.max_price)
    if params.in_stock:
        products = products.filter(in_stock=True)
    for code, value in filters.attributes:
        products = products.filter(_attribute_condition(code, value))
    for ingredient in params.free_of or ():  # "sem <ingrediente>": no INCI name of the list equals it
        products = products.exclude(ingredients__icontains=json_element(inci_normalize(ingredient)))
    for allergen in params.allergen_free or ():
        products = products.exclude(allergens__icontains=json_element(allergen.strip().lower()))
    sort = params.sort or ("relevance" if params.q else "-created")
    if params.q:
        products = product_search(products, query=params.q)
        if products is None:
            return None
    if sort == "relevance" and params.q:
        return products.order_by("-search_rank", "name", "id")
    return products.order_by(*SORTS.get(sort, SORTS["-created"]))


SORTS = {
    "price": (F("price_from").asc(nulls_last=True), "id"),
    "-price": (F("price_from").desc(nulls_last=True), "-id"),
    "name": ("name", "id"),
    "-created": ("-created_at", "-id"),
}


def product_list_page(filters: ProductFilters) -> dict[str, Any]:
    """``{items, count, page, pages}`` with the contract's list items, as plain dicts."""
    params = filters.params
    products = product_list_queryset(filters)
    count = 0 if products is None else products.count()
    start = (params.page - 1) * params.page_size
    rows: list[dict[str, Any]] = []
    if products is not None and start < count:
        first_image = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "id").values("url")[:1]
        rows = list(products.values(*LIST_FIELDS, image_url=Subquery(first_image))[start : start + params.page_size])
    return {
        "items": [
            {
                "slug": row["slug"],
                "name": row["name"],
                "brand": {"slug": row["brand__slug"], "name": row["brand__name"]},
                "category": {"slug": row["category__slug"], "name": row["category__name"]},
                "price_from": money(row["price_from"]),
                "currency": CURRENCY,
                "in_stock": row["in_stock"],
                "image_url": row["image_url"],
            }
            for row in rows
        ],
        "count": count,
        "page": params.page,
        "pages": max(1, math.ceil(count / params.page_size)),
    }


def _attribute_out(code: str, name: str, value: str, unit: str = "") -> dict[str, str]:
    return {"code": code, "name": name, "value": f"{value} {unit}" if unit else value}


def _installments_hint(variants: list[dict[str, Any]]) -> dict[str, Any] | None:
    """``{count, amount}``: "em até 6x de R$ 21,65 sem juros" from the lowest price, by the same function
    (common.brazil.installments) as orders' cart and checkout, so the numbers agree everywhere."""
    if not variants:
        return None
    plan = installment_hint(amount=min(v["price"] for v in variants), policy=installment_policy_from_settings())
    return {"count": plan.count, "amount": money(plan.amount)}


def product_detail(*, slug: str) -> dict[str, Any] | None:
    """The published product's page as a plain dict (four queries), or None when unknown or unpublished."""
    product = (
        Product.objects.filter(slug=slug, is_published=True)
        .annotate(is_kit=Exists(KitComponent.objects.filter(kit=OuterRef("pk"))))
        .values(
            "id",
            "is_kit",
            "slug",
            "name",
            "description",
            "brand__slug",
            "brand__name",
            "category__slug",
            "category__name",
            "ingredients",
            "allergens",
            "anvisa_number",
            "anvisa_risk_grade",
            "pao_months",
        )
        .first()
    )
    if product is None:
        return None
    attributes = (
        ProductAttributeValue.objects.filter(product_id=product["id"])
        .order_by("attribute__position", "attribute__code")
        .values_list("attribute__code", "attribute__name", "value", "attribute__unit")
    )
    images = (
        ProductImage.objects.filter(product_id=product["id"])
        .order_by("position", "id")
        .values("url", "thumbnail_url", "alt_text", "width", "height")
    )
    variants = list(
        Variant.objects.filter(product_id=product["id"])
        .order_by("position", "id")
        .values("sku", "name", "price", "shade_hex", "size", "stock__on_hand", "stock__reserved", "stock__unsellable")
    )
    kits = kits_available(skus=[variant["sku"] for variant in variants]) if product["is_kit"] else {}
    return {
        "installments": _installments_hint(variants),
        "slug": product["slug"],
        "name": product["name"],
        "description": product["description"],
        "brand": {"slug": product["brand__slug"], "name": product["brand__name"]},
        "category": {"slug": product["category__slug"], "name": product["category__name"]},
        "attributes": [_attribute_out(*row) for row in attributes],
        "images": [
            {
                "url": image["url"],
                "thumbnail_url": image["thumbnail_url"] or None,
                "alt": image["alt_text"],
                "width": image["width"],
                "height": image["height"],
            }
            for image in images
        ],
        "ingredients": product["ingredients"] or [],
        "allergens": product["allergens"] or [],
        "anvisa": {"number": product["anvisa_number"] or None, "risk_grade": product["anvisa_risk_grade"]},
        "pao_months": product["pao_months"],
        "variants": [
            {
                "sku": variant["sku"],
                "name": variant["name"],
                "price": money(variant["price"]),
                "currency": CURRENCY,
                "available": kits[variant["sku"]]
                if variant["sku"] in kits
                else max(
                    0,
                    (variant["stock__on_hand"] or 0)
                    - (variant["stock__reserved"] or 0)
                    - (variant["stock__unsellable"] or 0),
                ),
                "attributes": [
                    *([_attribute_out("shade_hex", "Cor", variant["shade_hex"])] if variant["shade_hex"] else []),
                    *([_attribute_out("size", "Tamanho", variant["size"])] if variant["size"] else []),
                ],
                "shade": {"name": variant["name"], "hex": variant["shade_hex"]} if variant["shade_hex"] else None,
            }
            for variant in variants
        ],
    }


def category_tree() -> list[dict[str, Any]]:
    """``[{slug, name, children: [...]}]`` from one query."""
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    rows = list(Category.objects.order_by("position", "name").values("id", "slug", "name", "parent_id"))
    for row in rows:
        nodes[row["id"]] = {"slug": row["slug"], "name": row["name"], "children": []}
    for row in rows:
        parent = nodes.get(row["parent_id"]) if row["parent_id"] else None
        (parent["children"] if parent else roots).append(nodes[row["id"]])
    return roots


def brand_list() -> list[dict[str, str]]:
    return list(Brand.objects.order_by("name").values("slug", "name"))


def stock_availability(*, skus: list[str]) -> list[dict[str, Any]]:
    """``[{sku, available}]`` in the order asked; unknown SKUs are left out."""
    rows = {
        row["sku"]: (row["stock__on_hand"] or 0) - (row["stock__reserved"] or 0) - (row["stock__unsellable"] or 0)
        for row in Variant.objects.filter(sku__in=skus).values(
            "sku", "stock__on_hand", "stock__reserved", "stock__unsellable"
        )
    }
    rows.update(kits_available(skus=skus))  # a kit: as many as its components make
    seen: set[str] = set()
    answer = []
    for sku in skus:
        if sku in rows and sku not in seen:
            seen.add(sku)
            answer.append({"sku": sku, "available": max(0, rows[sku])})
    return answer


def price_change_preview(
    *, products: QuerySet[Product], percentage: Decimal, keep_endings: bool
) -> list[PriceChangeRow]:
    """What the admin's bulk price change would write, variant by variant, before it is applied."""
    variants = Variant.objects.filter(product__in=products).select_related("product")
    variants = list(variants.order_by("product_id", "position", "id"))
    return price_change_rows(variants=variants, percentage=percentage, keep_endings=keep_endings)
