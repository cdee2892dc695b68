"""The shopper's returns of a delivered order: open one, list them (owner, or a guest with the token)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from common.api import ErrorOut, PageParams, page_of, paginate
from orders.orders.shopper_access import ORDER_TOKEN, visible_order
from orders.returns.schemas import ReturnIn, ReturnOut, ReturnPageOut
from orders.returns.selectors import return_detail, return_list_for_order
from orders.returns.services import return_open

router = Router(tags=["returns"])


@router.post(
    "orders/{number}/returns",
    response={201: ReturnOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
)
def open_return(
    request: HttpRequest,
    number: str,
    body: ReturnIn,
    token: str | None = None,
    x_order_token: str | None = ORDER_TOKEN,
):
    """201 with the return and its refund amount; 409 (with a ``code``) when the order or lines cannot be returned."""
    order, user = visible_order(request, number, x_order_token, token)
    lines: dict[str, int] = {}
    for line in body.lines:
        lines[line.sku] = lines.get(line.sku, 0) + line.quantity
    order_return = return_open(
        order=order, lines=lines, reason=body.reason, actor=f"shopper:{user.id}" if user else "guest"
    )
    return Status(201, return_detail(order_return))


@router.get("orders/{number}/returns", response={200: ReturnPageOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut})
def list_returns(
    request: HttpRequest,
    number: str,
    params: Query[PageParams],
    token: str | None = None,
    x_order_token: str | None = ORDER_TOKEN,
):
    """The order's returns, newest first, with their status."""
    order, _user = visible_order(request, number, x_order_token, token)
    returns, count = paginate(return_list_for_order(order=order), params)
    return page_of([return_detail(order_return) for order_return in returns], count=count, params=params)
