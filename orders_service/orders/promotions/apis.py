"""``POST cart/vouchers`` and ``DELETE cart/vouchers/{code}``: the shopper's codes on the cart."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from common.api import ErrorOut
from common.auth import optional_user
from orders.carts.schemas import CART_TOKEN, CartOut, CartVoucherIn
from orders.checkout.discounts import SHIPPING_NOT_QUOTED, cart_answer, pricing_context
from orders.promotions.services import cart_for_shopper, cart_voucher_apply, cart_voucher_remove

router = Router(tags=["cart"])


@router.post("cart/vouchers", response={201: CartOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def apply_voucher(request: HttpRequest, body: CartVoucherIn, x_cart_token: str | None = CART_TOKEN):
    """201 with the cart and its discounts; 404 ``voucher_not_found``; 409 ``voucher_not_applicable`` (why)."""
    user = optional_user(request)
    user_id = user.id if user else None
    cart = cart_for_shopper(user_id=user_id, token=x_cart_token)
    cart_voucher_apply(
        cart=cart,
        code=body.code,
        context=pricing_context(user_id=user_id, email=user.email if user else None),
        shipping=SHIPPING_NOT_QUOTED,
    )
    return Status(201, cart_answer(cart=cart, user_id=user_id))


@router.delete("cart/vouchers/{code}", response={200: CartOut, 401: ErrorOut, 404: ErrorOut})
def remove_voucher(request: HttpRequest, code: str, x_cart_token: str | None = CART_TOKEN):
    user = optional_user(request)
    user_id = user.id if user else None
    cart = cart_for_shopper(user_id=user_id, token=x_cart_token)
    cart_voucher_remove(cart=cart, code=code)
    return cart_answer(cart=cart, user_id=user_id)
