"""Expire ``awaiting_payment`` orders whose payment window ran out (catalog then releases the stock)."""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections

from orders.orders.services import order_expire_overdue

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Expire overdue awaiting_payment orders and publish orders.order_expired; --loop SECONDS to repeat."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, metavar="SECONDS", help="run again every SECONDS until stopped")

    def handle(self, *args, loop: float | None = None, **options):
        while True:
            try:
                expired = order_expire_overdue()
            except DatabaseError:  # the database restarted: reconnect on the next round
                if loop is None:
                    raise
                logger.exception("round failed; retrying")
                connections.close_all()
                expired = 0
            if expired or not loop:
                self.stdout.write(f"expired {expired} overdue order(s)")
            if not loop:
                return
            time.sleep(loop)
