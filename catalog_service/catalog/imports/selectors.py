"""CSV export in the import format, one row per variant, streamed in chunks."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.db.models import QuerySet

from catalog.imports.csv_format import COLUMNS
from catalog.products.models import Product, Variant

CHUNK = 2000


def catalog_csv_rows(products: QuerySet[Product] | None = None) -> Iterator[str]:
    """The header line, then one CSV line per variant of ``products`` (every product by default)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(COLUMNS)
    yield flush()
    variants = Variant.objects.order_by("product__slug", "position", "sku")
    if products is not None:
        variants = variants.filter(product__in=products)
    fields = (
        "sku",
        "product__slug",
        "product__name",
        "product__brand__slug",
        "product__category__slug",
        "product__product_type__slug",
        "product__description",
        "product__is_published",
        "name",
        "shade_hex",
        "size",
        "price",
        "compare_at_price",
        "ean13",
        "weight_grams",
        "stock__on_hand",
        "stock__low_stock_threshold",
    )
    for row in variants.values_list(*fields).iterator(chunk_size=CHUNK):
        values = list(row)
        values[7] = "true" if values[7] else "false"
        writer.writerow(["" if value is None else value for value in values])
        if buffer.tell() > 64_000:
            yield flush()
    yield flush()
