"""Handlers of catalog's own shopper activity stream (listed in ``config/event_handlers.py``).

Catalog consumes one event it publishes: its search log in MongoDB is a projection of the
``catalog.search_performed`` stream, written after the request (see ``services``), never a second source.
"""

from __future__ import annotations

import logging

from catalog.shopper_activity.services import search_log_document, search_logs_write
from common.events import Envelope
from common.events.consumer import batch_before_commit
from common.events.contracts.catalog import SearchPerformed, SearchPerformedFiltered
from common.mongo import mongo_configured

logger = logging.getLogger(__name__)


def search_performed(event: SearchPerformed | SearchPerformedFiltered, envelope: Envelope) -> None:
    """Log the search in ``catalog_search_logs`` once (a MongoDB outage raises: the event is retried).

    The searches of one handling transaction (a backlog's batch) are written together, before its commit.

    A v1 event was published by a request that wrote its own log (before v2): logging it again would
    count that search twice on the zero-result page, so it is left alone.
    """
    if not isinstance(event, SearchPerformedFiltered):
        return
    if not mongo_configured():
        logger.debug("MONGODB_URI is not set: the search log is not kept", extra={"event_id": str(envelope.event_id)})
        return
    pending = batch_before_commit("catalog.search_logs", search_logs_write)
    pending.append(
        search_log_document(
            event_id=str(envelope.event_id),
            query=event.query,
            normalized_query=event.normalized_query,
            filters=dict(event.filters),
            result_count=event.result_count,
            user_id=event.user_id,
            session_key=event.session_id,
            at=event.searched_at,
        )
    )
