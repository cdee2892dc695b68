"""``manage.py stock_lots_refresh [--loop SECONDS]``: lots that came inside the minimum shelf life stop
counting as available (run daily, or every hour with --loop 3600)."""

from __future__ import annotations

from catalog.inventory.lots import stock_lots_refresh
from catalog.inventory.services import stock_changed_publish
from common.management.periodic import PeriodicCommand


class Command(PeriodicCommand):
    help = "Recompute the units of lots too close to their expiry to be sold (once, or every --loop seconds)."

    def run_round(self, **options) -> int:
        changed = stock_lots_refresh()
        for start in range(0, len(changed), 500):
            stock_changed_publish(variant_ids=changed[start : start + 500])
        return len(changed)

    def describe(self, handled: int) -> str:
        return f"stock_lots_refresh: {handled} SKU(s) changed availability"
