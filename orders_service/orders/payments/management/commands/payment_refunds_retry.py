"""Send again the refunds the provider has not confirmed (a crash, a failed commit, a refusal)."""

from __future__ import annotations

from common.management.periodic import PeriodicCommand
from orders.payments.services import payment_refunds_retry


class Command(PeriodicCommand):
    help = "Resend pending refunds to their provider under their idempotency key; --loop SECONDS to repeat."
    default_interval = 60

    def run_round(self, **options) -> int:
        return payment_refunds_retry()

    def describe(self, handled: int) -> str:
        return f"confirmed {handled} pending refund(s)"
