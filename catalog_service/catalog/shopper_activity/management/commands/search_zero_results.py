"""``manage.py search_zero_results [--limit N]``: the searches that found nothing, most frequent first."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from catalog.shopper_activity.selectors import zero_result_searches


class Command(BaseCommand):
    help = "List the shopper searches that found no product (from MongoDB's catalog_search_logs)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=50)

    def handle(self, *args, limit: int, **options):
        rows = zero_result_searches(limit=limit)
        if not rows:
            self.stdout.write("No zero-result searches (or MongoDB is not configured).")
        for row in rows:
            self.stdout.write(f"{row['count']:6d}  {row['query']}  (last {row['last_searched_at']})")
