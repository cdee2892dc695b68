"""Tasks' one synchronous call to catalog: every SKU's stock level, page by page, as a staff service account.

Tasks signs in to accounts with its service account (``TASKS_SERVICE_EMAIL``/``TASKS_SERVICE_PASSWORD``,
a staff user) through ``common.auth``'s token endpoint client, then pages through catalog's
``GET /api/catalog/staff/stock-levels``. Every request has an explicit timeout.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.dateparse import parse_datetime

from common.auth.backends import request_tokens
from common.http import http_client

PAGE_SIZE = 500


class CatalogUnavailable(Exception):
    """Catalog (or accounts, for the token) did not answer usefully; the next reconciliation retries."""


@dataclass(frozen=True)
class StockLevelPage:
    as_of: datetime
    items: list[dict]


def service_access_token() -> str:
    """An access token for tasks' staff service account (accounts' ``POST /api/accounts/token``)."""
    email, password = settings.TASKS_SERVICE_EMAIL, settings.TASKS_SERVICE_PASSWORD
    if not email or not password:
        raise ImproperlyConfigured("TASKS_SERVICE_EMAIL and TASKS_SERVICE_PASSWORD are needed to read catalog's stock")
    try:
        response = request_tokens(email=email, password=password)
    except httpx.HTTPError as exc:
        raise CatalogUnavailable(f"accounts unreachable: {exc}") from exc
    if response.status_code != 200:
        raise CatalogUnavailable(f"accounts refused the service account: HTTP {response.status_code}")
    return response.json()["access"]


def stock_level_pages(*, token: str | None = None, page_size: int = PAGE_SIZE) -> Iterator[StockLevelPage]:
    """Every page of catalog's stock levels in SKU order; raises ``CatalogUnavailable`` on any failure."""
    token = token or service_access_token()
    url = f"{settings.CATALOG_URL.rstrip('/')}/api/catalog/staff/stock-levels"
    after: str | None = ""
    client = http_client()
    while after is not None:
        try:
            response = client.get(
                url,
                params={"after": after, "limit": page_size},
                headers={"Authorization": f"Bearer {token}"},
                timeout=settings.TASKS_CATALOG_TIMEOUT_SECONDS,
            )
            response.raise_for_status()
            body = response.json()
            as_of = parse_datetime(body["as_of"])
            items, after = list(body["items"]), body["next_after"]
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            raise CatalogUnavailable(f"catalog stock levels: {exc}") from exc
        if as_of is None:
            raise CatalogUnavailable("catalog stock levels: no as_of")
        yield StockLevelPage(as_of=as_of, items=items)
