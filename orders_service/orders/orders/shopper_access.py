"""Who may see an order over HTTP: its signed-in owner, or a guest with the order's access token."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Header

from common.auth import optional_user
from common.ratelimit import rate_limit_check
from orders.orders.selectors import order_for_shopper

ORDER_TOKEN = Header(
    None, alias="X-Order-Token", description="A guest order's access token (from the checkout answer or the email)"
)


def visible_order(request: HttpRequest, number: str, header_token: str | None, query_token: str | None):
    """The order the caller may see: JWT owner, or a guest's ``X-Order-Token`` header (or ``?token=``)."""
    user = optional_user(request)
    if user is None:
        rate_limit_check(request, scope="guest_order_lookup")  # 429 + Retry-After: no guessing by script
    order = order_for_shopper(
        number=number, user_id=user.id if user else None, access_token=header_token or query_token
    )
    return order, user
