"""Template filters for emails: money, instants and days in the active language's format (local time)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime

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


def _pt() -> bool:
    return (translation.get_language() or "").startswith("pt")


@register.filter
def local_datetime(value) -> str:
    """An ISO instant (any offset) in the shop's time zone: ``01/12/2026 às 10:33`` in pt-BR."""
    moment = parse_datetime(str(value)) if not isinstance(value, datetime) else value
    if moment is None:
        return str(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    local = timezone.localtime(moment)
    if _pt():
        return f"{local:%d/%m/%Y} às {local:%H:%M} (horário de Brasília)"
    return f"{local:%Y-%m-%d %H:%M} (Brasília time)"


@register.filter
def local_date(value) -> str:
    """An ISO day: ``15/01/2026`` in pt-BR."""
    day = parse_date(str(value)) if not isinstance(value, date) else value
    if day is None:
        return str(value)
    return f"{day:%d/%m/%Y}" if _pt() else day.isoformat()
