"""Orders decides what a provider's notification means: pay the order, or give the money back.

Payments verifies and records (``orders.payments.webhooks``); this applies the outcome under the order's
row lock, in the transaction that records the notification. A capture pays an ``awaiting_payment`` order
of that amount whose payment window (the session's ``expires_at``) is still open; anything else (too late,
even if the expiry loop lags; cancelled; paid already; another amount) is refunded. A late payment also
expires the order at once, so catalog releases the stock it might otherwise keep for it.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from orders.orders.models import Order
from orders.orders.services import order_expire, order_locked, order_mark_paid
from orders.orders.state_machine import OrderStatus
from orders.payments.models import PaymentSession, PaymentTransaction
from orders.payments.services import payment_refund_request, payment_refunds_send
from orders.payments.webhooks import Notified, PaymentNotification, payment_notification_record, payment_webhook_verify

logger = logging.getLogger(__name__)


def order_payment_webhook_apply(
    *, provider: str, raw_body: bytes, headers: dict[str, str], query: dict | None = None
) -> str:
    """Verify, record and apply one webhook; returns the outcome (``paid``, ``refunded``, ``duplicate`` ...).

    The receipt and the effect commit together, so a redelivery changes nothing. A refund is sent to the
    provider after that commit (never inside the transaction); unconfirmed, it stays ``pending`` for retry.
    """
    event = payment_webhook_verify(provider=provider, raw_body=raw_body, headers=headers, query=query)
    with transaction.atomic():
        order = order_locked(number=event.order_number)
        notification = payment_notification_record(provider=provider, event=event, order_id=order.pk if order else None)
        if notification.kind == Notified.DISPUTED:
            _note_dispute(order=order, provider=provider, event=event)
        if notification.kind != Notified.CAPTURED:
            return notification.kind
        outcome, refund = _apply_capture(order=order, notification=notification)
    if refund is None:
        return outcome
    [sent] = payment_refunds_send([refund])
    return "refunded" if sent.status == PaymentTransaction.Status.SUCCEEDED else "refund_pending"


def _note_dispute(*, order: Order, provider: str, event) -> None:
    """A chargeback is support's business: a line in the order's history (status unchanged) and the admin."""
    if event.type == "payment.disputed":
        note = f"contestação (chargeback) {event.dispute_reference} aberta: {event.reason or 'sem motivo informado'}"
    else:
        outcome = {"won": "ganha pela loja", "lost": "perdida: o valor volta ao cliente"}.get(
            event.reason, event.reason
        )
        note = f"contestação (chargeback) {event.dispute_reference} encerrada: {outcome}"
    order.history.create(from_status=order.status, to_status=order.status, actor=f"payments:{provider}", note=note)


def _payable_until(order: Order):
    """Until when the order's open session takes a payment (None: no open session). ``order_locked`` read
    the session with the order, in the statement that locked it."""
    session = getattr(order, "payment_session", None)
    if session is None or session.status != PaymentSession.Status.OPEN:
        return None
    return session.expires_at


def _apply_capture(*, order: Order, notification: PaymentNotification) -> tuple[str, PaymentTransaction | None]:
    """``("paid", None)`` or ``("refunded", the pending refund)``; runs under the order's lock."""
    provider, charge = notification.provider, notification.charge
    now = timezone.now()
    amount_matches = (notification.amount, notification.currency) == (order.total, order.currency)
    payable_until = _payable_until(order)
    in_window = payable_until is not None and now <= payable_until
    if order.status == OrderStatus.AWAITING_PAYMENT and amount_matches and in_window:
        order_mark_paid(
            order=order, actor=f"payments:{provider}", note=f"charge {charge.provider_reference}", locked=True
        )
        return "paid", None
    # Money arrived for an order that cannot take it: give it back at once rather than keep it for nothing.
    if order.status != OrderStatus.AWAITING_PAYMENT:
        reason = f"payment arrived while the order was {order.status}"
    elif not amount_matches:
        reason = f"paid {notification.amount} {notification.currency}, order total is {order.total} {order.currency}"
    else:
        reason = f"payment arrived after the payment window closed at {payable_until}"
        order_expire(order=order, actor=f"payments:{provider}")  # the expiry loop is behind: catch up now
    refund = payment_refund_request(charge=charge, note=f"automatic refund: {reason}")
    logger.warning("late or mismatched payment refunded", extra={"order_number": order.number, "reason": reason})
    return "refunded", refund
