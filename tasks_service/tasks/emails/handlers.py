"""Event handlers that ask for transactional emails (listed in ``config/event_handlers.py``).

Each records one ``EmailLog`` row keyed by the business key (order number, user id) or, for password
resets, the event id; the send itself runs in a Celery worker after the consumer's transaction commits.
"""

from __future__ import annotations

from common.events.contracts.accounts import PasswordResetRequested, PasswordResetRequestedSealed, UserRegistered
from common.events.contracts.catalog import LotRecalled
from common.events.contracts.orders import (
    OrderCancelled,
    OrderConfirmationResendRequested,
    OrderConfirmationResendRequestedSealed,
    OrderFulfilled,
    OrderPaid,
    OrderPaidSealed,
    OrderRejected,
    ReturnApproved,
    ReturnReceived,
    ReturnRefunded,
    ReturnRejected,
    ReturnRequested,
)
from common.events.envelope import Envelope
from common.sealing import seal, unseal
from tasks.emails.links import order_page_url, welcome_url
from tasks.emails.models import EmailKind
from tasks.emails.services import email_log_record

OrderConfirmationEvent = (
    OrderPaidSealed | OrderPaid | OrderConfirmationResendRequestedSealed | OrderConfirmationResendRequested
)


def user_registered(event: UserRegistered, envelope: Envelope) -> None:
    """Welcome a new shopper (one welcome per user id)."""
    email_log_record(
        kind=EmailKind.WELCOME,
        dedup_key=f"user:{event.user_id}",
        recipient=event.email,
        event_id=envelope.event_id,
        context={"full_name": event.full_name, "email": event.email, "shop_url": welcome_url()},
    )


def password_reset_requested(event: PasswordResetRequestedSealed | PasswordResetRequested, envelope: Envelope) -> None:
    """Email the one-time reset link (each request is its own email: keyed by the event id).

    The link stays sealed in the email log; the send unseals it to render. A v1 event still in flight
    carries it in clear: it is sealed here, so the log never holds it readable either way.
    """
    sealed = event.reset_url_sealed if isinstance(event, PasswordResetRequestedSealed) else seal(event.reset_url)
    email_log_record(
        kind=EmailKind.PASSWORD_RESET,
        dedup_key=str(envelope.event_id),
        recipient=event.email,
        event_id=envelope.event_id,
        context={"full_name": event.full_name, "reset_url_sealed": sealed, "expires_at": event.expires_at},
    )


def order_paid_confirmation(event: OrderPaidSealed | OrderPaid, envelope: Envelope) -> None:
    """Confirm a paid order with its lines and totals (one confirmation per order number)."""
    email_log_record(
        kind=EmailKind.ORDER_CONFIRMATION,
        dedup_key=event.order_number,
        recipient=event.email,
        event_id=envelope.event_id,
        context=order_confirmation_context(event),
    )


def order_confirmation_resend_requested(
    event: OrderConfirmationResendRequestedSealed | OrderConfirmationResendRequested, envelope: Envelope
) -> None:
    """Support asked for the confirmation again: a new email per request (keyed by the request's event id)."""
    email_log_record(
        kind=EmailKind.ORDER_CONFIRMATION,
        dedup_key=f"{event.order_number}/resend/{envelope.event_id}",
        recipient=event.email,
        event_id=envelope.event_id,
        context=order_confirmation_context(event),
    )


def _order_link(event: OrderConfirmationEvent) -> dict:
    """The order page's link as the email log keeps it: a guest's link (it carries the order's access
    token, their only key) sealed as ``order_url_sealed``, opened only to render the send; a signed-in
    shopper's link holds no secret. A v1 event still in flight carries the token in clear: sealed here."""
    sealed_token = getattr(event, "access_token_sealed", None)
    token = unseal(sealed_token) if sealed_token else getattr(event, "access_token", None)
    if not token:
        return {"order_url": order_page_url(order_number=event.order_number, access_token=None)}
    return {"order_url_sealed": seal(order_page_url(order_number=event.order_number, access_token=token))}


def order_confirmation_context(event: OrderConfirmationEvent) -> dict:
    """What the confirmation templates show: lines, totals (money as strings) and the order's page."""
    return {
        "order_number": event.order_number,
        "currency": event.currency,
        "lines": [
            {
                "sku": line.sku,
                "name": line.name,
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
                "line_total": str(line.line_total),
            }
            for line in event.lines
        ],
        "subtotal": str(event.subtotal),
        "shipping": str(event.shipping),
        "total": str(event.total),
        **_order_link(event),
        # How it was paid ("pix", "boleto", "card" with its installments); None for events from before.
        "payment_method": event.payment_method,
        "installments": event.installments or 1,
    }


def order_fulfilled(event: OrderFulfilled, envelope: Envelope) -> None:
    """Tell the shopper the order shipped, with its tracking code (once per order number)."""
    email_log_record(
        kind=EmailKind.ORDER_SHIPPED,
        dedup_key=event.order_number,
        recipient=event.email,
        event_id=envelope.event_id,
        context={
            "order_number": event.order_number,
            "tracking_code": event.tracking_code,
            "carrier": event.carrier or "",
            "tracking_url": event.tracking_url or "",
        },
    )


def order_cancelled_notice(event: OrderCancelled, envelope: Envelope) -> None:
    """Tell the shopper the order was cancelled, and whether the payment was refunded."""
    email_log_record(
        kind=EmailKind.ORDER_CANCELLED,
        dedup_key=event.order_number,
        recipient=event.email,
        event_id=envelope.event_id,
        context={
            "order_number": event.order_number,
            "reason": event.reason,
            "refunded": event.refunded,
            "was_paid": event.was_paid,
        },
    )


def order_rejected(event: OrderRejected, envelope: Envelope) -> None:
    """Tell the shopper the order could not be reserved (out of stock); nothing was charged."""
    email_log_record(
        kind=EmailKind.ORDER_REJECTED,
        dedup_key=event.order_number,
        recipient=event.email,
        event_id=envelope.event_id,
        context={"order_number": event.order_number, "reason": event.reason},
    )


def lot_recalled(event: LotRecalled, envelope: Envelope) -> None:
    """Tell every customer who received a recalled lot (one email per lot and order: a second notice
    of the same recall, listing more orders, emails only the new ones)."""
    for recipient in event.recipients:
        email_log_record(
            kind=EmailKind.LOT_RECALL,
            dedup_key=f"{event.sku}/{event.lot}/{recipient.order_number}",
            recipient=recipient.email,
            event_id=envelope.event_id,
            context={
                "order_number": recipient.order_number,
                "product_name": event.product_name,
                "sku": event.sku,
                "lot": event.lot,
                "expires_on": event.expires_on.strftime("%d/%m/%Y"),
                "quantity": recipient.quantity,
                "reason": event.reason,
                "shop_url": welcome_url(),
            },
        )


ReturnStep = ReturnRequested | ReturnApproved | ReturnRejected | ReturnReceived | ReturnRefunded


def order_return_step(event: ReturnStep, envelope: Envelope) -> None:
    """Tell the shopper where their return is (one email per return and step: requested, approved,
    rejected, received, refunded), with its lines and the amount refunded."""
    step = event.TYPE.removeprefix("orders.return_")
    email_log_record(
        kind=EmailKind.ORDER_RETURN,
        dedup_key=f"{event.order_number}/return-{event.return_id}/{step}",
        recipient=event.email,
        event_id=envelope.event_id,
        context={
            "order_number": event.order_number,
            "return_id": event.return_id,
            "step": step,
            "currency": event.currency,
            "lines": [
                {"sku": line.sku, "name": line.name, "quantity": line.quantity, "amount": str(line.amount)}
                for line in event.lines
            ],
            "refund_amount": str(event.refund_amount),
            "reason": getattr(event, "reason", ""),
            "rejection_reason": getattr(event, "rejection_reason", ""),
            "shipping_refunded": getattr(event, "shipping_refunded", False),
            **_order_link(event),
        },
    )
