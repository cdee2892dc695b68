"""Provider webhooks, as payments sees them: verify, de-duplicate, record the charge, report the outcome.

Payments only reports what the provider did (``PaymentNotification``); what it means for the order
(paid, or money to give back) is orders' decision (``orders.orders.payment_outcomes``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from common.compiled_queries import CompiledQuery
from common.inserts import insert_once
from common.observability import metrics
from orders.payments.models import PaymentDispute, PaymentTransaction, WebhookReceipt
from orders.payments.providers import get_provider
from orders.payments.providers.base import WebhookEvent
from orders.payments.services import payment_record

logger = logging.getLogger(__name__)


class Notified:
    """What a notification turned out to be (also the ``outcome`` of the webhook's 200 answer)."""

    CAPTURED = "captured"
    DECLINED = "declined"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    DISPUTED = "disputed"  # a chargeback opened (or closed): recorded, support answers it at the provider
    UNKNOWN_ORDER = "unknown_order"


@dataclass(frozen=True)
class PaymentNotification:
    """A verified, recorded provider notification; ``charge`` is the captured charge when ``kind`` is CAPTURED."""

    kind: str
    provider: str
    order_number: str
    amount: Decimal
    currency: str
    charge: PaymentTransaction | None = None


def payment_webhook_verify(
    *, provider: str, raw_body: bytes, headers: dict[str, str], query: dict | None = None
) -> WebhookEvent:
    """The verified event; a bad, malformed or stale signature raises (400), an unknown provider 404."""
    return get_provider(provider).parse_webhook(raw_body=raw_body, headers=headers, query=query)


def _receipt_recorded(*, provider: str, event: WebhookEvent) -> bool:
    """Insert the event's receipt; False when that event id was recorded already (a redelivery).

    ``insert_once``, as the events inbox: on PostgreSQL no savepoint; a concurrent delivery waits and loses."""
    return insert_once(
        WebhookReceipt,
        values={"provider": provider, "event_id": event.event_id, "event_type": event.type},
        unique=("provider", "event_id"),
    )


# Whether this charge was recorded already (another event id for the same capture): compiled once
# (``common.compiled_queries``), since every successful payment's webhook asks it.
_CHARGE_RECORDED = CompiledQuery(
    lambda order_id, reference: (
        PaymentTransaction.objects.filter(
            order_id=order_id, kind=PaymentTransaction.Kind.CHARGE, provider_reference=reference
        )
        .only("id")
        .order_by()[:1]
    ),
    order_id=-7_320_000_001,
    reference="\x00charge-reference",
)


def payment_notification_record(*, provider: str, event: WebhookEvent, order_id: int | None) -> PaymentNotification:
    """Record the event id and its charge, in the caller's transaction (which holds the order's row lock).

    A redelivered event id, or the same charge under another event id, is DUPLICATE and records nothing.
    """
    notification = {
        "provider": provider,
        "order_number": event.order_number,
        "amount": event.amount,
        "currency": event.currency,
    }
    if not _receipt_recorded(provider=provider, event=event):
        return PaymentNotification(kind=Notified.DUPLICATE, **notification)
    if order_id is None:
        logger.warning("webhook for an unknown order", extra={"order_number": event.order_number})
        return PaymentNotification(kind=Notified.UNKNOWN_ORDER, **notification)
    if event.type == "payment.failed":
        payment_record(
            order_id=order_id,
            provider=provider,
            kind=PaymentTransaction.Kind.CHARGE,
            succeeded=False,
            amount=event.amount,
            currency=event.currency,
            reference=event.charge_reference,
            failure_code=event.failure_code,
        )
        transaction.on_commit(lambda: metrics.PAYMENT_FAILURES.labels(provider=provider).inc())
        return PaymentNotification(kind=Notified.DECLINED, **notification)
    if event.type in ("payment.disputed", "dispute.closed"):
        payment_dispute_record(provider=provider, event=event, order_id=order_id)
        return PaymentNotification(kind=Notified.DISPUTED, **notification)
    if event.type != "payment.succeeded":
        return PaymentNotification(kind=Notified.IGNORED, **notification)
    if _CHARGE_RECORDED.first(order_id=order_id, reference=event.charge_reference) is not None:
        return PaymentNotification(kind=Notified.DUPLICATE, **notification)
    charge = payment_record(
        order_id=order_id,
        provider=provider,
        kind=PaymentTransaction.Kind.CHARGE,
        succeeded=True,
        amount=event.amount,
        currency=event.currency,
        reference=event.charge_reference,
    )
    return PaymentNotification(kind=Notified.CAPTURED, charge=charge, **notification)


def payment_dispute_record(*, provider: str, event: WebhookEvent, order_id: int) -> PaymentDispute:
    """A chargeback opened (``payment.disputed``) or closed (``dispute.closed``, reason ``won``/``lost``)."""
    dispute, created = PaymentDispute.objects.get_or_create(
        provider=provider,
        reference=event.dispute_reference or event.event_id,
        defaults={
            "order_id": order_id,
            "charge_reference": event.charge_reference,
            "amount": event.amount,
            "currency": event.currency,
            "reason": event.reason if event.type == "payment.disputed" else "",
        },
    )
    if event.type == "dispute.closed" and event.reason in (PaymentDispute.Status.WON, PaymentDispute.Status.LOST):
        dispute.status = event.reason
        dispute.save(update_fields=["status", "updated_at"])
    logger.warning(
        "payment dispute",
        extra={"order_id": order_id, "dispute": dispute.reference, "status": dispute.status, "new": created},
    )
    return dispute
