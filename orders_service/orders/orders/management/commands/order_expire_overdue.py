"""Expire ``awaiting_payment`` orders whose payment window ran out (catalog then releases the stock)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from orders.orders.services import order_expire_overdue


class Command(BaseCommand):
    help = "Expire overdue awaiting_payment orders and publish orders.order_expired; --loop SECONDS to repeat."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, metavar="SECONDS", help="run again every SECONDS until stopped")

    def handle(self, *args, loop: float | None = None, **options):
        while True:
            expired = order_expire_overdue()
            if expired or not loop:
                self.stdout.write(f"expired {expired} overdue order(s)")
            if not loop:
                return
            time.sleep(loop)
