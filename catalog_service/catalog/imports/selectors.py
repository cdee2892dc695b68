"""CSV export in the import format, one row per variant, streamed in chunks.

Beside the import's columns it writes the product's photos (storage names or URLs, which the import
takes back), attributes, compliance data and the SKU's lots. ``delimiter``/``decimal_comma``/``bom``
make it Excel-ready (``catalog.imports.spreadsheet``); the defaults are the plain CSV of scripts.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import QuerySet

from catalog.imports.csv_format import COLUMNS, EXPORT_HEADER
from catalog.imports.spreadsheet import BOM
from catalog.inventory.ledger import stock_version_subquery
from catalog.inventory.models import StockLot
from catalog.products.models import Product, ProductAttributeValue, ProductImage, Variant

CHUNK = 2000
LIST_SEPARATOR = " | "


def _decimal_text(value, *, decimal_comma: bool):
    if isinstance(value, Decimal) and decimal_comma:
        return f"{value:.2f}".replace(".", ",")
    return value


def _product_extras(product_ids: list[int]) -> dict[int, list[str]]:
    """Per product: images, attributes, ingredients, allergens, ANVISA number and grade, PAO."""
    images: dict[int, list[str]] = defaultdict(list)
    for product_id, file, url in (
        ProductImage.objects.filter(product_id__in=product_ids)
        .order_by("product_id", "position", "id")
        .values_list("product_id", "file", "url")
    ):
        images[product_id].append(file or url)
    attributes: dict[int, list[str]] = defaultdict(list)
    for product_id, code, value in (
        ProductAttributeValue.objects.filter(product_id__in=product_ids)
        .order_by("product_id", "attribute__position", "attribute__code")
        .values_list("product_id", "attribute__code", "value")
    ):
        attributes[product_id].append(f"{code}={value}")
    extras = {}
    for product_id, ingredients, allergens, anvisa_number, grade, pao in Product.objects.filter(
        pk__in=product_ids
    ).values_list("id", "ingredients", "allergens", "anvisa_number", "anvisa_risk_grade", "pao_months"):
        extras[product_id] = [
            "|".join(images[product_id]),
            LIST_SEPARATOR.join(attributes[product_id]),
            LIST_SEPARATOR.join(ingredients or []),
            LIST_SEPARATOR.join(allergens or []),
            anvisa_number,
            "" if grade is None else grade,
            "" if pao is None else pao,
        ]
    return extras


def _lots_text(variant_ids: list[int]) -> dict[int, str]:
    """``LOTE-A validade 2027-05-31: 40 (bloqueado) | ...`` per variant, first to expire first."""
    lots: dict[int, list[str]] = defaultdict(list)
    for variant_id, code, expires_on, on_hand, blocked_at in (
        StockLot.objects.filter(stock__variant_id__in=variant_ids)
        .order_by("stock__variant_id", "expires_on", "code")
        .values_list("stock__variant_id", "code", "expires_on", "on_hand", "blocked_at")
    ):
        blocked = " (bloqueado)" if blocked_at else ""
        lots[variant_id].append(f"{code} validade {expires_on.isoformat()}: {on_hand}{blocked}")
    return {variant_id: LIST_SEPARATOR.join(entries) for variant_id, entries in lots.items()}


def catalog_csv_rows(
    products: QuerySet[Product] | None = None,
    *,
    delimiter: str = ",",
    decimal_comma: bool = False,
    bom: bool = False,
) -> Iterator[str]:
    """The header line, then one CSV line per variant of ``products`` (every product by default)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(EXPORT_HEADER)
    yield (BOM if bom else "") + flush()
    variants = Variant.objects.annotate(stock_version=stock_version_subquery()).order_by(
        "product__slug", "position", "sku"
    )
    if products is not None:
        variants = variants.filter(product__in=products)
    rows = variants.values_list("id", "product_id", *(column.source for column in COLUMNS), "stock_version")
    batch: list[tuple] = []

    def write(batch: list[tuple]) -> None:
        extras = _product_extras(sorted({row[1] for row in batch}))
        lots = _lots_text([row[0] for row in batch])
        for variant_id, product_id, *values, stock_version in batch:
            writer.writerow(
                [
                    *(
                        _decimal_text(column.render(value), decimal_comma=decimal_comma)
                        for column, value in zip(COLUMNS, values, strict=True)
                    ),
                    *extras[product_id],
                    lots.get(variant_id, ""),
                    stock_version,
                ]
            )

    for row in rows.iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) >= CHUNK:
            write(batch)
            batch = []
            yield flush()
    if batch:
        write(batch)
    yield flush()
