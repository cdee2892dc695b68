"""Handlers of the shopper activity stream (listed in ``config/event_handlers.py``)."""

from __future__ import annotations

from common.events.contracts.catalog import ProductViewed, SearchPerformed, SearchPerformedFiltered
from common.events.contracts.orders import CartLineAdded, OrderPlaced
from common.events.envelope import Envelope
from tasks.analytics.documents import FunnelStage
from tasks.analytics.services import funnel_step_record, product_view_record, search_record


def product_viewed(event: ProductViewed, envelope: Envelope) -> None:
    product_view_record(event_id=str(envelope.event_id), product_slug=event.product_slug, viewed_at=event.viewed_at)


def cart_line_added(event: CartLineAdded, envelope: Envelope) -> None:
    funnel_step_record(event_id=str(envelope.event_id), stage=FunnelStage.CART, occurred_at=event.added_at)


def order_placed(event: OrderPlaced, envelope: Envelope) -> None:
    funnel_step_record(event_id=str(envelope.event_id), stage=FunnelStage.ORDER, occurred_at=event.placed_at)


def search_performed(event: SearchPerformed | SearchPerformedFiltered, envelope: Envelope) -> None:
    """Either version: the aggregates read the fields both carry (the filters stay in catalog's search log)."""
    search_record(
        event_id=str(envelope.event_id),
        normalized_query=event.normalized_query,
        result_count=event.result_count,
        searched_at=event.searched_at,
    )
