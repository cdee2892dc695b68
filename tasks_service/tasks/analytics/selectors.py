"""Reads of MongoDB: the daily aggregates, and catalog's search log for the search-analytics report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import mongoengine
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from common.mongo import ensure_connection, mongo_configured
from tasks.analytics.documents import FunnelDaily, FunnelStage, ProductViewsDaily
from tasks.reports.periods import local_bounds


@dataclass(frozen=True)
class QueryStats:
    query: str
    searches: int
    zero_result_searches: int
    average_results: float


def funnel_for_day(*, day: date) -> dict[str, int]:
    """``{"view": n, "cart": n, "order": n}`` for a local day."""
    ensure_connection()
    counts = dict.fromkeys(FunnelStage.ALL, 0)
    for document in FunnelDaily.objects(day=day.isoformat()).only("stage", "count"):
        counts[document.stage] = document.count
    return counts


def product_views_for_day(*, day: date) -> dict[str, int]:
    """Views per product slug on a local day."""
    ensure_connection()
    return {
        document.product_slug: document.views
        for document in ProductViewsDaily.objects(day=day.isoformat()).only("product_slug", "views")
    }


def search_query_stats(*, start: date, end: date) -> list[QueryStats]:
    """Every normalized query searched in the period, the most searched first (ties by query)."""
    if not mongo_configured():
        raise ImproperlyConfigured("MONGODB_URI is not set: catalog's search log cannot be read")
    ensure_connection()
    since, until = local_bounds(start=start, end=end)
    collection = mongoengine.get_db()[settings.SEARCH_LOG_COLLECTION]
    pipeline = [
        {"$match": {"created_at": {"$gte": since, "$lt": until}}},
        {
            "$group": {
                "_id": "$normalized_query",
                "searches": {"$sum": 1},
                "zero_result_searches": {"$sum": {"$cond": [{"$eq": ["$result_count", 0]}, 1, 0]}},
                "average_results": {"$avg": "$result_count"},
            }
        },
        {"$sort": {"searches": -1, "_id": 1}},
    ]
    return [
        QueryStats(
            query=row["_id"] or "",
            searches=row["searches"],
            zero_result_searches=row["zero_result_searches"],
            average_results=float(row["average_results"] or 0),
        )
        for row in collection.aggregate(pipeline)
    ]
