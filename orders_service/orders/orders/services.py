"""Writes to orders: numbering, placing, the saga's steps, paying, cancelling, expiring, shipping."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.api import ApiError, Conflict
from common.brazil.documents import document_mask
from common.brazil.installments import InstallmentPlan, installment_plan_for, installment_policy_from_settings
from common.compiled_queries import CompiledQuery, Many
from common.events.contracts.catalog import UncoveredLine
from common.events.contracts.orders import OrderFulfilled, OrderRejected
from common.inserts import rows_insert
from common.observability import metrics
from common.observability.context import current_correlation_id
from common.updates import rows_update
from orders.orders.access_tokens import access_token_issue
from orders.orders.events import (
    publish_about_order,
    publish_confirmation_resend,
    publish_order_cancelled,
    publish_order_expired,
    publish_order_paid,
    publish_order_placed,
)
from orders.orders.models import Order, OrderLine, OrderNumber, OrderStatusChange
from orders.orders.state_machine import CANCELLABLE, PAID_STATUSES, OrderStatus, order_transition
from orders.payments.models import PaymentMethod
from orders.payments.services import (
    payment_refund_request_order,
    payment_refunds_send,
    payment_session_close,
    payment_session_create,
    payment_session_open,
)
from orders.promotions.services import voucher_uses_release
from orders.shipping.parcels import ShippingQuote

logger = logging.getLogger(__name__)

# The payment page closes a little before catalog's reservation ends, so a payment never outlives it
# (catalog holds the stock ``ORDERS_RESERVATION_GRACE_MINUTES`` longer than the method's payment window).
RESERVATION_SAFETY_MARGIN = timedelta(minutes=1)
# Order numbers carry the year of the shop's calendar, not UTC's (a New Year's Eve order stays in its year).
SHOP_TIME_ZONE = ZoneInfo("America/Sao_Paulo")


class NotCancellable(Conflict):
    code, detail = "not_cancellable", _("The order has shipped or is already closed; it cannot be cancelled.")


class ConfirmationNotAvailable(Conflict):
    code, detail = "confirmation_not_available", _("Only paid orders have a confirmation to send.")


class InstallmentsNotAvailable(ApiError):
    status, code = 422, "installments_not_available"
    detail = _("That number of installments is not available for the order's amount.")


@dataclass(frozen=True)
class PlacedLine:
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    discount: Decimal = Decimal("0.00")  # this line's share of the promotions' discounts
    gift_kind: str = ""  # "gift" / "sample": added by a promotion at price zero


@dataclass(frozen=True)
class OrderDiscounts:
    """What checkout's promotions gave: each discount as shown ({kind, code, reason, amount}) and whether
    shipping is free (its amount is the order's shipping, whatever method priced it)."""

    applied: tuple[dict, ...] = ()
    free_shipping: bool = False


@dataclass(frozen=True)
class PaymentChoice:
    """How the shopper pays, as checked at checkout: the method, card installments, the payer's document."""

    method: str = PaymentMethod.CARD
    installments: int = 1
    document: str = ""  # normalised CPF / CNPJ (common.brazil.documents), "" for a card without one

    def __repr__(self) -> str:  # never print the document in full (tracebacks, logs)
        masked = document_mask(self.document)
        return f"PaymentChoice(method={self.method!r}, installments={self.installments}, document={masked!r})"


def payment_window(method: str = PaymentMethod.CARD) -> timedelta:
    """How long a reserved order waits for its payment: minutes for card and Pix, days for a boleto."""
    if method == PaymentMethod.PIX:
        return timedelta(minutes=settings.ORDERS_PIX_WINDOW_MINUTES)
    if method == PaymentMethod.BOLETO:
        return timedelta(days=settings.ORDERS_BOLETO_DUE_DAYS + settings.ORDERS_BOLETO_GRACE_DAYS)
    return timedelta(minutes=settings.ORDERS_PAYMENT_WINDOW_MINUTES)


def reservation_duration(method: str = PaymentMethod.CARD) -> timedelta:
    """What orders asks catalog to hold the stock for: the payment window plus a grace (carried in the event)."""
    return payment_window(method) + timedelta(minutes=settings.ORDERS_RESERVATION_GRACE_MINUTES)


def boleto_due_date(moment: datetime):
    """The boleto's due date: ``ORDERS_BOLETO_DUE_DAYS`` after ``moment``, in the shop's calendar."""
    return (moment + timedelta(days=settings.ORDERS_BOLETO_DUE_DAYS)).astimezone(SHOP_TIME_ZONE).date()


def installment_plan_choose(*, total: Decimal, count: int) -> InstallmentPlan:
    """The card plan of ``count`` installments for ``total`` (the same function as product page and cart)."""
    plan = installment_plan_for(amount=total, count=count, policy=installment_policy_from_settings())
    if plan is None:
        raise InstallmentsNotAvailable()
    return plan


def order_number_year(moment: datetime) -> int:
    """The year of ``moment`` in São Paulo: 2025-12-31 22:30 local (01:30 UTC next day) is still 2025."""
    return moment.astimezone(SHOP_TIME_ZONE).year


def order_number_next(*, year: int) -> str:
    """``CO-<year>-<6+ digits>``: the next value of the database sequence behind ``OrderNumber``."""
    handed_out = OrderNumber()
    rows_insert([handed_out])
    return f"CO-{year}-{handed_out.pk:06d}"


def remember_lines(order: Order, lines: list[OrderLine]) -> None:
    """Let ``order.lines.all()`` answer from the lines just created (as ``prefetch_related`` would leave it):
    the event, the answer and the log read them three times while the order is placed, without a query."""
    cached = OrderLine.objects.filter(order=order)
    cached._result_cache = list(lines)
    cached._prefetch_done = True
    order._prefetched_objects_cache = {**getattr(order, "_prefetched_objects_cache", {}), "lines": cached}


def order_place(
    *,
    user_id: int | None,
    email: str,
    shipping_address: dict,
    lines: list[PlacedLine],
    actor: str,
    shipping: ShippingQuote,
    payment: PaymentChoice | None = None,
    discounts: OrderDiscounts | None = None,
) -> Order:
    """Create a ``pending`` order with its price snapshots and payment session; ask catalog for the stock.

    ``shipping`` is the chosen method as freshly quoted (``orders.shipping``): its price is the order's
    shipping line; a free-shipping promotion (``discounts.free_shipping``) takes it off again as a discount,
    so the order shows both: total = subtotal + shipping - discount_total.

    A guest's order gets an access token: ``order.access_token`` holds it in clear on the returned instance
    (for the checkout answer); the database keeps only its hash and a sealed copy (``access_tokens``).

    Runs in the caller's transaction with the ``orders.order_placed`` outbox row, so the order and the
    reservation request exist together or not at all. The reservation lasts the payment window of the
    chosen method plus a grace (``reserve_until`` / ``reserve_for_seconds`` in the event).
    """
    payment = payment or PaymentChoice()
    discounts = discounts or OrderDiscounts()
    subtotal = sum((line.unit_price * line.quantity for line in lines), Decimal("0.00"))
    shipping_discount = shipping.price if discounts.free_shipping else Decimal("0.00")
    discount_total = sum((line.discount for line in lines), Decimal("0.00")) + shipping_discount
    applied = [
        {**entry, "amount": str(shipping_discount)} if entry.get("kind") == "free_shipping" else dict(entry)
        for entry in discounts.applied
    ]
    total = subtotal + shipping.price - discount_total
    plan = None
    if payment.method == PaymentMethod.CARD:
        plan = installment_plan_choose(total=total, count=payment.installments)
    now = timezone.now()
    issued = access_token_issue() if user_id is None else None
    # The rows are written by ``rows_insert`` (one ``INSERT ... RETURNING id`` each, without the ORM's per-call
    # compile): checkout places an order per request, and these are no models with save hooks or signals.
    with transaction.atomic(savepoint=False):  # inside checkout's transaction: a failure here fails it all
        order = Order(
            number=order_number_next(year=order_number_year(now)),
            access_token_hash=issued.hash if issued else "",
            access_token_sealed=issued.sealed if issued else "",
            reservation_requested_at=now,
            user_id=user_id,
            email=email,
            status=OrderStatus.PENDING,
            subtotal=subtotal,
            shipping=shipping.price,
            shipping_method=shipping.method,
            shipping_method_name=shipping.name,
            shipping_days_min=shipping.days_min,
            shipping_days_max=shipping.days_max,
            discount_total=discount_total,
            discounts=applied,
            total=total,
            shipping_address=shipping_address,
            payer_document=payment.document,
            correlation_id=current_correlation_id() or "",
        )
        rows_insert([order])
        placed_lines = [
            OrderLine(
                order=order,
                sku=line.sku,
                name=line.name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                line_total=line.unit_price * line.quantity,
                discount=line.discount,
                gift_kind=line.gift_kind,
            )
            for line in lines
        ]
        rows_insert(placed_lines)
        remember_lines(order, placed_lines)
        rows_insert(
            [
                OrderStatusChange(
                    order=order, from_status="", to_status=OrderStatus.PENDING, actor=actor, note="placed at checkout"
                )
            ]
        )
        order.payment_session = payment_session_create(
            order_id=order.pk,
            provider=settings.ORDERS_PAYMENT_PROVIDER,
            amount=order.total,
            currency=order.currency,
            method=payment.method,
            plan=plan,
        )
        publish_order_placed(order, placed_at=now, reserve_for=reservation_duration(payment.method))
        transaction.on_commit(metrics.ORDERS_PLACED.inc)
    # In clear on this instance only, for the checkout answer (the row holds its hash and a sealed copy).
    order.access_token = issued.token if issued else ""
    logger.info(
        "order placed",
        extra={"order_number": order.number, "total": str(order.total), "payment_method": payment.method},
    )
    return order


_LOCKED_BY_NUMBER = CompiledQuery(
    lambda number: (
        Order.objects.select_for_update(of=("self",)).select_related("payment_session").filter(number=number).order_by()
    ),
    number="\x00order-number",
)


def order_locked(*, number: str) -> Order | None:
    """The order, locked for the rest of the transaction (every saga step starts here: compiled once), with
    its payment session read (not locked) in the same statement."""
    return _LOCKED_BY_NUMBER.first(number=number)


def order_lines_lots_record(*, number: str, lots: list[tuple[str, str, date, int]]) -> None:
    """Keep the lots catalog took for each line (FEFO), so support sees them and a recall finds the
    order. Idempotent: the lines' lots are replaced by the event's."""
    by_sku: dict[str, list[dict]] = {}
    for sku, lot, expires_on, quantity in lots:
        by_sku.setdefault(sku, []).append({"lot": lot, "expires_on": expires_on.isoformat(), "quantity": quantity})
    lines = _LINES_OF_SKUS(number=number, skus=sorted(by_sku))
    for line in lines:
        line.lots = by_sku[line.sku]
    rows_update(lines, ["lots"])  # one statement for the order's lines


# Every reserved order's lines that took lots (``order_lines_lots_record``): compiled once per line count.
_LINES_OF_SKUS = CompiledQuery(
    lambda number, skus: OrderLine.objects.filter(order__number=number, sku__in=skus).order_by("id"),
    number="\x00order-number",
    skus=Many("\x00sku-"),
)


def order_stock_reserved(
    *, number: str, reserved_until: datetime, left_out: list[tuple[str, int]] | None = None
) -> None:
    """Saga step: stock is held, so the order awaits payment and its session is opened at the provider
    after the commit (``payment_session_open``: ``creating`` until the provider answered).

    Idempotent by order number. A reservation for an order already closed (cancelled or expired while
    catalog was reserving) is released again by re-announcing the close, so no stock stays held.
    ``left_out``: gift or sample lines catalog had no stock for; the order goes on without them.
    """
    with transaction.atomic(savepoint=False):  # the consumer's transaction (with its inbox row) decides
        order = order_locked(number=number)
        if order is None:
            logger.warning("stock reserved for an unknown order", extra={"order_number": number})
            return
        if order.status == OrderStatus.PENDING:
            now = timezone.now()
            method = order.payment_session.method
            expires_at = min(now + payment_window(method), reserved_until - RESERVATION_SAFETY_MARGIN)
            note = "stock reserved"
            gone = [sku for sku, _quantity in left_out or []]
            if gone and OrderLine.objects.filter(order=order, sku__in=gone).exclude(gift_kind="").delete()[0]:
                note += "; brinde/amostra esgotado, o pedido segue sem: " + ", ".join(sorted(gone))
            session_id = order.payment_session.pk
            order = order_transition(
                order=order, to=OrderStatus.AWAITING_PAYMENT, actor="catalog", note=note, locked=True
            )
            # ``creating`` now; the provider call (a PSP charge for Pix and boleto) runs after the commit.
            payment_session_open(
                session_id=session_id,
                expires_at=expires_at,
                boleto_due_date=boleto_due_date(now) if method == PaymentMethod.BOLETO else None,
            )
        elif order.status == OrderStatus.CANCELLED:
            publish_order_cancelled(order, reason="stock reserved after the order was cancelled", was_paid=False)
        elif order.status in (OrderStatus.EXPIRED, OrderStatus.REJECTED):
            publish_order_expired(order)
        # awaiting_payment and later: this reservation was already applied.


def order_stock_rejected(*, number: str, reason: str) -> None:
    """Saga step: catalog could not reserve the stock, so the order is rejected (idempotent by number)."""
    with transaction.atomic():
        order = order_locked(number=number)
        if order is None:
            logger.warning("stock rejected for an unknown order", extra={"order_number": number})
            return
        if order.status != OrderStatus.PENDING:
            return  # already rejected, or closed meanwhile: nothing is held, nothing to do
        order = order_transition(order=order, to=OrderStatus.REJECTED, actor="catalog", note=reason)
        payment_session_close(order_id=order.pk)
        voucher_uses_release(order_id=order.pk, force=True)  # never bought: the uses always come back
        publish_about_order(order, OrderRejected(order_number=order.number, email=order.email, reason=reason))
        transaction.on_commit(metrics.ORDERS_REJECTED.inc)
        logger.info("order rejected", extra={"order_number": order.number, "reason": reason})


def order_mark_paid(*, order: Order, actor: str, note: str, locked: bool = False) -> Order:
    """The provider captured the payment: ``paid``, announce it (catalog commits the stock, tasks emails).

    Inside the webhook's transaction (with its receipt) without a savepoint: a failure fails the webhook.
    ``locked``: ``order`` is ``order_locked``'s (locked, its session read with it), as in the webhook, so
    neither is read again."""
    with transaction.atomic(savepoint=False):
        order = order_transition(order=order, to=OrderStatus.PAID, actor=actor, note=note, locked=locked)
        payment_session_close(order_id=order.pk, paid=True)
        publish_order_paid(order)
        transaction.on_commit(metrics.ORDERS_PAID.inc)
    logger.info("order paid", extra={"order_number": order.number, "actor": actor})
    return order


def order_cancel(*, order: Order, actor: str, reason: str) -> Order:
    """Cancel an order that has not shipped; a paid one is refunded through its provider (``refunded``).

    The refund is recorded with the decision and sent to the provider after the commit (never inside the
    transaction); a refund the provider did not confirm stays ``pending`` and ``payment_refunds_retry`` resends it.
    """
    refunds = []
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status not in CANCELLABLE:
            raise NotCancellable()
        was_paid = order.status in PAID_STATUSES
        if was_paid:
            refunds = payment_refund_request_order(order_id=order.pk, note=f"refund on cancellation by {actor}")
            order = order_transition(order=order, to=OrderStatus.REFUNDED, actor=actor, note=reason)
        else:
            order = order_transition(order=order, to=OrderStatus.CANCELLED, actor=actor, note=reason)
        payment_session_close(order_id=order.pk)
        voucher_uses_release(order_id=order.pk)  # where the voucher's rule gives uses back
        publish_order_cancelled(order, reason=reason, was_paid=was_paid)
    payment_refunds_send(refunds)
    logger.info("order cancelled", extra={"order_number": order.number, "actor": actor, "refunded": was_paid})
    return order


def order_expire(*, order: Order, actor: str = "system:expiry") -> Order:
    """The payment window ran out: ``expired``, and catalog releases the stock."""
    with transaction.atomic():
        order = order_transition(order=order, to=OrderStatus.EXPIRED, actor=actor, note="payment window ran out")
        payment_session_close(order_id=order.pk)
        voucher_uses_release(order_id=order.pk, force=True)  # never paid: the uses always come back
        publish_order_expired(order)
    logger.info("order expired", extra={"order_number": order.number})
    return order


def order_stock_commit_failed(*, number: str, reason: str, lines: list[UncoveredLine]) -> None:
    """Catalog could not commit a paid order's stock: ``paid_out_of_stock``, for support to ship or refund.

    Idempotent by order number; an order no longer paid (refunded, already flagged, shipped) is left alone.
    """
    with transaction.atomic():
        order = order_locked(number=number)
        if order is None:
            logger.warning("stock commit failed for an unknown order", extra={"order_number": number})
            return
        if order.status != OrderStatus.PAID:
            logger.info(
                "stock commit failure for an order no longer awaiting stock",
                extra={"order_number": number, "status": order.status},
            )
            return
        short = ", ".join(f"{line.sku}: {line.quantity} (on hand {line.on_hand})" for line in lines)
        order_transition(
            order=order,
            to=OrderStatus.PAID_OUT_OF_STOCK,
            actor="catalog",
            note=f"catalog could not commit the stock ({reason}): {short}",
        )
        logger.error("paid order without stock", extra={"order_number": number, "reason": reason})


def order_fulfil(*, order: Order, tracking_code: str, actor: str, carrier: str = "", tracking_url: str = "") -> Order:
    """Ship the order: its tracking code (and carrier and tracking link, when support gives them)."""
    with transaction.atomic():
        note = f"tracking {tracking_code}" + (f" ({carrier})" if carrier else "")
        order = order_transition(order=order, to=OrderStatus.FULFILLED, actor=actor, note=note)
        Order.objects.filter(pk=order.pk).update(
            tracking_code=tracking_code, carrier=carrier, tracking_url=tracking_url
        )
        order.tracking_code, order.carrier, order.tracking_url = tracking_code, carrier, tracking_url
        publish_about_order(
            order,
            OrderFulfilled(
                order_number=order.number,
                email=order.email,
                tracking_code=tracking_code,
                fulfilled_at=timezone.now(),
                carrier=carrier or None,
                tracking_url=tracking_url or None,
            ),
        )
    return order


def order_deliver(*, order: Order, actor: str) -> Order:
    return order_transition(order=order, to=OrderStatus.DELIVERED, actor=actor, note="delivered")


def order_confirmation_resend(*, order: Order, actor: str) -> None:
    """Ask tasks to email the paid order's confirmation again."""
    if order.status not in (*PAID_STATUSES, OrderStatus.FULFILLED, OrderStatus.DELIVERED):
        raise ConfirmationNotAvailable()
    with transaction.atomic():
        publish_confirmation_resend(order, requested_by=actor)
