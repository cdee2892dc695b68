"""The precompiled-SQL fast path answers byte for byte what the ORM reference renders.

Every URL is asked twice through the API: once as served (``catalog.products.fast_reads``), once with
the ORM selectors (``product_list_page`` / ``product_detail`` dumped by orjson, the renderer of before)
swapped in. The judged search set, a spread of list filters, sorts and pages, and detail pages; on the
engine of the run, and on PostgreSQL also on SQLite (a child pytest, the embedded default).
"""

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest
from django.db import connection

from catalog.products import responses
from catalog.products.models import Product, ProductImage, Variant
from catalog.products.selectors import product_detail, product_list_page
from tests.test_search_judged import JUDGED, judged_catalog  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

LIST_QUERIES = [
    {},
    {"page_size": 2},
    {"page_size": 2, "page": 2},
    {"page_size": 2, "page": 3},
    {"page": 40},
    {"sort": "price"},
    {"sort": "-price"},
    {"sort": "name"},
    {"sort": "-created"},
    {"sort": "relevance"},
    {"category": "maquiagem"},
    {"category": "labios", "sort": "price"},
    {"category": "cuidados-com-a-pele", "in_stock": "true"},
    {"category": "nenhuma"},
    {"brand": "bella-pele"},
    {"brand": "urban-glow", "sort": "-price"},
    {"min_price": "40"},
    {"max_price": "50", "sort": "price"},
    {"min_price": "30", "max_price": "60", "brand": "bella-pele"},
    {"in_stock": "true"},
    {"in_stock": "false"},
    {"skin_type": "oleosa"},
    {"skin_type": "SECA"},
    {"finish": "matte", "category": "maquiagem"},
    {"utm_source": "newsletter"},
    {"free_of": "limonene"},
    {"free_of": ["limonene", "cera alba"]},
    {"free_of": "100%_"},
    {"allergen_free": "linalool"},
    {"allergen_free": ["linalool", "limonene"], "sort": "name"},
    {"q": "batom"},
    {"q": "batom", "sort": "price"},
    {"q": "batom", "page_size": 1, "page": 2},
    {"q": "hidratante", "category": "cuidados-com-a-pele"},
    {"q": "rimel", "in_stock": "true"},
    {"q": "!!!"},
    {"q": "nada-por-aqui"},
]
DETAIL_SLUGS = [
    "batom-matte-rose",
    "rimel-volume-extremo",
    "protetor-solar-fps-50",
    "hidratante-facial",
    "gloss-labial-cristal",
    "batom-secreto",  # unpublished: 404
    "nao-existe",  # 404
]


def reference_list_body(filters, *, version=None):
    page = product_list_page(filters)
    return orjson.dumps(page), page["count"]


def reference_detail_body(slug):
    detail = product_detail(slug=slug)
    return None if detail is None else (orjson.dumps(detail), detail["name"])


@contextmanager
def the_orm_reference(monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(responses, "product_list_body", reference_list_body)
        patch.setattr(responses, "product_detail_body", reference_detail_body)
        yield


def both_answers(client, monkeypatch, path, query=None):
    fast = client.get(path, query or {})
    with the_orm_reference(monkeypatch):
        reference = client.get(path, query or {})
    return fast, reference


@pytest.fixture
def rich_catalog(catalog_data):
    """The fixed catalog plus what a detail page can show: INCI, allergens, ANVISA, PAO, shades, sizes,
    thumbnails and image sizes."""
    Product.objects.filter(slug="batom-matte-rose").update(
        ingredients=["RICINUS COMMUNIS SEED OIL", "CERA ALBA", "LIMONENE"],
        allergens=["limonene"],
        anvisa_number="25351.123456/2024-11",
        anvisa_risk_grade=1,
        pao_months=12,
    )
    Product.objects.filter(slug="hidratante-facial").update(
        ingredients=["AQUA", "GLYCERIN", "100%_ PURE"], allergens=["linalool"], anvisa_risk_grade=2
    )
    Variant.objects.filter(sku="BLP-BAT-001").update(shade_hex="#C8787E")
    Variant.objects.filter(sku="BLP-HID-001").update(size="50 ml")
    ProductImage.objects.filter(product__slug="batom-matte-rose", position=0).update(
        thumbnail_url="https://img.test/thumb.jpg", width=800, height=600
    )
    return catalog_data


@pytest.mark.parametrize("query", LIST_QUERIES, ids=[json.dumps(q) for q in LIST_QUERIES])
def test_list_answers_are_byte_identical_to_the_orm_reference(client, monkeypatch, rich_catalog, query):
    fast, reference = both_answers(client, monkeypatch, "/api/catalog/products", query)
    assert (
        (fast.status_code, fast["Content-Type"])
        == (reference.status_code, reference["Content-Type"])
        == (
            200,
            "application/json",
        )
    )
    assert fast.content == reference.content


def test_the_list_spread_finds_products_so_equality_means_something(client, rich_catalog):
    counts = {
        json.dumps(query): client.get("/api/catalog/products", query).json()["count"]
        for query in LIST_QUERIES[:31]  # the filters (the searches are checked below)
    }
    assert counts[json.dumps({})] == 5
    assert counts[json.dumps({"category": "labios", "sort": "price"})] == 2
    assert counts[json.dumps({"skin_type": "oleosa"})] == 1
    assert counts[json.dumps({"free_of": "limonene"})] == 4
    assert counts[json.dumps({"allergen_free": ["linalool", "limonene"], "sort": "name"})] == 3
    assert counts[json.dumps({"utm_source": "newsletter"})] == 5
    assert sum(1 for count in counts.values() if count) >= 25


@pytest.mark.parametrize("slug", DETAIL_SLUGS)
def test_detail_answers_are_byte_identical_to_the_orm_reference(client, monkeypatch, rich_catalog, slug):
    fast, reference = both_answers(client, monkeypatch, f"/api/catalog/products/{slug}")
    assert fast.status_code == reference.status_code == (404 if slug in ("batom-secreto", "nao-existe") else 200)
    assert fast.content == reference.content


def test_judged_search_answers_are_byte_identical_to_the_orm_reference(client, monkeypatch, judged_catalog):  # noqa: F811
    nonempty = 0
    for query, _expected in JUDGED:
        for extra in ({"page_size": 10}, {"page_size": 3, "page": 2, "sort": "price"}):
            fast, reference = both_answers(client, monkeypatch, "/api/catalog/products", {"q": query, **extra})
            assert fast.status_code == reference.status_code == 200, query
            assert fast.content == reference.content, query
            nonempty += bool(fast.json()["items"])
    assert nonempty >= len(JUDGED)


def test_list_and_detail_cost_as_many_statements_as_before(client, rich_catalog, django_assert_num_queries):
    with django_assert_num_queries(2):  # count and page
        query = {"category": "cuidados-com-a-pele", "skin_type": "oleosa", "free_of": "aqua"}
        assert client.get("/api/catalog/products", query).json()["count"] == 1
    with django_assert_num_queries(1):  # a page past the end: the count only
        client.get("/api/catalog/products", {"page": 50})
    with django_assert_num_queries(4):
        client.get("/api/catalog/products/batom-matte-rose")


def test_fast_path_is_also_byte_identical_on_sqlite(postgresql, tmp_path):
    """The embedded default: this module again on SQLite (a child pytest without a database URL)."""
    output = tmp_path / "engine.json"
    env = {key: value for key, value in os.environ.items() if not key.endswith("DATABASE_URL")}
    env.pop("JUNIT_XML", None)
    env["FAST_READS_ENGINE_FILE"] = str(output)
    child = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", __file__, "-k", "not sqlite and not page_cost"],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert child.returncode == 0, child.stdout[-3000:] + child.stderr[-3000:]
    assert json.loads(output.read_text()) == {"engine": "sqlite"}
    assert " passed" in child.stdout and "failed" not in child.stdout and "skipped" not in child.stdout


@pytest.fixture(autouse=True)
def _engine_of_the_child_run():
    yield
    if os.environ.get("FAST_READS_ENGINE_FILE"):
        Path(os.environ["FAST_READS_ENGINE_FILE"]).write_text(json.dumps({"engine": connection.vendor}))


def test_catalog_connections_plan_with_the_ssd_page_cost(postgresql):
    """What makes a search's count use the GIN index on 30,000 products (bench/catalog_peer.py EXPLAINs it)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)
