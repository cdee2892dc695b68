"""Shopper-activity analytics in MongoDB (the real MongoDB-protocol server) and the search-analytics
report built from catalog's ``catalog.search_performed`` stream (tasks never reads catalog's collections)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from common.events.contracts.catalog import ProductViewed, SearchPerformed, SearchPerformedFiltered
from common.events.contracts.common_types import PricedLine
from common.events.contracts.orders import CartLineAdded, OrderPlaced
from common.events.testing import deliver, envelope_of
from config.event_handlers import HANDLERS
from tasks.analytics import handlers as analytics_handlers
from tasks.analytics.selectors import funnel_for_day, product_views_for_day
from tasks.reports.services.production import report_produce

pytestmark = pytest.mark.django_db


def viewed(slug: str, at: datetime) -> ProductViewed:
    return ProductViewed(product_slug=slug, user_id=7, session_id="s1", viewed_at=at)


def cart_added(at: datetime) -> CartLineAdded:
    return CartLineAdded(sku="BATOM-RED", quantity=1, user_id=7, cart_token="c1", added_at=at)


def placed(number: str, at: datetime) -> OrderPlaced:
    line = PricedLine(
        sku="BATOM-RED", quantity=1, name="Batom", unit_price=Decimal("49.90"), line_total=Decimal("49.90")
    )
    return OrderPlaced(
        order_number=number,
        email="ana@example.com",
        user_id=7,
        lines=[line],
        subtotal=Decimal("49.90"),
        shipping=Decimal("15.00"),
        total=Decimal("64.90"),
        currency="BRL",
        placed_at=at,
        reserve_until=at,
    )


def test_views_and_funnel_are_counted_per_local_day(mongo_database):
    day = datetime(2026, 1, 15, 15, tzinfo=UTC)
    for event in [
        viewed("batom-matte", day),
        viewed("batom-matte", day),
        viewed("creme-hidratante", day),
        viewed("batom-matte", datetime(2026, 1, 16, 2, tzinfo=UTC)),  # 15th, 23:00 in São Paulo
        viewed("batom-matte", datetime(2026, 1, 16, 4, tzinfo=UTC)),  # 16th, 01:00 in São Paulo
        cart_added(day),
        cart_added(day),
        placed("CO-1", day),
    ]:
        assert deliver(event, handlers=HANDLERS) is True

    assert product_views_for_day(day=date(2026, 1, 15)) == {"batom-matte": 3, "creme-hidratante": 1}
    assert product_views_for_day(day=date(2026, 1, 16)) == {"batom-matte": 1}
    assert funnel_for_day(day=date(2026, 1, 15)) == {"view": 4, "cart": 2, "order": 1}
    assert funnel_for_day(day=date(2026, 1, 16)) == {"view": 1, "cart": 0, "order": 0}


def test_an_activity_event_applied_twice_is_counted_once(mongo_database):
    """Even past the SQL inbox (e.g. its transaction rolled back after MongoDB was written)."""
    at = datetime(2026, 1, 15, 15, tzinfo=UTC)
    view = envelope_of(viewed("batom-matte", at), event_id=uuid.uuid4())
    cart = envelope_of(cart_added(at), event_id=uuid.uuid4())

    for _ in range(2):
        analytics_handlers.product_viewed(viewed("batom-matte", at), view)
        analytics_handlers.cart_line_added(cart_added(at), cart)

    assert product_views_for_day(day=date(2026, 1, 15)) == {"batom-matte": 1}
    assert funnel_for_day(day=date(2026, 1, 15)) == {"view": 1, "cart": 1, "order": 0}
    assert mongo_database["analytics_product_views_daily"].count_documents({}) == 1


def test_search_analytics_report_lists_top_and_zero_result_queries_of_the_local_day(mongo_database):
    def search(
        normalized: str, results: int, at: datetime, *, in_flight_v1: bool = False
    ) -> SearchPerformed | SearchPerformedFiltered:
        fields = dict(
            query=normalized.title(),
            normalized_query=normalized,
            result_count=results,
            user_id=None,
            session_id="s1",
            searched_at=at,
        )
        if in_flight_v1:  # published before v2: counted the same
            return SearchPerformed(**fields)
        return SearchPerformedFiltered(**fields, filters={"sort": "price", "in_stock": True})

    noon = datetime(2026, 1, 15, 15, tzinfo=UTC)
    searches = [
        search("batom", 12, noon),
        search("batom", 10, noon, in_flight_v1=True),
        search("batom", 0, noon),
        search("serum vitamina c", 3, noon),
        search("serum vitamina c", 4, datetime(2026, 1, 16, 2, 59, tzinfo=UTC)),  # 15th, 23:59 local
        search("perfume xyz", 0, noon, in_flight_v1=True),
        search("protetor solar", 0, noon),
        search("protetor solar", 0, noon),
        search("batom", 9, datetime(2026, 1, 15, 2, 59, tzinfo=UTC)),  # 14th local: not counted
        search("rimel", 0, datetime(2026, 1, 16, 3, 0, tzinfo=UTC)),  # 16th local: not counted
    ]
    envelopes = [envelope_of(event) for event in searches]
    for envelope in [*envelopes, envelopes[0]]:  # the first one redelivered: counted once
        deliver(envelope, handlers=HANDLERS)
    assert "catalog_search_logs" not in mongo_database.list_collection_names()

    report = report_produce(kind="search_analytics", period_start=date(2026, 1, 15), period_end=date(2026, 1, 15))

    with report.file.open("rb") as csv_file:
        content = csv_file.read().decode()
    assert content == (
        "rank,query,searches,zero_result_searches,average_results\n"
        "1,batom,3,1,7.33\n"
        "2,protetor solar,2,2,0.00\n"
        "3,serum vitamina c,2,0,3.50\n"
        "4,perfume xyz,1,1,0.00\n"
        "\n"
        "rank,zero_result_query,searches\n"
        "1,protetor solar,2\n"
        "2,batom,1\n"
        "3,perfume xyz,1\n"
    )
    assert report.row_count == 7


def test_show_analytics_prints_the_days_funnel_and_views(mongo_database):
    import io
    import json

    from django.core.management import call_command

    at = datetime(2026, 1, 15, 15, tzinfo=UTC)
    for event in [viewed("creme", at), viewed("batom", at), viewed("batom", at), cart_added(at)]:
        deliver(event, handlers=HANDLERS)
    out = io.StringIO()

    call_command("show_analytics", "--date", "2026-01-15", stdout=out)

    assert json.loads(out.getvalue()) == {
        "day": "2026-01-15",
        "funnel": {"view": 3, "cart": 1, "order": 0},
        "product_views": {"batom": 2, "creme": 1},
    }
