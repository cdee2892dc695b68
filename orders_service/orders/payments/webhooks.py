"""Applying a provider's verified webhook to the order: paid, declined, or refunded when it came too late."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from common.observability import metrics
from orders.orders.models import Order
from orders.orders.services import order_mark_paid
from orders.orders.state_machine import OrderStatus
from orders.payments.models import PaymentTransaction, WebhookReceipt
from orders.payments.providers import get_provider
from orders.payments.providers.base import WebhookEvent
from orders.payments.services import payment_record, payment_refund_charge

logger = logging.getLogger(__name__)


def payment_webhook_receive(*, provider: str, raw_body: bytes, headers: dict[str, str]) -> str:
    """Verify, de-duplicate and apply one webhook; returns what happened (for the 200 answer and logs).

    Bad or stale signatures raise (400). The receipt row and the effect commit together, so a
    redelivered event id is a no-op however often it comes.
    """
    adapter = get_provider(provider)
    event = adapter.parse_webhook(raw_body=raw_body, headers=headers)
    try:
        with transaction.atomic():
            WebhookReceipt.objects.create(provider=provider, event_id=event.event_id, event_type=event.type)
            return _apply(provider=provider, event=event)
    except IntegrityError:
        if WebhookReceipt.objects.filter(provider=provider, event_id=event.event_id).exists():
            return "duplicate"
        raise


def _apply(*, provider: str, event: WebhookEvent) -> str:
    order = Order.objects.select_for_update().filter(number=event.order_number).first()
    if order is None:
        logger.warning("webhook for an unknown order", extra={"order_number": event.order_number})
        return "unknown_order"
    if event.type == "payment.failed":
        payment_record(
            order=order,
            provider=provider,
            kind=PaymentTransaction.Kind.CHARGE,
            succeeded=False,
            amount=event.amount,
            currency=event.currency,
            reference=event.charge_reference,
            failure_code=event.failure_code,
        )
        transaction.on_commit(lambda: metrics.PAYMENT_FAILURES.labels(provider=provider).inc())
        return "declined"
    if event.type != "payment.succeeded":
        return "ignored"
    if PaymentTransaction.objects.filter(
        order=order, kind=PaymentTransaction.Kind.CHARGE, provider_reference=event.charge_reference
    ).exists():
        return "duplicate"  # the same charge announced under another event id
    charge = payment_record(
        order=order,
        provider=provider,
        kind=PaymentTransaction.Kind.CHARGE,
        succeeded=True,
        amount=event.amount,
        currency=event.currency,
        reference=event.charge_reference,
    )
    if order.status == OrderStatus.AWAITING_PAYMENT and (event.amount, event.currency) == (order.total, order.currency):
        order_mark_paid(order=order, actor=f"payments:{provider}", note=f"charge {event.charge_reference}")
        return "paid"
    # Money arrived for an order that cannot take it (expired, cancelled, already paid, wrong amount):
    # give it back at once rather than keep a shopper's money for nothing.
    reason = f"payment arrived while the order was {order.status}"
    if order.status == OrderStatus.AWAITING_PAYMENT:
        reason = f"paid {event.amount} {event.currency}, order total is {order.total} {order.currency}"
    payment_refund_charge(charge=charge, note=f"automatic refund: {reason}")
    logger.warning("late or mismatched payment refunded", extra={"order_number": order.number, "reason": reason})
    return "refunded"
