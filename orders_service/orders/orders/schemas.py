from __future__ import annotations

from datetime import date, datetime

from ninja import Schema

from orders.payments.schemas import InstallmentPlanOut


class OrderLineOut(Schema):
    sku: str
    name: str
    quantity: int
    unit_price: str
    line_total: str
    discount: str = "0.00"  # the line's share of the order's discounts
    gift_kind: str | None = None  # "gift" / "sample": a promotion's line at price zero


class DiscountOut(Schema):
    """A discount with the reason the shopper reads: a voucher's, a quantity tier's, Pix's, free shipping."""

    kind: str  # "voucher", "quantity_tier", "payment_method", "free_shipping"
    code: str | None = None  # the voucher code, if a voucher gave it
    reason: str
    amount: str


class PixOut(Schema):
    copy_paste: str
    qr_code_url: str
    expires_at: datetime | None


class BoletoOut(Schema):
    digitable_line: str
    pdf_url: str
    due_date: date | None


class PaymentOut(Schema):
    provider: str
    method: str
    status: str
    checkout_url: str
    expires_at: datetime | None
    installments: InstallmentPlanOut | None = None  # card
    pix: PixOut | None = None  # once the stock is reserved
    boleto: BoletoOut | None = None  # once the stock is reserved


class StatusChangeOut(Schema):
    status: str
    from_status: str
    actor: str
    note: str
    at: datetime


class ShippingMethodOut(Schema):
    method: str
    name: str
    days_min: int | None
    days_max: int | None


class OrderOut(Schema):
    number: str
    status: str
    email: str
    lines: list[OrderLineOut]
    subtotal: str
    discounts: list[DiscountOut] = []
    discount_total: str = "0.00"
    shipping: str
    total: str
    currency: str
    shipping_address: dict
    shipping_method: ShippingMethodOut | None = None
    tracking_code: str
    created_at: datetime
    payment: PaymentOut | None


class CheckoutOrderOut(OrderOut):
    """The checkout answer: a guest's order also carries its access token (shown once, and in the email)."""

    access_token: str | None = None


class OrderDetailOut(OrderOut):
    history: list[StatusChangeOut]


class OrderSummaryOut(Schema):
    number: str
    status: str
    total: str
    currency: str
    created_at: datetime


class OrderPageOut(Schema):
    items: list[OrderSummaryOut]
    count: int
    page: int
    pages: int
