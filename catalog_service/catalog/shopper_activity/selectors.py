"""Reads of shopper activity in MongoDB: a shopper's browsing history and the zero-result searches."""

from __future__ import annotations

from typing import Any

from catalog.shopper_activity.documents import ProductView, SearchLog
from catalog.shopper_activity.mongo import with_mongo

RECENTLY_VIEWED_LIMIT = 20


def recently_viewed(*, user_id: int, limit: int = RECENTLY_VIEWED_LIMIT) -> list[dict[str, Any]]:
    """The user's last viewed products, newest first, each product once."""

    def read() -> list[dict[str, Any]]:
        seen: dict[str, dict[str, Any]] = {}
        views = (
            ProductView.objects(user_id=user_id)
            .order_by("-viewed_at")
            .only("product_slug", "product_name", "viewed_at")
        )
        for view in views.limit(limit * 5):
            if view.product_slug not in seen:
                seen[view.product_slug] = {
                    "slug": view.product_slug,
                    "name": view.product_name,
                    "viewed_at": view.viewed_at,
                }
            if len(seen) == limit:
                break
        return list(seen.values())

    return with_mongo("recently viewed", read, [])


def zero_result_searches(*, limit: int = 100) -> list[dict[str, Any]]:
    """The searches that found nothing, most frequent first: ``[{query, count, last_searched_at}]``."""

    def read() -> list[dict[str, Any]]:
        pipeline = [
            {"$match": {"result_count": 0}},
            {"$group": {"_id": "$normalized_query", "count": {"$sum": 1}, "last": {"$max": "$created_at"}}},
            {"$sort": {"count": -1, "_id": 1}},
            {"$limit": limit},
        ]
        return [
            {"query": row["_id"], "count": row["count"], "last_searched_at": row["last"]}
            for row in SearchLog.objects.aggregate(pipeline)
        ]

    return with_mongo("zero-result searches", read, [])
