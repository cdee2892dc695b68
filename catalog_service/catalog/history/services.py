"""Search logs and browsing history in MongoDB. MongoDB is optional: without ``MONGODB_URI`` nothing is
recorded, and a failure is logged, never raised; after one, MongoDB is skipped for
``CATALOG_MONGODB_RETRY_SECONDS`` so an outage costs at most one short timeout per period."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from mongoengine.errors import MongoEngineException
from pymongo.errors import PyMongoError

from catalog.history.documents import ProductView, SearchLog
from catalog.search.text import normalized_text
from common.mongo import ensure_connection, mongo_configured
from common.observability.metrics import SEARCHES

logger = logging.getLogger(__name__)

T = TypeVar("T")
RECENTLY_VIEWED_LIMIT = 20

_state_lock = threading.Lock()
_skip_until = 0.0


def mongo_reset_breaker() -> None:
    global _skip_until
    with _state_lock:
        _skip_until = 0.0


def _with_mongo(what: str, action: Callable[[], T], default: T) -> T:
    global _skip_until
    if not mongo_configured() or time.monotonic() < _skip_until:
        return default
    try:
        ensure_connection()
        return action()
    except (PyMongoError, MongoEngineException) as exc:
        with _state_lock:
            _skip_until = time.monotonic() + settings.CATALOG_MONGODB_RETRY_SECONDS
        logger.warning("MongoDB unavailable: %s skipped", what, extra={"error": str(exc)})
        return default


def search_log_record(
    *,
    query: str,
    filters: dict[str, Any],
    result_count: int,
    user_id: int | None,
    session_key: str | None,
    at: datetime,
) -> bool:
    """Count the search (Prometheus) and log it to ``catalog_search_logs``; True when written."""
    SEARCHES.labels(outcome="results" if result_count else "zero_results").inc()

    def write() -> bool:
        SearchLog(
            query=query[:200],
            normalized_query=normalized_text(query)[:200],
            filters=filters,
            result_count=result_count,
            user_id=user_id,
            session_key=session_key,
            created_at=at,
        ).save()
        return True

    return _with_mongo("search log", write, False)


def product_view_record(*, user_id: int, product_slug: str, product_name: str, at: datetime) -> bool:
    def write() -> bool:
        ProductView(user_id=user_id, product_slug=product_slug, product_name=product_name, viewed_at=at).save()
        return True

    return _with_mongo("product view", write, False)


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

    return _with_mongo("recently viewed", read, [])


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

    return _with_mongo("zero-result searches", read, [])
