"""Product services (events by published transition, in-stock flag), the seed and the platform checks."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from catalog.inventory.adjustments import stock_edit
from catalog.inventory.models import Stock, StockMovement
from catalog.inventory.services import stock_reserve_order
from catalog.products.models import Brand, Category, Product, Variant
from catalog.products.services import product_set_published, product_sync
from common.events.testing import published

pytestmark = pytest.mark.django_db


def test_publishing_and_unpublishing_announce_the_product_keyed_by_id(catalog_data):
    secreto = catalog_data["secreto"]
    assert product_set_published(product=secreto, published=True)
    assert not product_set_published(product=secreto, published=True)
    assert product_set_published(product=secreto, published=False)
    [first] = published("catalog.product_published")
    assert first.key == str(secreto.pk)
    assert first.payload == {
        "product_id": secreto.pk,
        "slug": "batom-secreto",
        "name": "Batom Secreto",
        "brand": "Bella Pele",
        "published": True,
        "variants": [
            {
                "sku": "BLP-SEC-001",
                "name": "Rubi",
                "price": "19.90",
                "currency": "BRL",
                "weight_grams": 0,
                "length_cm": "0.0",
                "width_cm": "0.0",
                "height_cm": "0.0",
                "sale_mode": "regular",
            }
        ],
        "brand_slug": "bella-pele",
        "category_slugs": ["batons", "labios", "maquiagem"],
    }
    [withdrawn] = published("catalog.product_unpublished")
    assert withdrawn.payload["published"] is False


def test_changes_to_unpublished_products_are_not_announced(catalog_data):
    product_sync(product=catalog_data["secreto"], was_published=False)
    product_sync(product=catalog_data["gloss"], was_published=True)
    assert [e.type for e in published()] == ["catalog.product_updated"]


def test_in_stock_flag_follows_reservations_and_stock_edits(client, catalog_data):
    def in_stock(slug):
        items = client.get("/api/catalog/products", {"brand": "urban-glow"}).json()["items"]
        return {i["slug"]: i["in_stock"] for i in items}[slug]

    assert in_stock("rimel-volume-extremo") is True
    stock_reserve_order(
        order_number="X-1", lines=[("URG-MSC-001", 5)], expires_at=timezone.now() + timedelta(minutes=9)
    )
    assert in_stock("rimel-volume-extremo") is False
    assert client.get("/api/catalog/products", {"in_stock": "true", "brand": "urban-glow"}).json()["count"] == 0
    stock_edit(
        variant=Variant.objects.get(sku="URG-PRT-050"),
        reason="received",
        quantity=3,
        lot_code="L2401",
        lot_expires_on=date(2030, 1, 31),
    )
    assert in_stock("protetor-solar-fps-50") is True


def test_stock_on_hand_cannot_go_below_what_is_reserved(catalog_data):
    from django.core.exceptions import ValidationError

    stock_reserve_order(
        order_number="X-2", lines=[("BLP-GLS-001", 4)], expires_at=timezone.now() + timedelta(minutes=9)
    )
    with pytest.raises(ValidationError) as refused:
        stock_edit(variant=Variant.objects.get(sku="BLP-GLS-001"), reason="damaged", quantity=17)
    assert refused.value.code == "below_reserved"
    assert Stock.objects.get(variant__sku="BLP-GLS-001").on_hand == 20
    assert StockMovement.objects.count() == 0


def test_seed_catalog_is_realistic_deterministic_and_idempotent(client):
    out = StringIO()
    call_command("seed_catalog", stdout=out)
    products, variants = Product.objects.count(), Variant.objects.count()
    assert products >= 300 and variants >= 1000
    assert Brand.objects.count() == 8
    assert Category.objects.filter(parent__parent__isnull=False).exists()
    assert Stock.objects.count() == variants
    seeded = StockMovement.objects.filter(reason="seed", reference="seed_catalog")
    assert seeded.count() == Stock.objects.exclude(on_hand=0).count()
    assert not seeded.exclude(delta=F("on_hand_after")).exists()
    assert not seeded.exclude(on_hand_after=F("stock__on_hand")).exists()
    first_skus = list(Variant.objects.order_by("sku").values_list("sku", "price")[:20])
    assert len(published("catalog.product_published")) == Product.objects.filter(is_published=True).count()
    call_command("seed_catalog", stdout=out)
    assert (Product.objects.count(), Variant.objects.count()) == (products, variants)
    assert "0 products and 0 variants created" in out.getvalue()
    assert list(Variant.objects.order_by("sku").values_list("sku", "price")[:20]) == first_skus
    assert client.get("/api/catalog/products", {"q": "protetor solar"}).json()["count"] > 0
    assert client.get("/api/catalog/products", {"skin_type": "oleosa"}).json()["count"] > 0


def test_seed_catalog_grows_to_a_larger_size_without_duplicates():
    call_command("seed_catalog", "--size", "40", "--no-events", stdout=StringIO())
    small = set(Variant.objects.values_list("sku", flat=True))
    call_command("seed_catalog", "--size", "80", "--no-events", stdout=StringIO())
    large = set(Variant.objects.values_list("sku", flat=True))
    assert small < large and len(large) >= 80
    assert published() == []


def test_readyz_checks_mongodb_when_configured(client, mongo_db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["mongodb"] == "ok"


def test_category_tree_has_at_most_three_levels(catalog_data):
    from django.core.exceptions import ValidationError

    fourth = Category(slug="mini-batons", name="Mini", parent=Category.objects.get(slug="batons"))
    with pytest.raises(ValidationError):
        fourth.full_clean()
    Category(slug="mini-glosses", name="Mini", parent=Category.objects.get(slug="labios")).full_clean()


def test_variant_validates_ean13_shade_and_compare_at_price(catalog_data):
    from django.core.exceptions import ValidationError

    variant = Variant.objects.get(sku="BLP-GLS-001")
    variant.ean13 = "7891234567895"
    variant.shade_hex = "#A1B2C3"
    variant.full_clean()
    for field, value in [("ean13", "7891234567890"), ("shade_hex", "red"), ("compare_at_price", variant.price)]:
        broken = Variant.objects.get(sku="BLP-GLS-001")
        setattr(broken, field, value)
        with pytest.raises(ValidationError) as error:
            broken.full_clean()
        assert field in error.value.message_dict


def test_the_handler_table_takes_every_orders_event_addressed_to_catalog():
    from common.events.contracts import latest_contracts
    from config.event_handlers import HANDLERS

    for_catalog = {t for t, c in latest_contracts().items() if "catalog" in c.CONSUMERS and c.PRODUCER == "orders"}
    assert for_catalog == {
        "orders.order_placed",
        "orders.order_paid",
        "orders.order_cancelled",
        "orders.order_expired",
        "orders.return_received",
    }
    assert for_catalog <= set(HANDLERS)


def test_search_reindex_rebuilds_the_search_data(client, catalog_data):
    Product.objects.update(search_text="", price_from=None)
    call_command("search_reindex", stdout=StringIO())
    assert client.get("/api/catalog/products", {"q": "rimel"}).json()["count"] == 1
    assert Product.objects.get(slug="gloss-labial-cristal").price_from is not None
