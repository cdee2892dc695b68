"""Search logs and browsing history on the real MongoDB-protocol server; a MongoDB outage never breaks a page."""

import pytest
from django.core.management import call_command
from pymongo import MongoClient

from catalog.shopper_activity.selectors import zero_result_searches
from common.events.testing import published
from common.testing.tokens import auth_header

pytestmark = pytest.mark.django_db


def collection(settings, name):
    client = MongoClient(settings.MONGODB_URI, serverSelectionTimeoutMS=2000)
    return client.get_default_database()[name]


def test_every_search_is_logged_with_its_filters_and_result_count(client, catalog_data, mongo_db, settings):
    client.get("/api/catalog/products", {"q": "Rímel", "brand": "urban-glow", "sort": "name"}, HTTP_X_SESSION_ID="s-1")
    client.get("/api/catalog/products", {"q": "perfume azul"}, **auth_header(user_id=9))
    client.get("/api/catalog/products", {"brand": "urban-glow"})  # no query: not a search
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
    client, catalog_data, mongo_db, settings
):
    from catalog.shopper_activity.documents import SearchLog

    client.get("/api/catalog/products", {"q": "Rímel", "brand": "urban-glow"})
    [stored] = collection(settings, "catalog_search_logs").find({})
    stored.pop("_id")
    assert set(stored) == set(SearchLog._fields) - {"id"}  # every field, None ones included
    [log] = SearchLog.objects.all()  # and mongoengine reads it back as its own
    mongoengine_would_write = dict(SearchLog(**{name: getattr(log, name) for name in stored}).to_mongo())
    mongoengine_would_write["created_at"] = mongoengine_would_write["created_at"].replace(tzinfo=None)  # as read
    assert stored == mongoengine_would_write  # (this test's client reads times naive, in UTC)


def test_zero_result_searches_are_listed_for_merchandisers(client, catalog_data, mongo_db):
    for query in ["perfume azul", "Perfume Azul", "xampu", "rimel"]:
        client.get("/api/catalog/products", {"q": query})
    rows = zero_result_searches()
    assert [(row["query"], row["count"]) for row in rows] == [("perfume azul", 2), ("xampu", 1)]


def test_zero_result_command_prints_them(client, catalog_data, mongo_db, capsys):
    client.get("/api/catalog/products", {"q": "perfume azul"})
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
    settings.MONGODB_URI = "mongodb://127.0.0.1:1/down?directConnection=true"
    settings.MONGODB_TIMEOUT_MS = 200
    from common.mongo import disconnect

    disconnect()
    headers = auth_header(user_id=5)
    assert client.get("/api/catalog/products", {"q": "rimel"}).json()["count"] == 1
    assert client.get("/api/catalog/products/batom-matte-rose", **headers).status_code == 200
    assert client.get("/api/catalog/me/recently-viewed", **headers).json() == []
    assert len(published("catalog.product_viewed")) == 1
    disconnect()


def test_zero_result_admin_page_lists_them(admin_client, client, catalog_data, mongo_db):
    client.get("/api/catalog/products", {"q": "perfume azul"})
    response = admin_client.get("/admin/shopper_activity/zeroresultquery/")
    assert response.status_code == 200
    assert [row["query"] for row in response.context["rows"]] == ["perfume azul"]
