"""The hot reads' short lane through the middleware answers as the whole stack does."""

import pytest
from django.conf import settings as django_settings
from prometheus_client import REGISTRY

from common.testing.tokens import issue_access_token

pytestmark = pytest.mark.django_db

HOT = "catalog.products.middleware.HotReadMiddleware"
PER_REQUEST = {"X-Request-ID", "X-Correlation-ID", "Date"}


def answer(client, path, **headers):
    response = client.get(path, headers=headers)
    kept = {name: value for name, value in response.headers.items() if name not in PER_REQUEST}
    return response.status_code, kept, response.content


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/api/catalog/products?sort=price", {}, 200),
        ("/api/catalog/products?q=batom&page_size=2", {}, 200),
        ("/api/catalog/products?page_size=500", {}, 422),
        ("/api/catalog/products/batom-matte-rose", {}, 200),
        ("/api/catalog/products/batom-secreto", {}, 404),
        ("/api/catalog/products/batom-matte-rose", {"Authorization": "Bearer not-a-token"}, 401),
        ("/api/catalog/products/batom-matte-rose", {"Host": "loja-falsa.example"}, 400),
    ],
)
def test_a_hot_read_has_the_status_headers_and_body_of_the_whole_stack(
    client, catalog_data, settings, path, headers, status
):
    assert HOT in django_settings.MIDDLEWARE
    short = answer(client, path, **headers)
    settings.MIDDLEWARE = [name for name in django_settings.MIDDLEWARE if name != HOT]
    whole = answer(client, path, **headers)
    assert short[0] == status
    assert short == whole
    if status != 400:  # Django refuses a bad Host before XFrameOptionsMiddleware runs, whole stack or not
        assert short[1]["X-Frame-Options"] == "DENY"


def test_a_signed_in_view_through_the_short_lane_is_still_recorded(client, catalog_data, mongo_db):
    auth = {"Authorization": f"Bearer {issue_access_token(user_id=7)}"}
    assert client.get("/api/catalog/products/gloss-labial-cristal", headers=auth).status_code == 200
    history = client.get("/api/catalog/me/recently-viewed", headers=auth).json()
    assert [(item["slug"], item["name"]) for item in history] == [("gloss-labial-cristal", "Gloss Labial Cristal")]


def test_hot_reads_keep_their_per_view_metrics(client, catalog_data):
    def served(view, status):
        labels = {"status": status, "view": view, "method": "GET"}
        return REGISTRY.get_sample_value("django_http_responses_total_by_status_view_method_total", labels) or 0

    before = served("catalog-api:product_detail_api", "404"), served("catalog-api:product_list_api", "200")
    client.get("/api/catalog/products/nao-existe")
    client.get("/api/catalog/products")
    client.get("/api/catalog/products")
    after = served("catalog-api:product_detail_api", "404"), served("catalog-api:product_list_api", "200")
    assert (after[0] - before[0], after[1] - before[1]) == (1, 2)
