"""The shopper's orders: list (signed in), detail with history (owner or guest by email), cancel."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from common.api import ErrorOut, PageParams, page_of, paginate
from common.auth import JWTAuth, optional_user
from common.ratelimit import rate_limit_check
from orders.orders.schemas import OrderDetailOut, OrderPageOut
from orders.orders.selectors import order_detail, order_for_shopper, order_list_for_user, order_summary
from orders.orders.services import order_cancel

router = Router(tags=["orders"])


def _visible_order(request: HttpRequest, number: str, email: str | None):
    user = optional_user(request)
    if user is None:
        rate_limit_check(request, scope="guest_order_lookup")  # 429 + Retry-After: no guessing by script
    return order_for_shopper(number=number, user_id=user.id if user else None, email=email), user


@router.get("orders", auth=JWTAuth(), response={200: OrderPageOut, 401: ErrorOut})
def list_orders(request: HttpRequest, params: Query[PageParams]):
    orders, count = paginate(order_list_for_user(user_id=request.auth.id), params)
    return page_of([order_summary(order) for order in orders], count=count, params=params)


@router.get("orders/{number}", response={200: OrderDetailOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut})
def get_order(request: HttpRequest, number: str, email: str | None = None):
    order, _user = _visible_order(request, number, email)
    return order_detail(order=order)


@router.post(
    "orders/{number}/cancel", response={200: OrderDetailOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut}
)
def cancel_order(request: HttpRequest, number: str, email: str | None = None):
    """200 while the order has not shipped (a paid order is refunded); 409 ``not_cancellable`` otherwise."""
    order, user = _visible_order(request, number, email)
    actor = f"shopper:{user.id}" if user else "guest"
    order = order_cancel(order=order, actor=actor, reason="cancelled by the shopper")
    return order_detail(order=order)
