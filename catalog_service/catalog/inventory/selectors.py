"""Reads of the inventory app for other services: every SKU's stock level, page by page."""

from __future__ import annotations

from typing import Any

from catalog.inventory.models import Stock


def stock_levels_page(*, after: str, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` SKUs after ``after`` in SKU order (keyset pagination: stable while stock changes)."""
    rows = (
        Stock.objects.filter(variant__sku__gt=after)
        .order_by("variant__sku")
        .values("variant__sku", "variant__product__name", "on_hand", "reserved", "low_stock_threshold")[:limit]
    )
    return [
        {
            "sku": row["variant__sku"],
            "product_name": row["variant__product__name"],
            "on_hand": row["on_hand"],
            "available": row["on_hand"] - row["reserved"],
            "low_stock_threshold": row["low_stock_threshold"],
        }
        for row in rows
    ]
