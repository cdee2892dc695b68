from __future__ import annotations

from ninja import Header, Schema
from pydantic import Field

from orders.carts.models import MAX_LINE_QUANTITY

#: The guest cart's header, shared by the cart and checkout endpoints.
CART_TOKEN = Header(None, alias="X-Cart-Token", description="The guest cart's token (from POST cart)")


class CartLineOut(Schema):
    id: int
    sku: str
    name: str
    quantity: int
    unit_price: str
    line_total: str


class InstallmentsHintOut(Schema):
    count: int
    amount: str


class CartOut(Schema):
    token: str
    lines: list[CartLineOut]
    subtotal: str
    currency: str
    installments: InstallmentsHintOut | None = None  # the longest interest-free plan of the subtotal


class CartLineIn(Schema):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(gt=0, le=MAX_LINE_QUANTITY)


class CartLineQuantityIn(Schema):
    quantity: int = Field(gt=0, le=MAX_LINE_QUANTITY)
