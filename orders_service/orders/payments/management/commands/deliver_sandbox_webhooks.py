"""The sandbox PSP's webhook sender: POST due webhooks, signed, until each is answered 2xx."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from orders.payments.sandbox.services import sandbox_webhooks_deliver_due


class Command(BaseCommand):
    help = "Deliver due sandbox payment webhooks (retrying with backoff); --loop to keep running."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep delivering until stopped")
        parser.add_argument("--interval", type=float, default=0.5, help="seconds between polls with --loop")

    def handle(self, *args, loop: bool = False, interval: float = 0.5, **options):
        while True:
            delivered = sandbox_webhooks_deliver_due()
            if delivered or not loop:
                self.stdout.write(f"delivered {delivered} webhook(s)")
            if not loop:
                return
            if not delivered:
                time.sleep(interval)
