"""``manage.py search_reindex``: rebuild every product's search data (after a change of the indexing rules)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from catalog.products.indexing import planner_statistics_refresh, product_index_refresh
from catalog.products.models import Product


class Command(BaseCommand):
    help = "Rebuild the search document, fallback text, price_from, in_stock and lexicon of every product."

    def handle(self, *args, **options):
        started = time.monotonic()
        ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
        product_index_refresh(product_ids=ids)
        planner_statistics_refresh()
        self.stdout.write(f"search_reindex: {len(ids)} products in {time.monotonic() - started:.1f}s")
