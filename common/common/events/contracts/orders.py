"""Events published by the orders service: the order lifecycle and shopper activity."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

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
    placed_at: datetime
    reserve_until: datetime
    # How long the stock is to be held, counted from when catalog reserves it: the payment window of the
    # order's method plus a grace (minutes for card and Pix, days for a boleto). Catalog holds it until the
    # later of ``reserve_until`` and reservation time + this, so a reservation made late still lasts.
    reserve_for_seconds: int | None = Field(None, ge=1)
    payment_method: PaymentMethodName | None = None


@contract("orders.order_paid", version=1, producer="orders", consumers=("catalog", "tasks"))
class OrderPaid(EventContract):
    """The payment was captured (superseded by v2: the guest's access token in clear, read for events in flight)."""

    order_number: str
    email: str
    user_id: int | None
    lines: list[OrderLine]
    subtotal: Decimal
    shipping: Decimal
    total: Decimal
    currency: str
    paid_at: datetime
    # A guest order's access token, for the link in the confirmation email (None for signed-in shoppers).
    access_token: str | None = Field(None, max_length=ORDER_ACCESS_TOKEN_MAX_LENGTH)
    # How it was paid, named in the confirmation email ("Pix", "boleto", "cartão em 3x").
    payment_method: PaymentMethodName | None = None
    installments: int | None = Field(None, ge=1, le=24)


@contract("orders.order_paid", version=2, producer="orders", consumers=("catalog", "tasks"))
class OrderPaidSealed(EventContract):
    """The payment was captured; catalog commits the reservation, tasks sends the confirmation.

    ``access_token_sealed`` is a guest order's access token encrypted with ``common.sealing`` (Fernet,
    ``EVENT_SEALING_KEYS`` shared by orders and tasks), for the link in the confirmation email: the outbox,
    the broker, the audit topic and tasks' email log never hold a usable token (None for signed-in shoppers).
    """

    order_number: str
    email: str
    user_id: int | None
    lines: list[OrderLine]
    subtotal: Decimal
    shipping: Decimal
    total: Decimal
    currency: str
    paid_at: datetime
    access_token_sealed: str | None = Field(None, max_length=ORDER_ACCESS_TOKEN_SEALED_MAX_LENGTH)
    # How it was paid, named in the confirmation email ("Pix", "boleto", "cartão em 3x").
    payment_method: PaymentMethodName | None = None
    installments: int | None = Field(None, ge=1, le=24)


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


@contract("orders.cart_line_added", version=1, producer="orders", consumers=("tasks",))
class CartLineAdded(EventContract):
    """A shopper put a SKU in a cart (shopper activity stream, for the view-cart-order funnel)."""

    sku: str
    quantity: int
    user_id: int | None
    cart_token: str
    added_at: datetime


@contract("orders.order_confirmation_resend_requested", version=1, producer="orders", consumers=("tasks",))
class OrderConfirmationResendRequested(EventContract):
    """Support asked for a paid order's confirmation again (superseded by v2: the access token in clear)."""

    order_number: str
    email: str
    user_id: int | None
    lines: list[OrderLine]
    subtotal: Decimal
    shipping: Decimal
    total: Decimal
    currency: str
    paid_at: datetime
    requested_by: str
    access_token: str | None = Field(None, max_length=ORDER_ACCESS_TOKEN_MAX_LENGTH)
    payment_method: PaymentMethodName | None = None
    installments: int | None = Field(None, ge=1, le=24)


@contract("orders.order_confirmation_resend_requested", version=2, producer="orders", consumers=("tasks",))
class OrderConfirmationResendRequestedSealed(EventContract):
    """Customer support asked to send a paid order's confirmation email again (same content as order_paid).

    As in order_paid v2, a guest's access token rides only sealed (``access_token_sealed``).
    """

    order_number: str
    email: str
    user_id: int | None
    lines: list[OrderLine]
    subtotal: Decimal
    shipping: Decimal
    total: Decimal
    currency: str
    paid_at: datetime
    requested_by: str
    access_token_sealed: str | None = Field(None, max_length=ORDER_ACCESS_TOKEN_SEALED_MAX_LENGTH)
    payment_method: PaymentMethodName | None = None
    installments: int | None = Field(None, ge=1, le=24)
