"""The shopper's orders: list (signed in), detail with history (owner, or a guest with the access token), cancel."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from common.api import ErrorOut, PageParams, page_of, paginate
from common.auth import JWTAuth
from orders.orders.schemas import OrderDetailOut, OrderPageOut
from orders.orders.selectors import order_detail, order_list_for_user, order_summary
from orders.orders.services import order_cancel
from orders.orders.shopper_access import ORDER_TOKEN, visible_order

router = Router(tags=["orders"])


@router.get("orders", auth=JWTAuth(), response={200: OrderPageOut, 401: ErrorOut})
def list_orders(request: HttpRequest, params: Query[PageParams]):
    orders, count = paginate(order_list_for_user(user_id=request.auth.id), params)
    return page_of([order_summary(order) for order in orders], count=count, params=params)


@router.get("orders/{number}", response={200: OrderDetailOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut})
def get_order(request: HttpRequest, number: str, token: str | None = None, x_order_token: str | None = ORDER_TOKEN):
    """The order with its history; a guest sends the order's access token, anyone else gets 404."""
    order, _user = visible_order(request, number, x_order_token, token)
    return order_detail(order=order)


@router.post(
    "orders/{number}/cancel", response={200: OrderDetailOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut}
)
def cancel_order(request: HttpRequest, number: str, token: str | None = None, x_order_token: str | None = ORDER_TOKEN):
    """200 while the order has not shipped (a paid order is refunded); 409 ``not_cancellable`` otherwise."""
    order, user = visible_order(request, number, x_order_token, token)
    actor = f"shopper:{user.id}" if user else "guest"
    order = order_cancel(order=order, actor=actor, reason="cancelled by the shopper")
    return order_detail(order=order)
