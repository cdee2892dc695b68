"""Bulk price changes that keep ,90 / ,99 endings, and the admin's preview before applying."""

from decimal import Decimal

import pytest

from catalog.products.models import Product, Variant
from catalog.products.pricing import price_change_by_percentage
from common.events.testing import published

CHANGELIST = "/admin/products/product/"


@pytest.mark.parametrize(
    ("price", "percentage", "keep", "expected"),
    [
        ("89.90", "10", True, "98.90"),  # 98.89 exactly: the nearest ,90
        ("89.90", "10", False, "98.89"),
        ("49.99", "10", True, "54.99"),  # 54.989
        ("39.90", "-15", True, "33.90"),  # 33.915
        ("19.90", "50", True, "29.90"),  # 29.85: 29.90 is nearer than 28.90
        ("9.99", "1", True, "9.99"),  # 10.09: 9.99 is nearer than 10.99
        ("49.50", "10", True, "54.45"),  # another ending changes to the cent
        ("0.90", "-90", True, "0.90"),  # 0.09: the nearest ,90 is 0.90
        ("0.99", "-90", False, "0.10"),
    ],
)
def test_price_change_keeps_the_90_and_99_endings_when_asked(price, percentage, keep, expected):
    assert price_change_by_percentage(Decimal(price), Decimal(percentage), keep_ending=keep) == Decimal(expected)


def test_a_tie_between_two_endings_goes_up():
    # 49.90 + 1 % = 50.40 (50.399), exactly between 49.90 and 50.90
    assert price_change_by_percentage(Decimal("49.90"), Decimal("1"), keep_ending=True) == Decimal("50.90")


@pytest.mark.django_db
def test_the_price_change_previews_every_variant_then_applies_what_it_showed(admin_client, catalog_data):
    ids = [catalog_data["batom"].pk]
    Variant.objects.filter(sku="BLP-BAT-001").update(price=Decimal("89.90"))
    asked = admin_client.post(CHANGELIST, {"action": "change_prices", "_selected_action": ids})
    assert asked.status_code == 200 and b'name="keep_endings"' in asked.content and b'name="preview"' in asked.content

    body = {"action": "change_prices", "_selected_action": ids, "percentage": "10", "keep_endings": "on"}
    preview = admin_client.post(CHANGELIST, {**body, "preview": "1"})
    assert preview.status_code == 200
    assert [(row["sku"], row["old"], row["new"]) for row in preview.context["rows"]] == [
        ("BLP-BAT-001", "R$ 89,90", "R$ 98,90"),
        ("BLP-BAT-002", "R$ 44,90", "R$ 48,90"),  # 49,39: 48,90 is nearer than 49,90,
    ]
    assert "R$ 98,90" in preview.content.decode() and b'name="apply"' in preview.content
    # The preview changed nothing and announced nothing.
    assert dict(Variant.objects.filter(product_id=ids[0]).values_list("sku", "price")) == {
        "BLP-BAT-001": Decimal("89.90"),
        "BLP-BAT-002": Decimal("44.90"),
    }
    assert published("catalog.product_updated") == []

    admin_client.post(CHANGELIST, {**body, "apply": "1"})
    assert dict(Variant.objects.filter(product_id=ids[0]).values_list("sku", "price")) == {
        "BLP-BAT-001": Decimal("98.90"),
        "BLP-BAT-002": Decimal("48.90"),
    }
    assert Product.objects.get(pk=ids[0]).price_from == Decimal("48.90")
    [event] = published("catalog.product_updated")
    assert [v["price"] for v in event.payload["variants"]] == ["98.90", "48.90"]


@pytest.mark.django_db
def test_an_invalid_percentage_on_the_preview_asks_again_and_changes_nothing(admin_client, catalog_data):
    ids = [catalog_data["batom"].pk]
    response = admin_client.post(
        CHANGELIST, {"action": "change_prices", "_selected_action": ids, "percentage": "900", "preview": "1"}
    )
    assert response.status_code == 200 and response.context["rows"] is None
    assert response.context["form"].errors["percentage"]
    assert Variant.objects.get(sku="BLP-BAT-001").price == Decimal("39.90")
