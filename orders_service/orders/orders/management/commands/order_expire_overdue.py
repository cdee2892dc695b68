"""Expire ``awaiting_payment`` orders whose payment window ran out, and deal with orders stuck ``pending``."""

from __future__ import annotations

from common.management.periodic import PeriodicCommand
from orders.orders.overdue import order_expire_overdue, order_pending_overdue


class Command(PeriodicCommand):
    help = (
        "Expire overdue awaiting_payment orders (orders.order_expired), ask catalog again for orders stuck "
        "pending and reject those pending past ORDERS_PENDING_TIMEOUT_MINUTES; --loop SECONDS to repeat."
    )

    def run_round(self, **options) -> int:
        self.retried, self.rejected = order_pending_overdue()
        self.expired = order_expire_overdue()
        return self.expired + self.retried + self.rejected

    def describe(self, handled: int) -> str:
        return (
            f"expired {self.expired} overdue order(s); pending: asked again for {self.retried}, "
            f"rejected {self.rejected}"
        )
