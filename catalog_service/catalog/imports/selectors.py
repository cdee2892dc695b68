"""CSV export in the import format, one row per variant, streamed in chunks."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.db.models import QuerySet

from catalog.imports.csv_format import COLUMNS, HEADER
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

    writer.writerow(HEADER)
    yield flush()
    variants = Variant.objects.order_by("product__slug", "position", "sku")
    if products is not None:
        variants = variants.filter(product__in=products)
    for row in variants.values_list(*(column.source for column in COLUMNS)).iterator(chunk_size=CHUNK):
        writer.writerow([column.render(value) for column, value in zip(COLUMNS, row, strict=True)])
        if buffer.tell() > 64_000:
            yield flush()
    yield flush()
    yield flush()
