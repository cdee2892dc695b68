"""The sandbox PSP's webhook sender: POST due webhooks, signed, until each is answered 2xx."""

from __future__ import annotations

from common.management.periodic import PeriodicCommand
from orders.payments.sandbox.services import sandbox_webhooks_deliver_due


class Command(PeriodicCommand):
    help = "Deliver due sandbox payment webhooks (retrying with backoff); --loop to keep running."
    default_interval = 0.5

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--concurrency", type=int, default=8, help="webhooks in flight at once (default 8)")

    def run_round(self, *, concurrency: int = 8, **options) -> int:
        return sandbox_webhooks_deliver_due(concurrency=concurrency)

    def describe(self, handled: int) -> str:
        return f"delivered {handled} webhook(s)"
