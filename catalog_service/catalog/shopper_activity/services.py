"""Recording what shoppers do, called by the shopper API after it has its answer (never from the cache).

A search is counted (Prometheus) and announced as ``catalog.search_performed`` through the outbox: one
insert, the only write a search's request makes. The merchandisers' search log in MongoDB
(``catalog_search_logs``, their zero-result page) is written from that event by catalog's own consumer
(``search_logs_write``, from ``handlers.search_performed``; a backlog's batch in one write), so a search
made while MongoDB is down is logged when it is back instead of being lost, and a page never waits for
MongoDB's insert. Tasks aggregates the same stream for its search-analytics report. A signed-in product
view goes to the browsing history and is announced as ``catalog.product_viewed``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import UpdateOne
from pymongo.errors import BulkWriteError

from catalog.search.text import normalized_text
from catalog.shopper_activity.documents import ProductView, SearchLog
from catalog.shopper_activity.mongo import with_mongo
from common.events import publish
from common.events.contracts.catalog import ProductViewed, SearchPerformedFiltered
from common.mongo import ensure_connection
from common.observability.metrics import SEARCHES

MAX_QUERY_LENGTH = 200
MAX_SESSION_LENGTH = 200
DUPLICATE_KEY = 11000  # MongoDB's error code


def search_record(
    *,
    query: str,
    filters: dict[str, Any],
    result_count: int,
    user_id: int | None,
    session_key: str | None,
    at: datetime,
) -> None:
    """Count and announce one shopper search (its MongoDB log follows from the event)."""
    SEARCHES.labels(outcome="results" if result_count else "zero_results").inc()
    query = query[:MAX_QUERY_LENGTH]
    normalized_query = normalized_text(query)[:MAX_QUERY_LENGTH]
    event = SearchPerformedFiltered(
        query=query,
        normalized_query=normalized_query,
        filters=filters,
        result_count=result_count,
        user_id=user_id,
        session_id=session_key[:MAX_SESSION_LENGTH] if session_key else None,
        searched_at=at,
    )
    publish(event, key=normalized_query or "-")  # one outbox row, in its own transaction


def search_log_document(
    *,
    event_id: str,
    query: str,
    normalized_query: str,
    filters: dict[str, Any],
    result_count: int,
    user_id: int | None,
    session_key: str | None,
    at: datetime,
) -> dict[str, Any]:
    """The document ``SearchLog`` describes (every field, ``None`` included, as mongoengine writes it)."""
    return {
        "event_id": event_id,
        "query": query,
        "normalized_query": normalized_query,
        "filters": filters,
        "result_count": result_count,
        "user_id": user_id,
        "session_key": session_key,
        "created_at": at,
    }


def search_logs_write(documents: list[dict[str, Any]]) -> int:
    """Searches into ``catalog_search_logs``, each once per event: how many were new.

    One ``bulk_write`` of upserts on the unique ``event_id`` (pymongo itself: mongoengine's save, its
    validation and change tracking, cost as much CPU as the write): a redelivered event matches the document
    it wrote and changes nothing. Raises pymongo's errors (MongoDB down is ``AutoReconnect``): the consumer
    retries the events with backoff, so nothing is lost.
    """
    ensure_connection()
    upserts = [UpdateOne({"event_id": doc["event_id"]}, {"$setOnInsert": doc}, upsert=True) for doc in documents]
    try:
        return SearchLog._get_collection().bulk_write(upserts, ordered=False).upserted_count
    except BulkWriteError as error:  # a concurrent write of the same event won the unique index: written
        details = error.details
        if details.get("writeConcernErrors") or any(e.get("code") != DUPLICATE_KEY for e in details["writeErrors"]):
            raise
        return details.get("nUpserted", 0)


def product_view_record(*, user_id: int, product_slug: str, product_name: str, at: datetime) -> bool:
    """A signed-in view: the browsing history in MongoDB and the activity event; True when history was written."""
    event = ProductViewed(product_slug=product_slug, user_id=user_id, session_id=None, viewed_at=at)
    publish(event, key=product_slug)

    def write() -> bool:
        ProductView(user_id=user_id, product_slug=product_slug, product_name=product_name, viewed_at=at).save()
        return True

    return with_mongo("product view", write, False)
