"""Reads of the daily aggregates in MongoDB (tasks' own store, fed by the shopper-activity stream)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ImproperlyConfigured

from common.mongo import ensure_connection, mongo_configured
from tasks.analytics.documents import FunnelDaily, FunnelStage, ProductViewsDaily, SearchQueryDaily


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
    """Every normalized query searched in the local days ``start`` to ``end``, the most searched first
    (ties by query), from the daily search aggregates."""
    if not mongo_configured():
        raise ImproperlyConfigured("MONGODB_URI is not set: the search aggregates cannot be read")
    ensure_connection()
    days = [(start + timedelta(days=offset)).isoformat() for offset in range((end - start).days + 1)]
    pipeline = [
        {"$match": {"day": {"$in": days}}},
        {
            "$group": {
                "_id": "$normalized_query",
                "searches": {"$sum": "$searches"},
                "zero_result_searches": {"$sum": "$zero_result_searches"},
                "result_total": {"$sum": "$result_total"},
            }
        },
        {"$sort": {"searches": -1, "_id": 1}},
    ]
    return [
        QueryStats(
            query=row["_id"] or "",
            searches=row["searches"],
            zero_result_searches=row["zero_result_searches"],
            average_results=row["result_total"] / row["searches"] if row["searches"] else 0.0,
        )
        for row in SearchQueryDaily.objects.aggregate(pipeline)
    ]
