"""Cart endpoints: guests by ``X-Cart-Token``, signed-in shoppers by JWT, both at once merges."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from common.api import ErrorOut
from common.auth import optional_user
from orders.carts.schemas import CART_TOKEN, CartLineIn, CartLineQuantityIn, CartOut
from orders.carts.services import (
    cart_create,
    cart_line_add,
    cart_line_delete,
    cart_line_update,
)
from orders.checkout.discounts import cart_answer
from orders.promotions.services import cart_for_shopper

router = Router(tags=["cart"])


def _user_id(request: HttpRequest) -> int | None:
    user = optional_user(request)
    return user.id if user else None


@router.post("cart", response={201: CartOut, 401: ErrorOut})
def create_cart(request: HttpRequest):
    user_id = _user_id(request)
    cart, created = cart_create(user_id=user_id)
    return Status(201, cart_answer(cart=cart, user_id=user_id, new=created))


@router.get("cart", response={200: CartOut, 401: ErrorOut, 404: ErrorOut})
def get_cart(request: HttpRequest, x_cart_token: str | None = CART_TOKEN):
    user_id = _user_id(request)
    return cart_answer(cart=cart_for_shopper(user_id=user_id, token=x_cart_token), user_id=user_id)


@router.post("cart/lines", response={201: CartOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def add_cart_line(request: HttpRequest, body: CartLineIn, x_cart_token: str | None = CART_TOKEN):
    user_id = _user_id(request)
    cart = cart_for_shopper(user_id=user_id, token=x_cart_token)
    lines = cart_line_add(cart=cart, sku=body.sku, quantity=body.quantity, user_id=user_id)
    return Status(201, cart_answer(cart=cart, user_id=user_id, lines=lines))


@router.patch("cart/lines/{line_id}", response={200: CartOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def update_cart_line(
    request: HttpRequest, line_id: int, body: CartLineQuantityIn, x_cart_token: str | None = CART_TOKEN
):
    user_id = _user_id(request)
    cart = cart_for_shopper(user_id=user_id, token=x_cart_token)
    cart_line_update(cart=cart, line_id=line_id, quantity=body.quantity)
    return cart_answer(cart=cart, user_id=user_id)


@router.delete("cart/lines/{line_id}", response={200: CartOut, 401: ErrorOut, 404: ErrorOut})
def delete_cart_line(request: HttpRequest, line_id: int, x_cart_token: str | None = CART_TOKEN):
    user_id = _user_id(request)
    cart = cart_for_shopper(user_id=user_id, token=x_cart_token)
    cart_line_delete(cart=cart, line_id=line_id)
    return cart_answer(cart=cart, user_id=user_id)
