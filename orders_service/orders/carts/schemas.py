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


class CartDiscountOut(Schema):
    kind: str  # "voucher", "quantity_tier", "payment_method", "free_shipping"
    code: str | None = None
    reason: str  # pt-BR, e.g. "Cupom BEMVINDA10: 10% de desconto"
    amount: str


class CartGiftOut(Schema):
    sku: str
    name: str
    quantity: int
    kind: str  # "gift" / "sample"
    reason: str
    available: bool  # False: out of stock, the order goes on without it (the reason says so)


class CartVoucherOut(Schema):
    code: str
    applied: bool
    reason: str | None = None  # why it does not apply (any more), in pt-BR


class CartOut(Schema):
    token: str
    lines: list[CartLineOut]
    subtotal: str
    currency: str
    installments: InstallmentsHintOut | None = None  # the longest interest-free plan of the subtotal
    vouchers: list[CartVoucherOut] = []
    discounts: list[CartDiscountOut] = []
    gifts: list[CartGiftOut] = []
    discount_total: str = "0.00"
    total: str | None = None  # subtotal minus the merchandise discounts, before shipping


class CartVoucherIn(Schema):
    code: str = Field(min_length=1, max_length=40)


class CartLineIn(Schema):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(gt=0, le=MAX_LINE_QUANTITY)


class CartLineQuantityIn(Schema):
    quantity: int = Field(gt=0, le=MAX_LINE_QUANTITY)
