"""Delete completed Idempotency-Keys older than a day (or ``--older-than-hours``), so the table stays small."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand

from orders.checkout.services import idempotency_keys_purge


class Command(BaseCommand):
    help = "Forget completed checkout Idempotency-Keys older than --older-than-hours (default 24)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=float, default=24.0)

    def handle(self, *args, older_than_hours: float, **options):
        deleted = idempotency_keys_purge(older_than=timedelta(hours=older_than_hours))
        self.stdout.write(f"deleted {deleted} idempotency key(s)")
