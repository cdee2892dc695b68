"""The catalog CSV format shared by import and export: one row per variant (upsert by SKU).

One declared list of columns: each says its header, where the export reads it (a ``values_list`` path
from the variant), whether an import row must fill it and how a value is written out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def _as_text(value: Any) -> Any:
    return "" if value is None else value


def _as_flag(value: Any) -> str:
    return "true" if value else "false"


@dataclass(frozen=True)
class Column:
    name: str
    source: str  # the variant's field path for the export
    required: bool = False
    render: Callable[[Any], Any] = _as_text


COLUMNS: tuple[Column, ...] = (
    Column("sku", "sku", required=True),
    Column("product_slug", "product__slug", required=True),
    Column("product_name", "product__name", required=True),
    Column("brand", "product__brand__slug", required=True),
    Column("category", "product__category__slug", required=True),
    Column("product_type", "product__product_type__slug", required=True),
    Column("description", "product__description"),
    Column("published", "product__is_published", render=_as_flag),
    Column("variant_name", "name", required=True),
    Column("shade_hex", "shade_hex"),
    Column("size", "size"),
    Column("price", "price", required=True),
    Column("compare_at_price", "compare_at_price"),
    Column("ean13", "ean13"),
    Column("weight_grams", "weight_grams"),
    Column("on_hand", "stock__on_hand"),
    Column("low_stock_threshold", "stock__low_stock_threshold"),
)
HEADER = [column.name for column in COLUMNS]
#: Written by the export after ``HEADER``, read by the import: the stock ledger position the row's
#: ``on_hand`` was read at (catalog.inventory.ledger). An import never sets units that moved since back
#: (sales after the export): see ``catalog.imports.validation.stock_changed_since_export``.
STOCK_VERSION_COLUMN = "stock_version"
#: Read by the import only: the lot a row's ``on_hand`` is received into (or counted in); the export
#: has one row per variant, so it names no lot.
LOT_COLUMNS = ("lot_code", "lot_expires_on", "lot_manufactured_on")
#: Read by the import only: the product's photos, "|"-separated, each an http(s) URL or the name of a
#: file uploaded to the storage under ``IMAGE_IMPORT_DIR`` (added when the product lacks them).
IMAGE_COLUMN = "images"
IMAGE_IMPORT_DIR = "products/import/"
#: Read by the import only: the packed unit's box in cm (for shipping quotes). A file without these
#: columns leaves the variants' boxes as they are.
BOX_COLUMNS = ("length_cm", "width_cm", "height_cm")
#: The product's attributes, ``code=value | code=value`` (codes of its product type): a filled cell sets
#: exactly these, an empty one leaves the product's attributes as they are.
ATTRIBUTE_COLUMN = "attributes"
#: Written by the export for reading in a spreadsheet (compliance data and the SKU's lots); the import
#: accepts them, so an export goes back in unchanged, and ignores their values.
INFORMATIVE_COLUMNS = (
    "ingredients",
    "allergens",
    "anvisa_number",
    "anvisa_risk_grade",
    "pao_months",
    "lots",
)
#: The last column of an export: the SKU's stock ledger position when it was taken (see the import's stock rule).
EXPORT_HEADER = [*HEADER, IMAGE_COLUMN, ATTRIBUTE_COLUMN, *INFORMATIVE_COLUMNS, STOCK_VERSION_COLUMN]
ACCEPTED = [
    *HEADER,
    STOCK_VERSION_COLUMN,
    *LOT_COLUMNS,
    IMAGE_COLUMN,
    ATTRIBUTE_COLUMN,
    *INFORMATIVE_COLUMNS,
    *BOX_COLUMNS,
]
REQUIRED = [column.name for column in COLUMNS if column.required]
TRUE_WORDS = {"true", "1", "yes", "sim", "y", "s"}
FALSE_WORDS = {"false", "0", "no", "nao", "não", "n", ""}
