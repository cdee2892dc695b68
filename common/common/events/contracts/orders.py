"""Events published by the orders service: the order lifecycle and shopper activity."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from common.events.contracts.base import EventContract, contract
from common.events.contracts.common_types import Line, PricedLine

# Field limits every producer and consumer of these events must hold (a consumer's column at least this wide).
# A line's name is the product name (up to 200) + " - " + the variant name (up to 100).
ORDER_LINE_NAME_MAX_LENGTH = 303
ORDER_NUMBER_MAX_LENGTH = 32
ORDER_ACCESS_TOKEN_MAX_LENGTH = 64
# A guest's access token sealed with common.sealing (Fernet: version, time, IV, ciphertext, HMAC, base64).
ORDER_ACCESS_TOKEN_SEALED_MAX_LENGTH = 400


def _name_within_limit(line: PricedLine) -> PricedLine:
    if len(line.name) > ORDER_LINE_NAME_MAX_LENGTH:
        raise ValueError(f"a line name is at most {ORDER_LINE_NAME_MAX_LENGTH} characters")
    return line


# How an order is paid (orders.payments.models.PaymentMethod); None in events from before the methods.
PaymentMethodName = Literal["card", "pix", "boleto"]

# A line of an order as the orders events carry it: the priced line, within the contract's name limit.
OrderLine = Annotated[PricedLine, AfterValidator(_name_within_limit)]


class AppliedDiscount(BaseModel):
    """A discount an order got: a voucher's, a quantity tier's, the payment method's or free shipping."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    code: str | None = None
    reason: str
    amount: Decimal


@contract("orders.order_placed", version=1, producer="orders", consumers=("catalog", "tasks"))
class OrderPlaced(EventContract):
    """An order was placed at checkout; catalog is asked to reserve its stock (the ReserveStock step)."""

    order_number: str
    email: str
    user_id: int | None
    lines: list[OrderLine]
    subtotal: Decimal
    shipping: Decimal
    total: Decimal
    currency: str
    # What promotions took off (optional, added with promotions): total = subtotal + shipping - discount_total;
    # ``discounts`` lists each with the reason the shopper read.
    discount_total: Decimal = Decimal("0.00")
    discounts: list[AppliedDiscount] = []
    placed_at: datetime
    reserve_until: datetime
    # How long the stock is to be held, counted from when catalog reserves it: the payment window of the
    # order's method plus a grace (minutes for card and Pix, days for a boleto). Catalog holds it until the
    # later of ``reserve_until`` and reservation time + this, so a reservation made late still lasts.
    reserve_for_seconds: int | None = Field(None, ge=1)
    payment_method: PaymentMethodName | None = None
    # The SKUs of gift and sample lines (optional, added with promotions): catalog reserves them when it can
    # and otherwise leaves them out (named in ``stock_reserved.left_out``) instead of rejecting the order.
    optional_skus: list[str] = []


class _PaidOrderFields(EventContract):
    """What a paid order's events (order_paid, the confirmation resend, in both versions) all carry."""

    order_number: str
    email: str
    user_id: int | None
    lines: list[OrderLine]
    subtotal: Decimal
    shipping: Decimal
    total: Decimal
    currency: str
    # What promotions took off (optional, added with promotions): total = subtotal + shipping - discount_total;
    # ``discounts`` lists each with the reason the shopper read.
    discount_total: Decimal = Decimal("0.00")
    discounts: list[AppliedDiscount] = []
    paid_at: datetime
    # How it was paid, named in the confirmation email ("Pix", "boleto", "cartão em 3x").
    payment_method: PaymentMethodName | None = None
    installments: int | None = Field(None, ge=1, le=24)


@contract("orders.order_paid", version=1, producer="orders", consumers=("catalog", "tasks"))
class OrderPaid(_PaidOrderFields):
    """The payment was captured (superseded by v2: the guest's access token in clear, read for events in flight)."""

    # A guest order's access token, for the link in the confirmation email (None for signed-in shoppers).
    access_token: str | None = Field(None, max_length=ORDER_ACCESS_TOKEN_MAX_LENGTH)


@contract("orders.order_paid", version=2, producer="orders", consumers=("catalog", "tasks"))
class OrderPaidSealed(_PaidOrderFields):
    """The payment was captured; catalog commits the reservation, tasks sends the confirmation.

    ``access_token_sealed`` is a guest order's access token encrypted with ``common.sealing`` (Fernet,
    ``EVENT_SEALING_KEYS`` shared by orders and tasks), for the link in the confirmation email: the outbox,
    the broker, the audit topic and tasks' email log never hold a usable token (None for signed-in shoppers).
    """

    access_token_sealed: str | None = Field(None, max_length=ORDER_ACCESS_TOKEN_SEALED_MAX_LENGTH)


@contract("orders.order_cancelled", version=1, producer="orders", consumers=("catalog", "tasks"))
class OrderCancelled(EventContract):
    """The order was cancelled; its reservation is released (and a paid order is refunded)."""

    order_number: str
    email: str
    lines: list[Line]
    reason: str
    refunded: bool
    was_paid: bool
    cancelled_at: datetime


@contract("orders.order_expired", version=1, producer="orders", consumers=("catalog",))
class OrderExpired(EventContract):
    """The payment window ran out; catalog releases the reservation."""

    order_number: str
    lines: list[Line]
    expired_at: datetime


@contract("orders.order_rejected", version=1, producer="orders", consumers=("tasks",))
class OrderRejected(EventContract):
    """The order was rejected because its stock could not be reserved."""

    order_number: str
    email: str
    reason: str


@contract("orders.order_fulfilled", version=1, producer="orders", consumers=("tasks",))
class OrderFulfilled(EventContract):
    """The order was shipped with a tracking code."""

    order_number: str
    email: str
    tracking_code: str
    fulfilled_at: datetime
    # Who carries it and where the shopper follows it (None in events from before, or when not given).
    carrier: str | None = Field(None, max_length=60)
    tracking_url: str | None = Field(None, max_length=500)


@contract("orders.cart_line_added", version=1, producer="orders", consumers=("tasks",))
class CartLineAdded(EventContract):
    """A shopper put a SKU in a cart (shopper activity stream, for the view-cart-order funnel)."""

    sku: str
    quantity: int
    user_id: int | None
    cart_token: str
    added_at: datetime


@contract("orders.order_confirmation_resend_requested", version=1, producer="orders", consumers=("tasks",))
class OrderConfirmationResendRequested(_PaidOrderFields):
    """Support asked for a paid order's confirmation again (superseded by v2: the access token in clear)."""

    requested_by: str
    access_token: str | None = Field(None, max_length=ORDER_ACCESS_TOKEN_MAX_LENGTH)


@contract("orders.order_confirmation_resend_requested", version=2, producer="orders", consumers=("tasks",))
class OrderConfirmationResendRequestedSealed(_PaidOrderFields):
    """Customer support asked to send a paid order's confirmation email again (same content as order_paid).

    As in order_paid v2, a guest's access token rides only sealed (``access_token_sealed``).
    """

    requested_by: str
    access_token_sealed: str | None = Field(None, max_length=ORDER_ACCESS_TOKEN_SEALED_MAX_LENGTH)


# Returns (orders.returns): one event per step, each with what the shopper's email about it says.
ReturnCondition = Literal["sellable", "damaged"]


class ReturnedLotPart(BaseModel):
    """Units of a returned line that came from one lot (catalog puts them back into that lot)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lot: str
    quantity: int = Field(gt=0)


class ReturnedLine(BaseModel):
    """A line of a return: the SKU, the units, what they were paid, and (once received) their condition."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str
    name: str = Field(max_length=ORDER_LINE_NAME_MAX_LENGTH)
    quantity: int = Field(gt=0)
    amount: Decimal
    condition: ReturnCondition | None = None
    lots: list[ReturnedLotPart] = []


class _ReturnStep(EventContract):
    order_number: str
    email: str
    return_id: int
    lines: list[ReturnedLine]
    refund_amount: Decimal
    currency: str
    # A guest order's access token for the link in the email, sealed as in order_paid v2 (None: signed in).
    access_token_sealed: str | None = Field(None, max_length=ORDER_ACCESS_TOKEN_SEALED_MAX_LENGTH)
    occurred_at: datetime


@contract("orders.return_requested", version=1, producer="orders", consumers=("tasks",))
class ReturnRequested(_ReturnStep):
    """A return of some lines of a delivered order was opened (by the shopper or by support)."""

    reason: str


@contract("orders.return_approved", version=1, producer="orders", consumers=("tasks",))
class ReturnApproved(_ReturnStep):
    """Support approved a return: the shopper may send the goods back."""


@contract("orders.return_rejected", version=1, producer="orders", consumers=("tasks",))
class ReturnRejected(_ReturnStep):
    """Support rejected a return, with a reason the shopper reads."""

    rejection_reason: str


@contract("orders.return_received", version=1, producer="orders", consumers=("catalog", "tasks"))
class ReturnReceived(_ReturnStep):
    """The returned goods arrived: catalog puts them back on hand (or writes damaged units off), by lot."""


@contract("orders.return_refunded", version=1, producer="orders", consumers=("tasks",))
class ReturnRefunded(_ReturnStep):
    """The returned lines (and the shipping, within the 7 days of CDC art. 49) were refunded."""

    shipping_refunded: bool
