"""Fixtures of the catalog tests: a small fixed catalog, isolation from shared Redis and MongoDB."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.inventory.models import Stock
from catalog.products.indexing import product_index_refresh
from catalog.products.models import (
    Attribute,
    Brand,
    Category,
    Product,
    ProductAttributeValue,
    ProductImage,
    ProductType,
    Variant,
)
from catalog.shopper_activity.mongo import mongo_reset_breaker
from common.mongo import disconnect

BASE_TIME = timezone.now().replace(microsecond=0) - timedelta(days=30)


@pytest.fixture(autouse=True)
def _isolated_from_shared_stores(settings):
    """No test writes to the developer's MongoDB or reads a cached answer unless it asks to."""
    settings.MONGODB_URI = ""
    settings.CATALOG_RESPONSE_CACHE = False
    mongo_reset_breaker()


@pytest.fixture
def log_searches():
    """``log_searches()`` brings the searches made so far into the MongoDB search log, as the relay and
    catalog's consumer do in production (``handlers.search_performed``), in this process."""
    from common.events.testing import deliver_published
    from config.event_handlers import HANDLERS

    def deliver() -> None:
        deliver_published(handlers=HANDLERS, event_type="catalog.search_performed")

    return deliver


@pytest.fixture
def mongo_db(mongodb_uri, settings):
    """A fresh MongoDB database on the real MongoDB-protocol server, dropped afterwards."""
    from pymongo import MongoClient

    name = f"test_catalog_{uuid.uuid4().hex[:12]}"
    base, _, query = mongodb_uri.partition("?")
    scheme, _, rest = base.partition("://")
    host = rest.split("/", 1)[0]
    settings.MONGODB_URI = f"{scheme}://{host}/{name}" + (f"?{query}" if query else "")
    disconnect()
    mongo_reset_breaker()
    yield name
    disconnect()
    client = MongoClient(settings.MONGODB_URI, serverSelectionTimeoutMS=2000)
    client.drop_database(name)
    client.close()


def make_category(slug: str, name: str, parent: Category | None = None) -> Category:
    return Category.objects.create(slug=slug, name=name, parent=parent)


def make_product(
    *,
    name: str,
    slug: str,
    brand: Brand,
    category: Category,
    product_type: ProductType,
    variants: list[tuple[str, str, str, int]],
    attributes: dict[str, str] | None = None,
    published: bool = True,
    days: int = 0,
    description: str = "",
    images: int = 1,
) -> Product:
    """A product with variants ``(sku, name, price, on_hand)``, created ``days`` after BASE_TIME."""
    product = Product.objects.create(
        name=name,
        slug=slug,
        brand=brand,
        category=category,
        product_type=product_type,
        is_published=published,
        description=description,
    )
    Product.objects.filter(pk=product.pk).update(created_at=BASE_TIME + timedelta(days=days))
    for position, (sku, variant_name, price, on_hand) in enumerate(variants):
        variant = Variant.objects.create(
            product=product, sku=sku, name=variant_name, price=Decimal(price), position=position
        )
        Stock.objects.create(variant=variant, on_hand=on_hand, low_stock_threshold=2)
    for code, value in (attributes or {}).items():
        attribute = Attribute.objects.get(product_type=product_type, code=code)
        ProductAttributeValue.objects.create(product=product, attribute=attribute, value=value)
    for position in range(images):
        ProductImage.objects.create(
            product=product, url=f"https://img.test/{slug}/{position}.jpg", alt_text=name, position=position
        )
    product_index_refresh(product_ids=[product.pk])
    product.refresh_from_db()
    return product


@pytest.fixture
def catalog_data(db):
    """Five published products and one unpublished, with known prices, stock, dates and attributes."""
    bella = Brand.objects.create(slug="bella-pele", name="Bella Pele")
    urban = Brand.objects.create(slug="urban-glow", name="Urban Glow")
    maquiagem = make_category("maquiagem", "Maquiagem")
    labios = make_category("labios", "Lábios", maquiagem)
    batons = make_category("batons", "Batons", labios)
    olhos = make_category("olhos", "Olhos", maquiagem)
    mascaras = make_category("mascaras-de-cilios", "Máscaras de cílios", olhos)
    pele = make_category("cuidados-com-a-pele", "Cuidados com a pele")
    rosto = make_category("pele-rosto", "Rosto", pele)
    protetores = make_category("protetor-facial", "Protetor facial", rosto)
    hidratantes = make_category("hidratantes-faciais", "Hidratantes faciais", rosto)

    makeup = ProductType.objects.create(slug="maquiagem", name="Maquiagem")
    Attribute.objects.create(product_type=makeup, code="finish", name="Acabamento")
    skincare = ProductType.objects.create(slug="skincare", name="Cuidados")
    Attribute.objects.create(product_type=skincare, code="skin_type", name="Tipo de pele", position=0)
    Attribute.objects.create(product_type=skincare, code="volume_ml", name="Volume", unit="ml", position=1)

    products = {
        "batom": make_product(
            name="Batom Matte Rosé",
            slug="batom-matte-rose",
            brand=bella,
            category=batons,
            product_type=makeup,
            variants=[("BLP-BAT-001", "Rosé 02", "39.90", 10), ("BLP-BAT-002", "Nude 01", "44.90", 0)],
            attributes={"finish": "matte"},
            days=1,
            description="Long-lasting matte lipstick.",
            images=2,
        ),
        "rimel": make_product(
            name="Rímel Volume Extremo",
            slug="rimel-volume-extremo",
            brand=urban,
            category=mascaras,
            product_type=makeup,
            variants=[("URG-MSC-001", "Preto", "59.90", 5)],
            days=2,
            description="Máscara de cílios à prova d'água.",
        ),
        "protetor": make_product(
            name="Protetor Solar FPS 50 Toque Seco",
            slug="protetor-solar-fps-50",
            brand=urban,
            category=protetores,
            product_type=skincare,
            variants=[("URG-PRT-050", "50 ml", "79.90", 0)],
            attributes={"skin_type": "oleosa", "volume_ml": "50"},
            days=3,
            images=0,
        ),
        "hidratante": make_product(
            name="Hidratante Facial Pele Seca",
            slug="hidratante-facial",
            brand=bella,
            category=hidratantes,
            product_type=skincare,
            variants=[("BLP-HID-001", "50 ml", "49.90", 3)],
            attributes={"skin_type": "seca", "volume_ml": "50"},
            days=4,
        ),
        "gloss": make_product(
            name="Gloss Labial Cristal",
            slug="gloss-labial-cristal",
            brand=bella,
            category=batons,
            product_type=makeup,
            variants=[("BLP-GLS-001", "Cristal", "29.90", 20)],
            days=5,
        ),
        "secreto": make_product(
            name="Batom Secreto",
            slug="batom-secreto",
            brand=bella,
            category=batons,
            product_type=makeup,
            variants=[("BLP-SEC-001", "Rubi", "19.90", 4)],
            published=False,
            days=6,
        ),
    }
    return products
