"""MongoDB documents (mongoengine): catalog's own collections. No other service reads them; tasks' search
analytics come from the ``catalog.search_performed`` event stream."""

from __future__ import annotations

import mongoengine as me


class SearchLog(me.Document):
    """One shopper search: what was asked, how it was understood and how many products answered."""

    # The ``catalog.search_performed`` event it was written from (unique: a redelivery writes nothing);
    # None on the logs written by the request itself before the search log followed the event.
    event_id = me.StringField(null=True)
    query = me.StringField(required=True)
    normalized_query = me.StringField(required=True)
    filters = me.DictField()
    result_count = me.IntField(required=True)
    user_id = me.IntField(null=True)
    session_key = me.StringField(null=True)
    created_at = me.DateTimeField(required=True)

    meta = {
        "collection": "catalog_search_logs",
        "indexes": [
            "created_at",
            ("result_count", "normalized_query"),
            {"fields": ["event_id"], "unique": True, "sparse": True},
        ],
    }


class ProductView(me.Document):
    """One signed-in shopper's view of a product page (browsing history)."""

    user_id = me.IntField(required=True)
    product_slug = me.StringField(required=True)
    product_name = me.StringField(required=True)
    viewed_at = me.DateTimeField(required=True)

    meta = {"collection": "catalog_product_views", "indexes": [("user_id", "-viewed_at")]}
