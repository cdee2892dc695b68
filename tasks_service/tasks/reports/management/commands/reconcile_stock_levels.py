"""``manage.py reconcile_stock_levels``: backfill/reconcile the low-stock read model from catalog now."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from tasks.reports.catalog_client import CatalogUnavailable, stock_level_pages
from tasks.reports.services.read_models import stock_levels_reconcile


class Command(BaseCommand):
    help = "Read every SKU's stock level from catalog and make tasks' StockLevel rows match (backfill or repair)."

    def handle(self, *args, **options):
        try:
            result = stock_levels_reconcile(pages=stock_level_pages())
        except (CatalogUnavailable, ImproperlyConfigured) as exc:
            raise CommandError(f"stock reconciliation failed: {exc}")
        self.stdout.write(
            f"{result.seen} SKUs from catalog: {result.created} new, {result.corrected} corrected, "
            f"{result.confirmed} confirmed, {result.newer_here} newer here; {result.removed} removed"
        )
