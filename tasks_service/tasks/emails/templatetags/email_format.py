"""Template filters for emails: money in the active language's format."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import translation

register = template.Library()

CURRENCY_SYMBOLS = {"BRL": "R$", "USD": "US$", "EUR": "€"}


@register.filter
def money(value, currency: str = "BRL") -> str:
    """``"1234.5"`` -> ``R$ 1.234,50`` in pt-BR, ``R$ 1,234.50`` in English."""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(value)
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    formatted = f"{amount:,.2f}"
    if (translation.get_language() or "").startswith("pt"):
        formatted = formatted.replace(",", "_").replace(".", ",").replace("_", ".")
    return f"{symbol} {formatted}"
