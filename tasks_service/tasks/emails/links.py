"""Where the links in emails lead: the storefront when one is configured, else pages orders serves.

``STOREFRONT_URL`` set: the order's page is ``{STOREFRONT_URL}/orders/<number>`` (``?token=`` for a
guest) and the welcome email links the storefront. Not set (the shop without its own front end):
a guest's order link is orders' status page ``{ORDERS_URL}/pedidos/<number>/?token=<access token>``,
and a signed-in shopper's order and the welcome email lead to orders' ``{ORDERS_URL}/pedidos/``
page (the status page opens guest orders only, like the orders API without a sign-in).
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.conf import settings


def _storefront() -> str:
    return settings.STOREFRONT_URL.rstrip("/")


def _orders_pages() -> str:
    return f"{settings.ORDERS_URL.rstrip('/')}/pedidos/"


def order_page_url(*, order_number: str, access_token: str | None) -> str:
    """The order's page; a guest's link carries the order's access token (their only key)."""
    token_query = f"?{urlencode({'token': access_token})}" if access_token else ""
    if _storefront():
        return f"{_storefront()}/orders/{quote(order_number)}{token_query}"
    if access_token:
        return f"{_orders_pages()}{quote(order_number)}/{token_query}"
    return _orders_pages()


def welcome_url() -> str:
    """The welcome email's "visit the shop" link."""
    return _storefront() or _orders_pages()
