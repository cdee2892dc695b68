"""The product copy follows catalog's product stream: upserts, unpublishing, late snapshots ignored."""

from datetime import timedelta
from decimal import Decimal

import pytest

from common.events.contracts.catalog import ProductUnpublished, ProductUpdated, VariantSnapshot
from common.events.testing import deliver, envelope_of
from config.event_handlers import HANDLERS
from orders.products.models import ProductVariant
from tests.conftest import publish_product

pytestmark = pytest.mark.django_db


def snapshot(price="89.90", *, variants=None, event_type=ProductUpdated, published=True):
    return event_type(
        product_id=1,
        slug="serum-vitamina-c",
        name="Sérum Vitamina C",
        brand="Natura",
        published=published,
        variants=variants or [VariantSnapshot(sku="SERUM-30", name="30 ml", price=Decimal(price))],
    )


def test_a_published_product_is_copied_with_its_variants(products):
    assert list(ProductVariant.objects.values_list("sku", "price", "published", "product_slug")) == [
        ("BATOM-RED", Decimal("49.90"), True, "batom-matte"),
        ("CREME-100", Decimal("199.90"), True, "creme-hidratante"),
        ("CREME-50", Decimal("129.90"), True, "creme-hidratante"),
        ("SERUM-30", Decimal("89.90"), True, "serum-vitamina-c"),
    ]
    assert ProductVariant.objects.get(sku="CREME-50").display_name == "Creme Hidratante - 50 g"


def test_an_update_changes_the_price_and_a_variant_it_no_longer_lists_stops_selling(products):
    publish_product(2, "creme-hidratante", "Creme Hidratante", [("CREME-50", "50 g", "119.90")])
    assert ProductVariant.objects.get(sku="CREME-50").price == Decimal("119.90")
    assert ProductVariant.objects.get(sku="CREME-100").published is False


def test_unpublishing_stops_every_variant_selling(products):
    deliver(snapshot(event_type=ProductUnpublished, published=False), handlers=HANDLERS)
    assert ProductVariant.objects.get(sku="SERUM-30").published is False


def test_a_snapshot_older_than_the_stored_one_is_ignored(products):
    newer = envelope_of(snapshot("99.90"), key="serum-vitamina-c")
    older = envelope_of(snapshot("79.90"), key="serum-vitamina-c")
    older = older.model_copy(update={"occurred_at": newer.occurred_at - timedelta(minutes=1)})
    deliver(newer, handlers=HANDLERS)
    deliver(older, handlers=HANDLERS)
    assert ProductVariant.objects.get(sku="SERUM-30").price == Decimal("99.90")


def test_the_same_event_delivered_twice_is_applied_once(products):
    envelope = envelope_of(snapshot("95.00"), key="serum-vitamina-c")
    assert deliver(envelope, handlers=HANDLERS) is True
    assert deliver(envelope, handlers=HANDLERS) is False
    assert ProductVariant.objects.get(sku="SERUM-30").price == Decimal("95.00")
