"""The staff stock-levels endpoint tasks reconciles its low-stock read model from: complete, paginated, staff only."""

import pytest

from common.testing.tokens import auth_header

pytestmark = pytest.mark.django_db

URL = "/api/catalog/staff/stock-levels"


def test_every_sku_is_listed_page_by_page_in_sku_order(client, catalog_data):
    from catalog.inventory.models import Stock

    expected = sorted(Stock.objects.values_list("variant__sku", flat=True))
    seen, after, pages = [], "", 0
    while after is not None:
        answer = client.get(URL, {"after": after, "limit": 3}, **auth_header(is_staff=True))
        assert answer.status_code == 200, answer.content
        body = answer.json()
        assert body["as_of"]
        seen += [item["sku"] for item in body["items"]]
        after, pages = body["next_after"], pages + 1
    assert seen == expected
    assert pages == len(expected) // 3 + 1
    batom = Stock.objects.get(variant__sku="BLP-BAT-001")
    batom.reserved = 3
    batom.save()
    first = client.get(URL, {"limit": 1000}, **auth_header(is_staff=True)).json()["items"]
    row = next(item for item in first if item["sku"] == "BLP-BAT-001")
    assert row == {
        "sku": "BLP-BAT-001",
        "product_name": "Batom Matte Rosé",
        "on_hand": 10,
        "available": 7,
        "low_stock_threshold": 2,
    }


def test_shoppers_and_strangers_are_refused(client, catalog_data):
    assert client.get(URL).json()["code"] == "not_authenticated"
    refused = client.get(URL, **auth_header(is_staff=False))
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    too_big = client.get(URL, {"limit": 5000}, **auth_header(is_staff=True))
    assert (too_big.status_code, too_big.json()["code"]) == (422, "validation_error")
