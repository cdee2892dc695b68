"""Reads of carts, shaped as the contract's cart body."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from orders.carts.models import Cart
from orders.money import money


def cart_detail(*, cart: Cart) -> dict[str, Any]:
    """``{token, lines: [{id, sku, name, quantity, unit_price, line_total}], subtotal, currency}`` in one query."""
    lines = []
    subtotal = Decimal("0")
    for line in cart.lines.all().order_by("id"):
        total = line.line_total
        subtotal += total
        lines.append(
            {
                "id": line.id,
                "sku": line.sku,
                "name": line.name,
                "quantity": line.quantity,
                "unit_price": money(line.unit_price),
                "line_total": money(total),
            }
        )
    return {"token": str(cart.token), "lines": lines, "subtotal": money(subtotal), "currency": cart.currency}
