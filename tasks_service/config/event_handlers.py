"""The tasks service's event handlers: event type -> plain function. One visible table.

Where one event feeds two apps (a paid order is both a sale and a confirmation email),
``handlers_in_order`` runs the handlers in order inside the consumer's one transaction: they commit or
roll back together.
"""

from __future__ import annotations

from common.auth.handlers import user_access_changed
from common.events.envelope import Envelope
from tasks.analytics import handlers as analytics
from tasks.emails import handlers as emails
from tasks.reports import handlers as reports


def handlers_in_order(*handlers):
    """One handler running several, in the given order, with the same event and envelope."""

    def run_all(event, envelope: Envelope) -> None:
        for handler in handlers:
            handler(event, envelope)

    run_all.__name__ = "+".join(handler.__name__ for handler in handlers)
    run_all.__doc__ = "Runs " + ", ".join(f"{h.__module__}.{h.__name__}" for h in handlers)
    return run_all


HANDLERS: dict = {
    "accounts.user_access_changed": user_access_changed,
    "accounts.user_registered": emails.user_registered,
    "accounts.password_reset_requested": emails.password_reset_requested,
    "orders.order_paid": handlers_in_order(reports.order_paid_sale, emails.order_paid_confirmation),
    "orders.order_cancelled": handlers_in_order(reports.order_cancelled_sale, emails.order_cancelled_notice),
    "orders.order_confirmation_resend_requested": emails.order_confirmation_resend_requested,
    "orders.order_fulfilled": emails.order_fulfilled,
    "orders.order_rejected": emails.order_rejected,
    "orders.order_placed": analytics.order_placed,
    "orders.cart_line_added": analytics.cart_line_added,
    "catalog.stock_changed": reports.stock_changed,
    "catalog.product_viewed": analytics.product_viewed,
    "catalog.search_performed": analytics.search_performed,
    "catalog.lot_recalled": emails.lot_recalled,
    "orders.return_requested": emails.order_return_step,
    "orders.return_approved": emails.order_return_step,
    "orders.return_rejected": emails.order_return_step,
    "orders.return_received": emails.order_return_step,
    "orders.return_refunded": emails.order_return_step,
}
