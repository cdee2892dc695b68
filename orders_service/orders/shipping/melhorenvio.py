"""Melhor Envio's freight quote, ``POST /api/v2/me/shipment/calculate`` (docs.melhorenvio.com.br,
"Cálculo de Fretes" / "Cotação por produtos").

Request: ``{"from": {"postal_code"}, "to": {"postal_code"}, "products": [{"id", "width", "height",
"length" (cm), "weight" (kg), "insurance_value" (BRL, unit value), "quantity"}]}``, with a bearer token
and the ``User-Agent`` Melhor Envio asks for (application name and a contact email). Answer: a list with
one entry per carrier service, ``{"id", "name", "price", "custom_price", "currency", "delivery_time",
"delivery_range": {"min", "max"}, "custom_delivery_range", "company": {"id", "name"}, ...}``; a service
that cannot carry the parcel has an ``error`` instead of a price. ``custom_*`` is what the account's own
rules (markup, extra days) make of the carrier's figures, so those are what the shopper is charged.

Anything else (HTTP error, timeout, a body of another shape) raises :class:`CarrierUnavailable`.
"""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx
from django.conf import settings

from orders.shipping.errors import CarrierUnavailable
from orders.shipping.parcels import DEFAULT_BOX_CM, Parcel, ShippingQuote

logger = logging.getLogger(__name__)

CALCULATE_PATH = "/api/v2/me/shipment/calculate"
GRAMS_PER_KG = Decimal(1000)


def calculate_request_body(*, parcel: Parcel, origin: str, destination: str) -> dict[str, Any]:
    """The documented request body for the parcel, every unit with its box (cm) and weight (kg)."""
    products = []
    for item in parcel.items:
        length, width, height = (
            (item.length_cm, item.width_cm, item.height_cm)
            if item.length_cm and item.width_cm and item.height_cm
            else DEFAULT_BOX_CM
        )
        products.append(
            {
                "id": item.sku,
                "width": float(width),
                "height": float(height),
                "length": float(length),
                "weight": float(Decimal(item.weight_grams) / GRAMS_PER_KG),
                "insurance_value": float(item.unit_price),
                "quantity": item.quantity,
            }
        )
    body: dict[str, Any] = {
        "from": {"postal_code": origin},
        "to": {"postal_code": destination},
        "products": products,
        "options": {"receipt": False, "own_hand": False},
    }
    if settings.MELHORENVIO_SERVICES:
        body["services"] = settings.MELHORENVIO_SERVICES
    return body


def melhorenvio_quotes(*, parcel: Parcel, postal_code: str) -> list[ShippingQuote]:
    """The services Melhor Envio offers for the parcel to the 8-digit CEP, cheapest first."""
    url = settings.MELHORENVIO_API_URL.rstrip("/") + CALCULATE_PATH
    body = calculate_request_body(
        parcel=parcel, origin=settings.ORDERS_SHIPPING_ORIGIN_POSTAL_CODE, destination=postal_code
    )
    headers = {
        "Accept": "application/json",
        "Authorization": f"Bearer {settings.MELHORENVIO_TOKEN}",
        "User-Agent": settings.MELHORENVIO_USER_AGENT,
    }
    timeout = httpx.Timeout(settings.MELHORENVIO_TIMEOUT_SECONDS, connect=settings.MELHORENVIO_CONNECT_TIMEOUT_SECONDS)
    try:
        response = httpx.post(url, json=body, headers=headers, timeout=timeout)
        response.raise_for_status()
        services = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        logger.warning("melhor envio quote failed", extra={"error": type(exc).__name__, "detail": str(exc)[:200]})
        raise CarrierUnavailable(str(exc)) from exc
    if not isinstance(services, list):
        logger.warning("melhor envio quote of an unknown shape", extra={"type": type(services).__name__})
        raise CarrierUnavailable("the answer is not a list of services")
    quotes = [quote for service in services if (quote := _quote(service, parcel)) is not None]
    return sorted(quotes, key=lambda quote: (quote.price, quote.days_max, quote.method))


def _quote(service: Any, parcel: Parcel) -> ShippingQuote | None:
    """One service of the answer as a quote; None for a service with an ``error`` or without a price."""
    if not isinstance(service, dict) or service.get("error"):
        return None
    try:
        price = Decimal(str(service.get("custom_price") or service["price"])).quantize(Decimal("0.01"))
        days = service.get("custom_delivery_range") or service.get("delivery_range") or {}
        fallback_days = int(service.get("custom_delivery_time") or service.get("delivery_time") or 0)
        days_min = int(days.get("min", fallback_days))
        days_max = int(days.get("max", fallback_days))
        company = (service.get("company") or {}).get("name", "")
        name = f"{company} {service['name']}".strip()
        method = f"melhorenvio-{int(service['id'])}"
    except (KeyError, TypeError, ValueError, InvalidOperation, AttributeError):
        logger.warning("melhor envio service skipped: unknown shape", extra={"service_id": str(service.get("id"))})
        return None
    if price < 0:
        return None
    return ShippingQuote(
        method=method,
        name=name,
        price=price,
        days_min=days_min,
        days_max=max(days_min, days_max),
        provider="melhorenvio",
        parcel_key=parcel.key,
    )
