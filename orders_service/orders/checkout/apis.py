"""``POST checkout``: the cart of the caller becomes an order, once per Idempotency-Key."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Header, Router, Status

from common.api import ErrorOut, UnprocessableOut
from common.auth import optional_user
from orders.carts.schemas import CART_TOKEN
from orders.checkout.schemas import CheckoutIn
from orders.checkout.services import checkout
from orders.orders.schemas import CheckoutOrderOut

router = Router(tags=["checkout"])


@router.post(
    "checkout",
    response={
        201: CheckoutOrderOut,
        400: ErrorOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: UnprocessableOut,
        503: ErrorOut,
    },
)
def post_checkout(
    request: HttpRequest,
    body: CheckoutIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
    x_cart_token: str | None = CART_TOKEN,
):
    """201 with the order; the same key and body replays the first answer; another body 422; in flight 409."""
    user = optional_user(request)
    status, answer = checkout(
        idempotency_key=idempotency_key,
        body=body.model_dump(mode="json"),
        user_id=user.id if user else None,
        user_email=user.email if user else None,
        cart_token=x_cart_token,
        authorization=request.headers.get("Authorization") if user else None,
    )
    return Status(status, answer)
