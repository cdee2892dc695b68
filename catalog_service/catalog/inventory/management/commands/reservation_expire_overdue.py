"""``manage.py reservation_expire_overdue [--loop SECONDS]``: release reservations past their expiry."""

from __future__ import annotations

from catalog.inventory.services import reservation_expire_overdue
from common.management.periodic import PeriodicCommand


class Command(PeriodicCommand):
    help = "Release the stock of reservations whose payment window has passed (once, or every --loop seconds)."

    def run_round(self, **options) -> int:
        return reservation_expire_overdue()

    def describe(self, handled: int) -> str:
        return f"reservation_expire_overdue: released {handled} order(s)"
