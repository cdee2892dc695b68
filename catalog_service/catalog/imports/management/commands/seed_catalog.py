"""``manage.py seed_catalog [--size N] [--seed S] [--no-events]``: the deterministic demo catalog."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from catalog.imports.seed import seed_catalog


class Command(BaseCommand):
    help = "Create a realistic, deterministic cosmetics catalog (existing products are kept, never duplicated)."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=1200, help="About how many variants (default 1200).")
        parser.add_argument("--seed", type=int, default=42, help="Random seed: the same seed, the same catalog.")
        parser.add_argument("--no-events", action="store_true", help="Do not announce products (benchmark databases).")

    def handle(self, *args, size: int, seed: int, no_events: bool, **options):
        started = time.monotonic()
        result = seed_catalog(size=size, seed=seed, publish_events=not no_events)
        self.stdout.write(
            f"seed_catalog: {result.products} products and {result.variants} variants created, "
            f"{result.skipped} already there ({time.monotonic() - started:.1f}s)"
        )
