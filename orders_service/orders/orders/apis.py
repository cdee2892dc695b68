"""The shopper's orders: list (signed in), detail with history (owner, or a guest with the access token), cancel."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from common.api import ErrorOut, PageParams, page_of, paginate
from common.auth import JWTAuth
from orders.orders.schemas import OrderDetailOut, OrderPageOut
from orders.orders.selectors import (
    LONG_POLL_MAX_SECONDS,
    LongPollFull,
    order_detail,
    order_list_for_user,
    order_summary,
    order_wait_for_change,
)
from orders.orders.services import order_cancel
from orders.orders.shopper_access import ORDER_TOKEN, visible_order

router = Router(tags=["orders"])


@router.get("orders", auth=JWTAuth(), response={200: OrderPageOut, 401: ErrorOut})
def list_orders(request: HttpRequest, params: Query[PageParams]):
    orders, count = paginate(order_list_for_user(user_id=request.auth.id), params)
    return page_of([order_summary(order) for order in orders], count=count, params=params)


WAIT = Query(
    None,
    ge=0,
    le=LONG_POLL_MAX_SECONDS,
    description="Long-poll: answer when the order's status differs from `status` (or from its status now), "
    f"or after this many seconds (at most {LONG_POLL_MAX_SECONDS:.0f})",
)
LONG_POLL_RETRY_AFTER_SECONDS = 1
KNOWN_STATUS = Query(None, description="With `wait`: the status the caller already knows (e.g. `pending`)")


@router.get("orders/{number}", response={200: OrderDetailOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut})
def get_order(
    request: HttpRequest,
    response: HttpResponse,
    number: str,
    token: str | None = None,
    x_order_token: str | None = ORDER_TOKEN,
    wait: float | None = WAIT,
    status: str | None = KNOWN_STATUS,
):
    """The order with its history; a guest sends the order's access token, anyone else gets 404.

    ``?wait=10&status=pending``: a long-poll, answered as soon as the status is no longer ``pending``
    (or after 10 s, with the order as it is), so a shopper learns the order's progress without polling.
    """
    order, _user = visible_order(request, number, x_order_token, token)
    if wait:
        try:
            order = order_wait_for_change(order=order, known_status=status, wait=wait)
        except LongPollFull:
            response["Retry-After"] = str(LONG_POLL_RETRY_AFTER_SECONDS)  # no waiting slot: ask again then
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
