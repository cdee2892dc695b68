"""The one synchronous call orders makes to catalog: current availability, with a bounded timeout."""

from __future__ import annotations

import logging

import httpx
from django.conf import settings

from common.http import http_client

logger = logging.getLogger(__name__)


def stock_available(*, skus: list[str]) -> dict[str, int] | None:
    """``{sku: available}`` from catalog's stock endpoint, or ``None`` when catalog cannot answer in time.

    ``None`` means "unknown": the caller goes on and lets checkout (the reservation) decide.
    """
    url = f"{settings.CATALOG_URL.rstrip('/')}/api/catalog/stock"
    try:
        response = http_client().get(
            url, params=[("sku", sku) for sku in skus], timeout=settings.ORDERS_CATALOG_TIMEOUT_SECONDS
        )
        response.raise_for_status()
        return {row["sku"]: int(row["available"]) for row in response.json()}
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        logger.warning("catalog stock check unavailable", extra={"skus": skus, "error": str(exc)})
        return None
