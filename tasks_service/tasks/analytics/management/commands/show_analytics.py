"""``manage.py show_analytics --date YYYY-MM-DD``: print a day's funnel and product views (JSON)."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from common.mongo import mongo_configured
from tasks.analytics.selectors import funnel_for_day, product_views_for_day
from tasks.reports.periods import local_today


class Command(BaseCommand):
    help = "Print the view -> cart -> order funnel and the views per product of a local day (default today)."

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="day", help="YYYY-MM-DD, São Paulo time (default: today)")

    def handle(self, *args, day: str | None, **options):
        if not mongo_configured():
            raise CommandError("MONGODB_URI is not set: the aggregates live in MongoDB")
        try:
            parsed = date.fromisoformat(day) if day else local_today()
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {day!r}")
        views = product_views_for_day(day=parsed)
        summary = {
            "day": parsed.isoformat(),
            "funnel": funnel_for_day(day=parsed),
            "product_views": dict(sorted(views.items(), key=lambda item: (-item[1], item[0]))),
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
