"""Writes of returns: open, approve or reject, receive the goods, refund the lines.

Every step is one transaction under the order's row lock, then the return's (always in that order, so
two steps never deadlock), records a line in the order's history and publishes its ``orders.return_*``
event through the outbox (tasks emails the shopper at each step; catalog takes the received goods back).
The refund is recorded ``pending`` in the step's transaction and sent to the provider after the commit,
under its own idempotency key (``orders.payments.services``): two concurrent refunds of one return
refund once, the second sees the return already ``refunded``.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.api import ApiError, Conflict
from common.brazil.formatting import money_brl
from orders.orders.models import Order, OrderLine
from orders.orders.state_machine import OrderStatus, order_transition
from orders.payments.models import PaymentTransaction
from orders.payments.services import payment_refund_request_partial, payment_refunds_send
from orders.promotions.services import voucher_uses_release
from orders.returns.events import (
    publish_return_approved,
    publish_return_received,
    publish_return_refunded,
    publish_return_rejected,
    publish_return_requested,
)
from orders.returns.models import OrderReturn, ReturnCondition, ReturnLine, ReturnStatus
from orders.returns.state_machine import ACTIVE_RETURN_STATUSES, ReturnIllegalTransition, return_can_move

logger = logging.getLogger(__name__)

SHOP_TIME_ZONE = ZoneInfo("America/Sao_Paulo")
# Código de Defesa do Consumidor, art. 49: 7 days to withdraw from an online purchase, from delivery.
WITHDRAWAL_DAYS = 7


class OrderNotReturnable(Conflict):
    code = "order_not_delivered"
    detail = _("Only delivered orders can be returned.")


class ReturnWindowClosed(Conflict):
    code = "return_window_closed"
    detail = _("The time to return this order has run out.")


class ReturnLineNotInOrder(Conflict):
    code = "return_line_not_in_order"
    detail = _("One of the returned items is not part of the order.")


class ReturnQuantityExceeded(Conflict):
    code = "return_quantity_exceeded"
    detail = _("The quantity returned is more than was bought minus what is already being returned.")


class ReturnReasonRequired(ApiError):
    status, code, detail = 422, "return_reason_required", _("Tell us why the items are being returned.")


class ReturnLinesRequired(ApiError):
    status, code = 422, "return_lines_required"
    detail = _("Choose at least one item to return, with quantity 1 or more.")


class RejectionReasonRequired(ApiError):
    status, code, detail = 422, "return_rejection_reason_required", _("Give the reason for rejecting the return.")


def order_delivered_at(order: Order) -> datetime | None:
    """When the order was delivered: the last ``delivered`` step of its history."""
    step = order.history.filter(to_status=OrderStatus.DELIVERED).order_by("-id").first()
    return step.created_at if step else None


def within_withdrawal_period(*, delivered_at: datetime, moment: datetime) -> bool:
    """Art. 49: counted in the shop's calendar days, the delivery day being day 0."""
    days = (moment.astimezone(SHOP_TIME_ZONE).date() - delivered_at.astimezone(SHOP_TIME_ZONE).date()).days
    return days <= WITHDRAWAL_DAYS


def returned_quantities(*, order: Order, exclude_return_id: int | None = None) -> dict[int, int]:
    """Units of each order line already in a return that was not rejected: {order line id: units}."""
    rows = ReturnLine.objects.filter(
        order_return__order=order, order_return__status__in=ACTIVE_RETURN_STATUSES
    ).exclude(order_return_id=exclude_return_id)
    return {row["order_line_id"]: row["units"] for row in rows.values("order_line_id").annotate(units=Sum("quantity"))}


def line_refund_amount(*, line: OrderLine, already: int, units: int) -> Decimal:
    """What ``units`` more units of ``line`` give back: what they cost after the line's share of the
    order's discounts (voucher, Pix, tiers), never the list price. The line's net amount is spread over its
    units in centavos so that returning every unit, in any number of returns, gives back exactly the line's
    net amount: units ``already`` returning took their cumulative share, these take the next one."""
    net = line.line_total - line.discount

    def share(count: int) -> Decimal:
        return (net * count / line.quantity).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    return share(already + units) - share(already)


def _history(order: Order, *, actor: str, note: str) -> None:
    order.history.create(from_status=order.status, to_status=order.status, actor=actor, note=note[:500])


def _listed(order_return: OrderReturn) -> str:
    return ", ".join(f"{line.quantity} x {line.sku}" for line in order_return.lines.all())


def return_open(*, order: Order, lines: dict[str, int], reason: str, actor: str) -> OrderReturn:
    """Open a return of ``lines`` ({sku: units}) of a delivered order, with the shopper's ``reason``.

    409 when the order is not delivered, the return window (``ORDERS_RETURN_WINDOW_DAYS`` from delivery)
    closed, a SKU is not in the order, or more units than bought minus those already returning. The refund
    amount is fixed now: the lines at the price paid (after their share of the discounts, see
    ``line_refund_amount``), plus the shipping within the 7 days of art. 49 (once
    per order: the first return that is not rejected takes it).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ReturnReasonRequired()
    if not lines or any(quantity < 1 for quantity in lines.values()):
        raise ReturnLinesRequired()
    now = timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status != OrderStatus.DELIVERED:
            raise OrderNotReturnable()
        delivered_at = order_delivered_at(order)
        if delivered_at is None or (now - delivered_at).days > settings.ORDERS_RETURN_WINDOW_DAYS:
            raise ReturnWindowClosed()
        bought: dict[str, OrderLine] = {line.sku: line for line in order.lines.all()}
        if any(sku not in bought for sku in lines):
            raise ReturnLineNotInOrder()
        already = returned_quantities(order=order)
        for sku, quantity in lines.items():
            line = bought[sku]
            if quantity > line.quantity - already.get(line.pk, 0):
                raise ReturnQuantityExceeded()
        amounts = {
            sku: line_refund_amount(line=bought[sku], already=already.get(bought[sku].pk, 0), units=quantity)
            for sku, quantity in lines.items()
        }
        amount = sum(amounts.values(), Decimal("0.00"))
        shipping = Decimal("0.00")
        shipping_taken = OrderReturn.objects.filter(
            order=order, status__in=ACTIVE_RETURN_STATUSES, shipping_amount__gt=0
        ).exists()
        if within_withdrawal_period(delivered_at=delivered_at, moment=now) and not shipping_taken:
            shipping = order.shipping
        order_return = OrderReturn.objects.create(
            order=order,
            reason=reason[:500],
            opened_by=actor[:200],
            shipping_amount=shipping,
            refund_amount=amount + shipping,
        )
        ReturnLine.objects.bulk_create(
            [
                ReturnLine(
                    order_return=order_return,
                    order_line=bought[sku],
                    sku=sku,
                    name=bought[sku].name,
                    quantity=quantity,
                    amount=amounts[sku],
                )
                for sku, quantity in sorted(lines.items())
            ]
        )
        _history(
            order,
            actor=actor,
            note=f"devolução #{order_return.pk} aberta ({_listed(order_return)}), "
            f"reembolso de {money_brl(order_return.refund_amount)}: {reason}",
        )
        publish_return_requested(order_return)
    logger.info("return opened", extra={"order_number": order.number, "return_id": order_return.pk})
    return order_return


def _locked(order_return: OrderReturn, *, to: str) -> OrderReturn:
    """The return under its order's then its own row lock; 409 when it cannot move to ``to``."""
    Order.objects.select_for_update().filter(pk=order_return.order_id).first()
    locked = OrderReturn.objects.select_for_update().select_related("order").get(pk=order_return.pk)
    if not return_can_move(current=locked.status, to=to):
        raise ReturnIllegalTransition()
    return locked


def return_approve(*, order_return: OrderReturn, actor: str) -> OrderReturn:
    """Support accepts the return: the shopper is told to send the goods."""
    with transaction.atomic():
        order_return = _locked(order_return, to=ReturnStatus.APPROVED)
        order_return.status, order_return.approved_at = ReturnStatus.APPROVED, timezone.now()
        order_return.save(update_fields=["status", "approved_at", "updated_at"])
        _history(order_return.order, actor=actor, note=f"devolução #{order_return.pk} aprovada")
        publish_return_approved(order_return)
    return order_return


def return_reject(*, order_return: OrderReturn, actor: str, reason: str) -> OrderReturn:
    """Support refuses the return, saying why (the units may be returned again in another return)."""
    reason = (reason or "").strip()
    if not reason:
        raise RejectionReasonRequired()
    with transaction.atomic():
        order_return = _locked(order_return, to=ReturnStatus.REJECTED)
        order_return.status, order_return.rejection_reason = ReturnStatus.REJECTED, reason[:500]
        order_return.save(update_fields=["status", "rejection_reason", "updated_at"])
        _history(order_return.order, actor=actor, note=f"devolução #{order_return.pk} recusada: {reason}")
        publish_return_rejected(order_return)
    return order_return


def returned_lots(*, line: ReturnLine) -> list[tuple[str, int]]:
    """The lots the returned units came from: the order line's lots (FEFO order, as catalog sold them),
    skipping the units earlier received returns already gave back; units beyond the lots are unlotted."""
    earlier = (
        ReturnLine.objects.filter(
            order_line_id=line.order_line_id,
            order_return__status__in=(ReturnStatus.RECEIVED, ReturnStatus.REFUNDED),
        )
        .exclude(pk=line.pk)
        .aggregate(units=Sum("quantity"))["units"]
        or 0
    )
    parts, wanted = [], line.quantity
    for lot in line.order_line.lots:
        units = int(lot["quantity"])
        skipped = min(earlier, units)
        earlier, units = earlier - skipped, units - skipped
        take = min(units, wanted)
        if take > 0:
            parts.append((lot["lot"], take))
            wanted -= take
    return parts


def return_receive(*, order_return: OrderReturn, actor: str, conditions: dict[str, str] | None = None) -> OrderReturn:
    """The goods arrived: each line is ``sellable`` (default) or ``damaged`` (``conditions`` by SKU).

    ``orders.return_received`` asks catalog to put sellable units back on hand (into the lots they were
    sold from) and to write damaged ones off; it is published once, by the step that moved the return.
    """
    conditions = conditions or {}
    if any(value not in ReturnCondition.values for value in conditions.values()):
        raise ApiError(_("Unknown condition of a returned item."), code="return_condition_invalid", status=422)
    with transaction.atomic():
        order_return = _locked(order_return, to=ReturnStatus.RECEIVED)
        lots = {}
        for line in order_return.lines.select_related("order_line"):
            line.condition = conditions.get(line.sku, ReturnCondition.SELLABLE)
            line.save(update_fields=["condition"])
            lots[line.pk] = returned_lots(line=line)
        order_return.status, order_return.received_at = ReturnStatus.RECEIVED, timezone.now()
        order_return.save(update_fields=["status", "received_at", "updated_at"])
        damaged = [line.sku for line in order_return.lines.all() if line.condition == ReturnCondition.DAMAGED]
        note = f"devolução #{order_return.pk} recebida" + (f" (avariados: {', '.join(damaged)})" if damaged else "")
        _history(order_return.order, actor=actor, note=note)
        publish_return_received(order_return, lots=lots)
    return order_return


def order_voucher_uses_release(*, order: Order) -> None:
    """A fully returned order gives its vouchers' uses back when the voucher's rule says so
    (``release_on_cancel``, "uses come back on cancellation" in the admin)."""
    voucher_uses_release(order_id=order.pk)


def return_refund(*, order_return: OrderReturn, actor: str) -> list[PaymentTransaction]:
    """Refund a received return's amount through the order's payment (a partial refund).

    When every unit of the order has come back and been refunded, the order becomes ``refunded``.
    """
    with transaction.atomic():
        order_return = _locked(order_return, to=ReturnStatus.REFUNDED)
        order = order_return.order
        refunds = payment_refund_request_partial(
            order_id=order.pk,
            amount=order_return.refund_amount,
            note=f"devolução #{order_return.pk} por {actor}",
        )
        order_return.status, order_return.refunded_at = ReturnStatus.REFUNDED, timezone.now()
        order_return.save(update_fields=["status", "refunded_at", "updated_at"])
        note = f"devolução #{order_return.pk} reembolsada: {money_brl(order_return.refund_amount)}"
        if order_return.shipping_amount:
            note += f" (inclui o frete de {money_brl(order_return.shipping_amount)})"
        _history(order, actor=actor, note=note)
        publish_return_refunded(order_return)
        refunded_units = ReturnLine.objects.filter(
            order_return__order=order, order_return__status=ReturnStatus.REFUNDED
        ).aggregate(units=Sum("quantity"))["units"]
        bought_units = order.lines.aggregate(units=Sum("quantity"))["units"]
        if refunded_units == bought_units:
            order_transition(order=order, to=OrderStatus.REFUNDED, actor=actor, note="todos os itens devolvidos")
            order_voucher_uses_release(order=order)
    sent = payment_refunds_send(refunds)
    logger.info(
        "return refunded",
        extra={"order_number": order.number, "return_id": order_return.pk, "amount": str(order_return.refund_amount)},
    )
    return sent
