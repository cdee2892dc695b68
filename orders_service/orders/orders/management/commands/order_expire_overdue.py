"""Orders' housekeeping loop: expire orders whose payment window ran out, deal with orders stuck ``pending``,
open payment sessions the provider has not opened yet (``creating``), resend refunds the provider has not
confirmed."""

from __future__ import annotations

from common.management.periodic import PeriodicCommand
from orders.orders.overdue import order_expire_overdue, order_pending_overdue
from orders.payments.services import payment_refunds_retry, payment_sessions_open_pending


class Command(PeriodicCommand):
    help = (
        "Expire overdue awaiting_payment orders (orders.order_expired), ask catalog again for orders stuck "
        "pending and reject those pending past ORDERS_PENDING_TIMEOUT_MINUTES, ask the provider again for "
        "sessions still creating (a Pix charge or a boleto under the same idempotency key), resend "
        "unconfirmed refunds; "
        "--loop SECONDS to repeat."
    )

    def run_round(self, **options) -> int:
        self.retried, self.rejected = order_pending_overdue()
        self.expired = order_expire_overdue()
        # Sessions committed ``creating`` whose after-commit provider call failed or never ran (a crash).
        self.opened = payment_sessions_open_pending()
        # The one housekeeping loop deployed for orders also resends refunds the provider has not confirmed.
        self.refunded = payment_refunds_retry()
        return self.expired + self.retried + self.rejected + self.opened + self.refunded

    def describe(self, handled: int) -> str:
        return (
            f"expired {self.expired} overdue order(s); pending: asked again for {self.retried}, "
            f"rejected {self.rejected}; opened {self.opened} payment session(s) at the provider; "
            f"confirmed {self.refunded} pending refund(s)"
        )
