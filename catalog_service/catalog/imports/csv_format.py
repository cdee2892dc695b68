"""The catalog CSV format shared by import and export: one row per variant (upsert by SKU)."""

from __future__ import annotations

COLUMNS = [
    "sku",
    "product_slug",
    "product_name",
    "brand",
    "category",
    "product_type",
    "description",
    "published",
    "variant_name",
    "shade_hex",
    "size",
    "price",
    "compare_at_price",
    "ean13",
    "weight_grams",
    "on_hand",
    "low_stock_threshold",
]
REQUIRED = ["sku", "product_slug", "product_name", "brand", "category", "product_type", "variant_name", "price"]
TRUE_WORDS = {"true", "1", "yes", "sim", "y", "s"}
FALSE_WORDS = {"false", "0", "no", "nao", "não", "n", ""}
