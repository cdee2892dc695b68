"""The sandbox PSP's webhook sender: POST due webhooks, signed, until each is answered 2xx."""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections

from orders.payments.sandbox.services import sandbox_webhooks_deliver_due

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Deliver due sandbox payment webhooks (retrying with backoff); --loop to keep running."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop",
            type=float,
            nargs="?",
            const=0.5,
            metavar="SECONDS",
            help="keep delivering until stopped, polling every SECONDS (default 0.5) when idle",
        )
        parser.add_argument("--concurrency", type=int, default=8, help="webhooks in flight at once (default 8)")

    def handle(self, *args, loop: float | None = None, concurrency: int = 8, **options):
        while True:
            try:
                delivered = sandbox_webhooks_deliver_due(concurrency=concurrency)
            except DatabaseError:  # the database restarted: reconnect on the next round
                if loop is None:
                    raise
                logger.exception("round failed; retrying")
                connections.close_all()
                delivered = 0
            if delivered or loop is None:
                self.stdout.write(f"delivered {delivered} webhook(s)")
            if loop is None:
                return
            if not delivered:
                time.sleep(loop)
