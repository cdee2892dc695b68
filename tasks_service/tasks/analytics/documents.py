"""MongoDB documents of the daily aggregates (mongoengine).

Each counter document keeps the ids of the events it counted: an increment is an upsert guarded by
``event_ids $nin [id]``, so a redelivered event (even one the SQL inbox did not stop, e.g. after a
rollback) is counted once. The documents hold one day each, which bounds the id lists.
"""

from __future__ import annotations

import mongoengine


class ProductViewsDaily(mongoengine.Document):
    """How many times a product page was viewed on a local day."""

    day = mongoengine.StringField(required=True)  # YYYY-MM-DD, America/Sao_Paulo
    product_slug = mongoengine.StringField(required=True)
    views = mongoengine.IntField(default=0)
    event_ids = mongoengine.ListField(mongoengine.StringField())

    meta = {
        "collection": "analytics_product_views_daily",
        "indexes": [{"fields": ["day", "product_slug"], "unique": True}],
    }


class SearchQueryDaily(mongoengine.Document):
    """How often a (normalized) query was searched on a local day, how often it found nothing, and the
    sum of its result counts (from catalog's ``catalog.search_performed`` stream)."""

    day = mongoengine.StringField(required=True)
    normalized_query = mongoengine.StringField(required=True)
    searches = mongoengine.IntField(default=0)
    zero_result_searches = mongoengine.IntField(default=0)
    result_total = mongoengine.IntField(default=0)
    event_ids = mongoengine.ListField(mongoengine.StringField())

    meta = {
        "collection": "analytics_search_queries_daily",
        "indexes": [{"fields": ["day", "normalized_query"], "unique": True}],
    }


class FunnelStage:
    VIEW = "view"
    CART = "cart"
    ORDER = "order"
    ALL = (VIEW, CART, ORDER)


class FunnelDaily(mongoengine.Document):
    """One stage of the view -> cart -> order funnel on a local day (one document per stage and day)."""

    day = mongoengine.StringField(required=True)
    stage = mongoengine.StringField(required=True, choices=FunnelStage.ALL)
    count = mongoengine.IntField(default=0)
    event_ids = mongoengine.ListField(mongoengine.StringField())

    meta = {
        "collection": "analytics_funnel_daily",
        "indexes": [{"fields": ["day", "stage"], "unique": True}],
    }
