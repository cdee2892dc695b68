"""Payment sessions and money movements of orders, through the provider adapter."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import transaction

from orders.orders.models import Order
from orders.payments.models import PaymentSession, PaymentTransaction
from orders.payments.providers import get_provider
from orders.payments.providers.base import SessionSpec


def payment_session_create(*, order: Order, provider: str) -> PaymentSession:
    """The order's session, created with it at checkout so its URL can be handed out at once."""
    return PaymentSession.objects.create(
        order=order,
        provider=provider,
        token=secrets.token_urlsafe(24),
        amount=order.total,
        currency=order.currency,
    )


def payment_session_open(*, order: Order, expires_at: datetime) -> PaymentSession:
    """Stock is reserved: open the provider session, payable until ``expires_at``."""
    session = PaymentSession.objects.select_for_update().get(order=order)
    reference = get_provider(session.provider).create_session(
        spec=SessionSpec(
            order_number=order.number,
            token=session.token,
            amount=session.amount,
            currency=session.currency,
            email=order.email,
            expires_at=expires_at,
        )
    )
    session.status = PaymentSession.Status.OPEN
    session.provider_reference = reference
    session.expires_at = expires_at
    session.save(update_fields=["status", "provider_reference", "expires_at", "updated_at"])
    return session


def payment_session_close(*, order: Order, paid: bool = False) -> None:
    status = PaymentSession.Status.PAID if paid else PaymentSession.Status.CLOSED
    PaymentSession.objects.filter(order=order).update(status=status)


def payment_record(
    *,
    order: Order,
    provider: str,
    kind: str,
    succeeded: bool,
    amount,
    currency: str,
    reference: str = "",
    failure_code: str = "",
    note: str = "",
) -> PaymentTransaction:
    return PaymentTransaction.objects.create(
        order=order,
        provider=provider,
        kind=kind,
        status=PaymentTransaction.Status.SUCCEEDED if succeeded else PaymentTransaction.Status.FAILED,
        amount=amount,
        currency=currency,
        provider_reference=reference,
        failure_code=failure_code,
        note=note[:300],
    )


def payment_refund_charge(*, charge: PaymentTransaction, note: str) -> PaymentTransaction:
    """Refund one captured charge through the adapter and record it (RefundFailed leaves no record)."""
    with transaction.atomic():
        reference = get_provider(charge.provider).refund(
            charge_reference=charge.provider_reference, amount=charge.amount, currency=charge.currency
        )
        return PaymentTransaction.objects.create(
            order_id=charge.order_id,
            provider=charge.provider,
            kind=PaymentTransaction.Kind.REFUND,
            status=PaymentTransaction.Status.SUCCEEDED,
            amount=charge.amount,
            currency=charge.currency,
            provider_reference=reference,
            note=note[:300],
            refund_of=charge,
        )


def payment_refund_order(*, order: Order, note: str) -> list[PaymentTransaction]:
    """Refund every captured, not yet refunded charge of the order."""
    charges = PaymentTransaction.objects.filter(
        order=order,
        kind=PaymentTransaction.Kind.CHARGE,
        status=PaymentTransaction.Status.SUCCEEDED,
        refunded_by__isnull=True,
    )
    return [payment_refund_charge(charge=charge, note=note) for charge in charges]
