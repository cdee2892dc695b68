"""Expire ``awaiting_payment`` orders whose payment window ran out (catalog then releases the stock)."""

from __future__ import annotations

from common.management.periodic import PeriodicCommand
from orders.orders.services import order_expire_overdue


class Command(PeriodicCommand):
    help = "Expire overdue awaiting_payment orders and publish orders.order_expired; --loop SECONDS to repeat."

    def run_round(self, **options) -> int:
        return order_expire_overdue()

    def describe(self, handled: int) -> str:
        return f"expired {handled} overdue order(s)"
