"""How Brazilians read money: ``R$ 1.234,56`` (thousands with dots, centavos after a comma)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def money_brl(value) -> str:
    """``Decimal("1234.5")`` -> ``R$ 1.234,50``; anything that is no number is shown as it is."""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(value)
    formatted = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"R$ {formatted}"
