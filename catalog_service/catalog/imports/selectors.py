"""CSV export in the import format, one row per variant, streamed in chunks."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.db.models import QuerySet

from catalog.imports.csv_format import COLUMNS, EXPORT_HEADER
from catalog.inventory.ledger import stock_version_subquery
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

    writer.writerow(EXPORT_HEADER)
    yield flush()
    variants = Variant.objects.annotate(stock_version=stock_version_subquery()).order_by(
        "product__slug", "position", "sku"
    )
    if products is not None:
        variants = variants.filter(product__in=products)
    sources = [*(column.source for column in COLUMNS), "stock_version"]
    for row in variants.values_list(*sources).iterator(chunk_size=CHUNK):
        *values, stock_version = row
        writer.writerow([*(column.render(value) for column, value in zip(COLUMNS, values, strict=True)), stock_version])
        if buffer.tell() > 64_000:
            yield flush()
    yield flush()
    yield flush()
