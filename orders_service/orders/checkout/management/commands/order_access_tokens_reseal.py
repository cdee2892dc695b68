"""Seal the stored guest order tokens again with the first sealing key (after a key rotation)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from orders.checkout.services import idempotency_answers_reseal
from orders.orders.access_tokens import order_access_tokens_reseal


class Command(BaseCommand):
    help = (
        "Reseal every guest order access token kept on orders and in completed checkout answers with the first "
        "key of EVENT_SEALING_KEYS, so the old key can be dropped."
    )

    def handle(self, *args, **options) -> None:
        orders, answers = order_access_tokens_reseal(), idempotency_answers_reseal()
        self.stdout.write(f"resealed the guest access token of {orders} order(s) and {answers} stored answer(s)")
