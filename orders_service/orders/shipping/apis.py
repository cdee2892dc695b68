"""``POST cart/shipping-quotes``: the ways to ship the caller's cart to a CEP, cheapest first."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from common.api import ErrorOut, UnprocessableOut
from common.auth import optional_user
from orders.carts.schemas import CART_TOKEN
from orders.money import money
from orders.promotions.services import cart_for_shopper
from orders.shipping.quotes import cart_shipping_quotes
from orders.shipping.schemas import ShippingQuoteOut, ShippingQuotesIn

router = Router(tags=["shipping"])


@router.post(
    "cart/shipping-quotes",
    response={200: list[ShippingQuoteOut], 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: UnprocessableOut},
)
def post_shipping_quotes(request: HttpRequest, body: ShippingQuotesIn, x_cart_token: str | None = CART_TOKEN):
    """``[{method, name, price, currency, days_min, days_max}]``; 422 ``invalid_postal_code``; 409 empty cart."""
    user = optional_user(request)
    cart = cart_for_shopper(user_id=user.id if user else None, token=x_cart_token)
    return [
        {
            "method": quote.method,
            "name": quote.name,
            "price": money(quote.price),
            "currency": quote.currency,
            "days_min": quote.days_min,
            "days_max": quote.days_max,
        }
        for quote in cart_shipping_quotes(cart=cart, postal_code=body.postal_code)
    ]
