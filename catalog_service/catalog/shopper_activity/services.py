"""Recording what shoppers do, called by the shopper API after it has its answer (never from the cache).

A search is counted (Prometheus), logged to MongoDB's ``catalog_search_logs`` (the merchandisers'
zero-result page) and announced as ``catalog.search_performed`` through the outbox (tasks aggregates the
stream for its search-analytics report). A signed-in product view goes to the browsing history and is
announced as ``catalog.product_viewed``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from catalog.search.text import normalized_text
from catalog.shopper_activity.documents import ProductView, SearchLog
from catalog.shopper_activity.mongo import with_mongo
from common.events import publish
from common.events.contracts.catalog import ProductViewed, SearchPerformed
from common.observability.metrics import SEARCHES

MAX_QUERY_LENGTH = 200
MAX_SESSION_LENGTH = 200


def search_record(
    *,
    query: str,
    filters: dict[str, Any],
    result_count: int,
    user_id: int | None,
    session_key: str | None,
    at: datetime,
) -> bool:
    """Count, log and announce one shopper search; True when the MongoDB log was written."""
    SEARCHES.labels(outcome="results" if result_count else "zero_results").inc()
    query = query[:MAX_QUERY_LENGTH]
    normalized_query = normalized_text(query)[:MAX_QUERY_LENGTH]
    session_key = session_key[:MAX_SESSION_LENGTH] if session_key else None
    event = SearchPerformed(
        query=query,
        normalized_query=normalized_query,
        result_count=result_count,
        user_id=user_id,
        session_id=session_key,
        searched_at=at,
    )
    publish(event, key=normalized_query or "-")  # one outbox row, in its own transaction

    document = {
        "query": query,
        "normalized_query": normalized_query,
        "filters": filters,
        "result_count": result_count,
        "user_id": user_id,
        "session_key": session_key,
        "created_at": at,
    }

    def write() -> bool:
        # The document ``SearchLog`` describes (every field, ``None`` included, as mongoengine writes it),
        # inserted by pymongo itself: mongoengine's save (its validation and change tracking) cost as much
        # CPU as the insert, on every search.
        SearchLog._get_collection().insert_one(document)
        return True

    return with_mongo("search log", write, False)


def product_view_record(*, user_id: int, product_slug: str, product_name: str, at: datetime) -> bool:
    """A signed-in view: the browsing history in MongoDB and the activity event; True when history was written."""
    event = ProductViewed(product_slug=product_slug, user_id=user_id, session_id=None, viewed_at=at)
    publish(event, key=product_slug)

    def write() -> bool:
        ProductView(user_id=user_id, product_slug=product_slug, product_name=product_name, viewed_at=at).save()
        return True

    return with_mongo("product view", write, False)
