"""Writes of the analytics aggregates: idempotent, per-event increments of daily counters in MongoDB."""

from __future__ import annotations

import logging
from datetime import datetime

import mongoengine
from django.utils import timezone

from common.mongo import ensure_connection, mongo_configured
from tasks.analytics.documents import FunnelDaily, FunnelStage, ProductViewsDaily, SearchQueryDaily

logger = logging.getLogger(__name__)


def analytics_day(moment: datetime) -> str:
    """The local (São Paulo) day of an activity, as the aggregates' key."""
    return timezone.localtime(moment).date().isoformat()


def _count_once(document_class, *, event_id: str, counter: str | dict[str, int], **key) -> bool:
    """Increment ``counter`` (a name, or names with amounts) of the document at ``key`` unless ``event_id``
    was counted; True when counted.

    The upsert matches only a document that has not seen the event; when it has, the upsert's insert
    collides with the unique key, which means "already counted".
    """
    if not mongo_configured():
        logger.warning("MONGODB_URI is not set: shopper activity is not aggregated", extra={"event_id": event_id})
        return False
    ensure_connection()
    increments = {counter: 1} if isinstance(counter, str) else counter
    try:
        document_class.objects(event_ids__nin=[event_id], **key).update_one(
            upsert=True,
            **{f"inc__{name}": amount for name, amount in increments.items()},
            add_to_set__event_ids=event_id,
        )
    except mongoengine.NotUniqueError:
        return False
    return True


def product_view_record(*, event_id: str, product_slug: str, viewed_at: datetime) -> bool:
    """A product page view: the product's daily views and the funnel's view stage."""
    day = analytics_day(viewed_at)
    counted = _count_once(ProductViewsDaily, event_id=event_id, counter="views", day=day, product_slug=product_slug)
    _count_once(FunnelDaily, event_id=event_id, counter="count", day=day, stage=FunnelStage.VIEW)
    return counted


def funnel_step_record(*, event_id: str, stage: str, occurred_at: datetime) -> bool:
    """A cart addition or a placed order, for the funnel's cart or order stage."""
    return _count_once(FunnelDaily, event_id=event_id, counter="count", day=analytics_day(occurred_at), stage=stage)


def search_record(*, event_id: str, normalized_query: str, result_count: int, searched_at: datetime) -> bool:
    """A shopper search: the query's daily searches, zero-result searches and result total."""
    increments = {"searches": 1, "zero_result_searches": int(result_count == 0), "result_total": result_count}
    return _count_once(
        SearchQueryDaily,
        event_id=event_id,
        counter=increments,
        day=analytics_day(searched_at),
        normalized_query=normalized_query,
    )
