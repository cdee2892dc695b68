"""GET products/{slug}, categories, brands and stock: exact answers and query budgets (no N+1)."""

from decimal import Decimal
from pathlib import Path

import orjson
import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from pydantic import TypeAdapter

from catalog.inventory.models import Stock
from catalog.products.indexing import product_index_refresh
from catalog.products.models import Product, Variant
from catalog.products.schemas import ProductDetailOut, ProductPageOut
from common.events.testing import published
from common.testing.tokens import auth_header

pytestmark = pytest.mark.django_db

URL = "/api/catalog/products"


def test_detail_has_exactly_the_contract_fields(client, catalog_data):
    Stock.objects.filter(variant__sku="BLP-BAT-001").update(reserved=3)
    Variant.objects.filter(sku="BLP-BAT-001").update(shade_hex="#C8787E")
    Product.objects.filter(slug="batom-matte-rose").update(
        ingredients=["RICINUS COMMUNIS SEED OIL", "CERA ALBA", "LIMONENE"],
        allergens=["limonene"],
        anvisa_number="25351.123456/2024-11",
        anvisa_risk_grade=1,
        pao_months=24,
    )
    response = client.get(f"{URL}/batom-matte-rose")
    assert response.status_code == 200
    assert response.json() == {
        # 39.90 in 3x of 13.30 without interest; 4x would be below the R$ 10,00 minimum installment.
        "installments": {"count": 3, "amount": "13.30"},
        "slug": "batom-matte-rose",
        "name": "Batom Matte Rosé",
        "description": "Long-lasting matte lipstick.",
        "brand": {"slug": "bella-pele", "name": "Bella Pele"},
        "category": {"slug": "batons", "name": "Batons"},
        "attributes": [{"code": "finish", "name": "Acabamento", "value": "matte"}],
        "images": [
            {
                "url": f"https://img.test/batom-matte-rose/{n}.jpg",
                "thumbnail_url": None,
                "alt": "Batom Matte Rosé",
                "width": None,
                "height": None,
            }
            for n in (0, 1)
        ],
        "ingredients": ["RICINUS COMMUNIS SEED OIL", "CERA ALBA", "LIMONENE"],
        "allergens": ["limonene"],
        "anvisa": {"number": "25351.123456/2024-11", "risk_grade": 1},
        "pao_months": 24,
        "variants": [
            {
                "sku": "BLP-BAT-001",
                "name": "Rosé 02",
                "price": "39.90",
                "currency": "BRL",
                "available": 7,
                "attributes": [{"code": "shade_hex", "name": "Cor", "value": "#C8787E"}],
                "shade": {"name": "Rosé 02", "hex": "#C8787E"},
            },
            {
                "sku": "BLP-BAT-002",
                "name": "Nude 01",
                "price": "44.90",
                "currency": "BRL",
                "available": 0,
                "attributes": [],
                "shade": None,
            },
        ],
    }


def test_attribute_units_are_part_of_the_value(client, catalog_data):
    attributes = client.get(f"{URL}/protetor-solar-fps-50").json()["attributes"]
    assert attributes == [
        {"code": "skin_type", "name": "Tipo de pele", "value": "oleosa"},
        {"code": "volume_ml", "name": "Volume", "value": "50 ml"},
    ]


@pytest.mark.parametrize("slug", ["no-such-product", "batom-secreto"])
def test_unknown_or_unpublished_product_is_404_with_code(client, catalog_data, slug):
    response = client.get(f"{URL}/{slug}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Nenhum produto publicado tem este slug.", "code": "not_found"}


def test_anonymous_view_publishes_no_activity_event(client, catalog_data):
    client.get(f"{URL}/gloss-labial-cristal")
    assert published("catalog.product_viewed") == []


def test_signed_in_view_publishes_product_viewed_through_the_outbox(client, catalog_data):
    response = client.get(f"{URL}/gloss-labial-cristal", **auth_header(user_id=7, email="bia@example.com"))
    assert response.status_code == 200
    [envelope] = published("catalog.product_viewed")
    assert envelope.key == "gloss-labial-cristal"
    assert envelope.payload["product_slug"] == "gloss-labial-cristal"
    assert envelope.payload["user_id"] == 7


@pytest.mark.parametrize("path", [f"{URL}/gloss-labial-cristal", URL, f"{URL}?q=gloss"])
def test_invalid_token_is_401_on_catalog_pages(client, catalog_data, path):
    response = client.get(path, HTTP_AUTHORIZATION="Bearer nonsense")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def many_variants(catalog_data, count):
    product = catalog_data["gloss"]
    for number in range(count):
        variant = Variant.objects.create(
            product=product, sku=f"EXTRA-{number:03d}", name=f"Tom {number}", price=Decimal("30.00")
        )
        Stock.objects.create(variant=variant, on_hand=number)
    product_index_refresh(product_ids=[product.pk])


def many_products(catalog_data, count):
    template = catalog_data["gloss"]
    for number in range(count):
        product = Product.objects.create(
            name=f"Gloss Extra {number}",
            slug=f"gloss-extra-{number}",
            brand=template.brand,
            category=template.category,
            product_type=template.product_type,
            is_published=True,
        )
        for shade in range(3):
            variant = Variant.objects.create(
                product=product, sku=f"GX-{number}-{shade}", name="x", price=Decimal("10.00")
            )
            Stock.objects.create(variant=variant, on_hand=shade)
        product.images.create(url=f"https://img.test/gx/{number}.jpg", position=0)
        product_index_refresh(product_ids=[product.pk])


def test_detail_costs_four_queries_whatever_the_number_of_variants(client, catalog_data, django_assert_max_num_queries):
    many_variants(catalog_data, 40)
    with django_assert_max_num_queries(4):
        response = client.get(f"{URL}/gloss-labial-cristal")
    assert len(response.json()["variants"]) == 41


def test_list_costs_two_queries_whatever_the_page_size(client, catalog_data, django_assert_max_num_queries):
    many_products(catalog_data, 60)
    with django_assert_max_num_queries(2):
        response = client.get(URL, {"page_size": 100, "category": "maquiagem", "in_stock": "true", "finish": "x"})
    assert response.status_code == 200
    with django_assert_max_num_queries(2):
        body = client.get(URL, {"page_size": 100}).json()
    assert len(body["items"]) == 65


def test_search_costs_three_reads_and_one_outbox_row_whatever_the_page_size(client, catalog_data):
    many_products(catalog_data, 60)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(URL, {"q": "gloss", "page_size": 100}).json()
    assert body["count"] == 61
    statements = [query["sql"].lstrip() for query in queries if "SAVEPOINT" not in query["sql"]]
    reads = [sql for sql in statements if sql.startswith("SELECT")]
    writes = [sql.split(" (")[0] for sql in statements if not sql.startswith(("SELECT", "NOTIFY"))]
    assert len(reads) == 3, reads
    assert writes == ['INSERT INTO "outbox_outboxmessage"']
    assert [envelope.type for envelope in published()] == ["catalog.search_performed"]


def test_answers_match_the_declared_openapi_schemas(client, catalog_data):
    TypeAdapter(ProductPageOut).validate_json(client.get(URL).content)
    TypeAdapter(ProductDetailOut).validate_json(client.get(f"{URL}/batom-matte-rose").content)
    schema = client.get("/api/catalog/openapi.json").json()
    list_schema = schema["paths"]["/api/catalog/products"]["get"]["responses"]["200"]["content"]["application/json"]
    assert list_schema["schema"] == {"$ref": "#/components/schemas/ProductPageOut"}


def test_the_benchmarks_plain_views_answer_the_same_bytes_as_the_api(client, catalog_data, monkeypatch):
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[2]))  # bench/ lives at the repository root
    from bench.catalog_plain.views import product_detail_plain, product_list_plain

    factory = RequestFactory()
    params = {"category": "maquiagem", "sort": "price", "page_size": "2"}
    api = client.get(URL, params)
    plain = product_list_plain(factory.get("/plain/catalog/products", params))
    assert plain.status_code == 200 and plain.content == api.content
    api_detail = client.get(f"{URL}/batom-matte-rose")
    plain_detail = product_detail_plain(factory.get("/plain/catalog/products/batom-matte-rose"), "batom-matte-rose")
    assert plain_detail.content == api_detail.content
    assert product_detail_plain(factory.get("/x"), "nope").status_code == 404
    assert product_list_plain(factory.get("/x", {"page_size": "500"})).status_code == 422


def test_categories_are_a_tree(client, catalog_data):
    tree = client.get("/api/catalog/categories").json()
    assert [node["slug"] for node in tree] == ["cuidados-com-a-pele", "maquiagem"]
    maquiagem = tree[1]
    assert maquiagem["children"] == [
        {"slug": "labios", "name": "Lábios", "children": [{"slug": "batons", "name": "Batons", "children": []}]},
        {
            "slug": "olhos",
            "name": "Olhos",
            "children": [{"slug": "mascaras-de-cilios", "name": "Máscaras de cílios", "children": []}],
        },
    ]


def test_brands(client, catalog_data):
    assert client.get("/api/catalog/brands").json() == [
        {"slug": "bella-pele", "name": "Bella Pele"},
        {"slug": "urban-glow", "name": "Urban Glow"},
    ]


def test_stock_answers_available_units_in_the_order_asked(client, catalog_data):
    Stock.objects.filter(variant__sku="BLP-BAT-001").update(reserved=4)
    Stock.objects.filter(variant__sku="BLP-HID-001").delete()
    response = client.get("/api/catalog/stock?sku=URG-PRT-050&sku=BLP-BAT-001&sku=NOPE&sku=BLP-HID-001")
    assert response.json() == [
        {"sku": "URG-PRT-050", "available": 0},
        {"sku": "BLP-BAT-001", "available": 6},
        {"sku": "BLP-HID-001", "available": 0},
    ]


def test_stock_without_skus_is_empty_and_too_many_is_422(client, catalog_data):
    assert client.get("/api/catalog/stock").json() == []
    query = "&".join(f"sku=S{n}" for n in range(101))
    response = client.get(f"/api/catalog/stock?{query}")
    assert response.status_code == 422
    assert response.json()["code"] == "too_many_skus"


def test_recently_viewed_needs_a_token(client):
    response = client.get("/api/catalog/me/recently-viewed")
    assert response.status_code == 401


def test_recently_viewed_is_empty_without_mongodb(client):
    response = client.get("/api/catalog/me/recently-viewed", **auth_header(user_id=3))
    assert response.status_code == 200
    assert orjson.loads(response.content) == []


def test_plain_views_are_not_mounted_unless_benchmarking(client, catalog_data):
    assert client.get("/plain/catalog/products").status_code == 404


def test_the_installments_hint_follows_the_shops_policy(client, catalog_data, settings):
    settings.SHOP_INSTALLMENT_MIN_AMOUNT = "5.00"
    settings.SHOP_INSTALLMENTS_INTEREST_FREE = 4
    assert client.get(f"{URL}/batom-matte-rose").json()["installments"] == {"count": 4, "amount": "9.97"}
