"""Search logs and browsing history on the real MongoDB-protocol server; a MongoDB outage never breaks a page.

A search's log is written by catalog's own consumer from its ``catalog.search_performed`` event: these tests
deliver the outbox to the service's handlers (the ``log_searches`` fixture), as the relay and
``consume_events`` would; the broker round trip under faults is ``test_search_log_consumer``'s.
"""

import contextlib

import pytest
from django.core.management import call_command
from pymongo import MongoClient
from pymongo.errors import AutoReconnect

from catalog.shopper_activity.selectors import zero_result_searches
from common.events.testing import deliver, published
from common.mongo import disconnect
from common.testing.tokens import auth_header
from config.event_handlers import HANDLERS

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def mongodb_down(settings):
    """MongoDB unreachable (nothing listens on port 1; short timeouts) inside the block, reachable again after."""
    reachable = settings.MONGODB_URI
    settings.MONGODB_URI, settings.MONGODB_TIMEOUT_MS = "mongodb://127.0.0.1:1/down?directConnection=true", 200
    disconnect()
    try:
        yield
    finally:
        settings.MONGODB_URI = reachable
        disconnect()


def collection(settings, name):
    client = MongoClient(settings.MONGODB_URI, serverSelectionTimeoutMS=2000)
    return client.get_default_database()[name]


def test_every_search_is_logged_with_its_filters_and_result_count(
    log_searches, client, catalog_data, mongo_db, settings
):
    client.get("/api/catalog/products", {"q": "Rímel", "brand": "urban-glow", "sort": "name"}, HTTP_X_SESSION_ID="s-1")
    client.get("/api/catalog/products", {"q": "perfume azul"}, **auth_header(user_id=9))
    client.get("/api/catalog/products", {"brand": "urban-glow"})  # no query: not a search
    assert collection(settings, "catalog_search_logs").count_documents({}) == 0  # not in the request
    log_searches()
    logs = list(collection(settings, "catalog_search_logs").find({}, {"_id": 0}).sort("created_at", 1))
    assert len(logs) == 2
    first, second = logs
    assert first["query"] == "Rímel"
    assert first["normalized_query"] == "rimel"
    assert first["filters"] == {"brand": "urban-glow", "sort": "name"}
    assert first["result_count"] == 1
    assert first["session_key"] == "s-1"
    assert first.get("user_id") is None
    assert (second["normalized_query"], second["result_count"], second["user_id"]) == ("perfume azul", 0, 9)
    assert first["created_at"] <= second["created_at"]


def test_the_logged_search_is_the_document_searchlog_describes_as_mongoengine_would_write_it(
    log_searches, client, catalog_data, mongo_db, settings
):
    from catalog.shopper_activity.documents import SearchLog

    client.get("/api/catalog/products", {"q": "Rímel", "brand": "urban-glow"})
    log_searches()
    [stored] = collection(settings, "catalog_search_logs").find({})
    stored.pop("_id")
    assert set(stored) == set(SearchLog._fields) - {"id"}  # every field, None ones included
    [log] = SearchLog.objects.all()  # and mongoengine reads it back as its own
    mongoengine_would_write = dict(SearchLog(**{name: getattr(log, name) for name in stored}).to_mongo())
    mongoengine_would_write["created_at"] = mongoengine_would_write["created_at"].replace(tzinfo=None)  # as read
    assert stored == mongoengine_would_write  # (this test's client reads times naive, in UTC)


def test_zero_result_searches_are_listed_for_merchandisers(log_searches, client, catalog_data, mongo_db):
    for query in ["perfume azul", "Perfume Azul", "xampu", "rimel"]:
        client.get("/api/catalog/products", {"q": query})
    log_searches()
    rows = zero_result_searches()
    assert [(row["query"], row["count"]) for row in rows] == [("perfume azul", 2), ("xampu", 1)]


def test_zero_result_command_prints_them(log_searches, client, catalog_data, mongo_db, capsys):
    client.get("/api/catalog/products", {"q": "perfume azul"})
    log_searches()
    call_command("search_zero_results")
    assert "perfume azul" in capsys.readouterr().out


def test_signed_in_views_become_recently_viewed_newest_first_once_each(client, catalog_data, mongo_db, settings):
    headers = auth_header(user_id=5, email="bia@example.com")
    for slug in ["batom-matte-rose", "gloss-labial-cristal", "batom-matte-rose", "rimel-volume-extremo"]:
        assert client.get(f"/api/catalog/products/{slug}", **headers).status_code == 200
    client.get("/api/catalog/products/hidratante-facial", **auth_header(user_id=6))
    client.get("/api/catalog/products/protetor-solar-fps-50")  # anonymous: not recorded
    views = collection(settings, "catalog_product_views")
    assert views.count_documents({}) == 5
    stored = views.find_one({"user_id": 6}, {"_id": 0})
    assert (stored["product_slug"], stored["product_name"]) == ("hidratante-facial", "Hidratante Facial Pele Seca")
    answer = client.get("/api/catalog/me/recently-viewed", **headers).json()
    assert [(row["slug"], row["name"]) for row in answer] == [
        ("rimel-volume-extremo", "Rímel Volume Extremo"),
        ("batom-matte-rose", "Batom Matte Rosé"),
        ("gloss-labial-cristal", "Gloss Labial Cristal"),
    ]
    assert len(published("catalog.product_viewed")) == 5


def test_pages_still_answer_when_mongodb_is_down(client, catalog_data, settings):
    headers = auth_header(user_id=5)
    with mongodb_down(settings):
        assert client.get("/api/catalog/products", {"q": "rimel"}).json()["count"] == 1
        assert client.get("/api/catalog/products/batom-matte-rose", **headers).status_code == 200
        assert client.get("/api/catalog/me/recently-viewed", **headers).json() == []
    assert len(published("catalog.product_viewed")) == 1
    assert len(published("catalog.search_performed")) == 1  # the search's log waits in the outbox


def test_a_search_made_while_mongodb_is_down_is_logged_when_it_is_back_once(client, catalog_data, mongo_db, settings):

    client.get("/api/catalog/products", {"q": "perfume azul"}, HTTP_X_SESSION_ID="s-9")
    [envelope] = published("catalog.search_performed")
    with mongodb_down(settings), pytest.raises(AutoReconnect):  # the retry rule: transient, retried with backoff
        deliver(envelope, handlers=HANDLERS)
    deliver(envelope, handlers=HANDLERS)  # the redelivery, MongoDB back: nothing was recorded in the inbox
    deliver(envelope, handlers=HANDLERS)  # and once more: the inbox skips it
    logs = list(collection(settings, "catalog_search_logs").find({}, {"_id": 0}))
    assert [(log["query"], log["session_key"], log["event_id"]) for log in logs] == [
        ("perfume azul", "s-9", str(envelope.event_id))
    ]


def test_the_search_log_is_written_once_per_event_even_past_the_inbox(catalog_data, mongo_db, settings):
    """A handler whose PostgreSQL commit failed after its MongoDB write runs again: the write is an upsert."""
    from datetime import UTC, datetime

    from catalog.shopper_activity.services import search_log_document, search_logs_write

    def search(event_id: str):
        return search_log_document(
            event_id=event_id,
            query="Xampu",
            normalized_query="xampu",
            filters={"in_stock": True, "free_of": ["parabenos"]},
            result_count=0,
            user_id=None,
            session_key=None,
            at=datetime(2026, 12, 3, 15, tzinfo=UTC),
        )

    assert search_logs_write([search("e-1"), search("e-2")]) == 2
    assert search_logs_write([search("e-2"), search("e-1")]) == 0  # both delivered again
    assert search_logs_write([search("e-1"), search("e-3")]) == 1  # another search of the same words
    stored = collection(settings, "catalog_search_logs").find({"normalized_query": "xampu"}, {"_id": 0})
    assert sorted(log["event_id"] for log in stored) == ["e-1", "e-2", "e-3"]


def test_a_backlog_of_searches_is_logged_in_one_write_before_its_commit(catalog_data, mongo_db, settings, monkeypatch):
    """``handle_envelopes`` (a consumer's batch): the documents reach MongoDB together, once, and a MongoDB
    failure at that write rolls the whole batch back (the inbox keeps none of them)."""
    from datetime import UTC, datetime

    from catalog.shopper_activity.services import search_logs_write
    from common.events.consumer import handle_envelopes
    from common.events.contracts.catalog import SearchPerformedFiltered
    from common.events.inbox.models import ProcessedEvent
    from common.events.testing import envelope_of

    at = datetime(2026, 12, 3, 15, tzinfo=UTC)
    envelopes = [
        envelope_of(
            SearchPerformedFiltered(
                query=word, normalized_query=word, result_count=0, user_id=None, searched_at=at, filters={}
            )
        )
        for word in ["xampu", "perfume azul", "rimel"]
    ]
    with mongodb_down(settings), pytest.raises(AutoReconnect):
        handle_envelopes(envelopes, handlers=HANDLERS)
    assert not ProcessedEvent.objects.exists()

    from catalog.shopper_activity import handlers

    writes = []

    def spied_write(documents):
        writes.append(len(documents))
        return search_logs_write(documents)

    monkeypatch.setattr(handlers, "search_logs_write", spied_write)
    assert handle_envelopes(envelopes, handlers=HANDLERS) == [True, True, True]
    assert writes == [3]  # one bulk write for the three
    logs = collection(settings, "catalog_search_logs").find({}, {"_id": 0})
    assert sorted(log["event_id"] for log in logs) == sorted(str(envelope.event_id) for envelope in envelopes)


def test_a_search_published_before_the_log_followed_the_event_is_not_logged_twice(catalog_data, mongo_db, settings):
    """A v1 event in flight at the upgrade: its request wrote its log itself."""
    from datetime import UTC, datetime

    from common.events.contracts.catalog import SearchPerformed

    legacy = SearchPerformed(
        query="batom",
        normalized_query="batom",
        result_count=3,
        user_id=None,
        session_id=None,
        searched_at=datetime(2026, 12, 3, 15, tzinfo=UTC),
    )
    assert deliver(legacy, handlers=HANDLERS) is True  # applied (recorded in the inbox) ...
    assert collection(settings, "catalog_search_logs").count_documents({}) == 0  # ... and left alone


def test_zero_result_admin_page_lists_them(log_searches, admin_client, client, catalog_data, mongo_db):
    client.get("/api/catalog/products", {"q": "perfume azul"})
    log_searches()
    response = admin_client.get("/admin/shopper_activity/zeroresultquery/")
    assert response.status_code == 200
    assert [row["query"] for row in response.context["rows"]] == ["perfume azul"]
