"""A judged set of Portuguese and English queries with their expected top results (PostgreSQL search).

Each case says which products must fill the first ``len(expected)`` places (in any order): typos,
missing accents, prefixes, plurals, SKUs, brand names and English words from descriptions.
"""

import pytest

from catalog.products.models import Attribute, Brand, Category, ProductType
from tests.conftest import make_product

pytestmark = pytest.mark.django_db

PRODUCTS = [
    # slug, name, brand, sku, description
    (
        "rimel-volume",
        "Rímel Volume Extremo à Prova d'Água",
        "Lumière Paris",
        "LUM-MSC-001",
        "Waterproof volumizing mascara.",
    ),
    (
        "mascara-alongamento",
        "Máscara de Cílios Alongamento Natural",
        "Natura Viva",
        "NTV-MSC-002",
        "Lengthening mascara.",
    ),
    ("protetor-fps-50", "Protetor Solar FPS 50 Toque Seco", "Derma Sol", "DMS-PRT-050", "Sunscreen SPF 50, dry touch."),
    ("protetor-infantil", "Protetor Solar Infantil FPS 70", "Derma Sol", "DMS-PRT-070", "Kids sunscreen SPF 70."),
    (
        "hidratante-facial",
        "Hidratante Facial Ácido Hialurônico",
        "Bella Pele",
        "BLP-HID-001",
        "Hyaluronic acid face moisturizer.",
    ),
    (
        "hidratante-corporal",
        "Hidratante Corporal Manteiga de Karité",
        "Natura Viva",
        "NTV-HID-002",
        "Shea butter body lotion.",
    ),
    ("batom-vermelho", "Batom Matte Vermelho Paixão", "Velvet Lab", "VLB-BAT-001", "Red matte lipstick."),
    ("batom-nude", "Batom Cremoso Nude", "Bella Pele", "BLP-BAT-002", "Creamy nude lipstick."),
    (
        "base-alta-cobertura",
        "Base Líquida Alta Cobertura",
        "Urban Glow",
        "URG-BAS-001",
        "Full coverage liquid foundation.",
    ),
    ("corretivo-iluminador", "Corretivo Líquido Iluminador", "Urban Glow", "URG-COR-001", "Brightening concealer."),
    (
        "serum-vitamina-c",
        "Sérum Vitamina C Antioxidante",
        "Lumière Paris",
        "LUM-SER-001",
        "Antioxidant vitamin C serum.",
    ),
    ("shampoo-cachos", "Shampoo Cachos Definidos", "Natura Viva", "NTV-SHA-001", "Curl defining shampoo."),
    (
        "condicionador-reparacao",
        "Condicionador Reparação Intensa",
        "Natura Viva",
        "NTV-CON-001",
        "Intense repair conditioner.",
    ),
    (
        "perfume-laranjeira",
        "Perfume Flor de Laranjeira Eau de Parfum",
        "Lumière Paris",
        "LUM-PRF-001-02",
        "Orange blossom fragrance.",
    ),
    ("delineador-caneta", "Delineador Preto Caneta", "Velvet Lab", "VLB-DEL-001", "Black eyeliner pen."),
    ("gloss-cristal", "Gloss Labial Brilho Cristal", "Velvet Lab", "VLB-GLS-001", "Shiny lip gloss."),
    ("agua-micelar", "Água Micelar Demaquilante", "Derma Sol", "DMS-AGU-001", "Micellar water makeup remover."),
    ("esfoliante-cafe", "Esfoliante Facial Café", "Bella Pele", "BLP-ESF-001", "Coffee face scrub."),
    ("po-compacto", "Pó Compacto Translúcido", "Urban Glow", "URG-PO-001", "Translucent setting powder."),
    ("creme-maos", "Creme para Mãos Lavanda", "Bella Pele", "BLP-CRM-001", "Lavender hand cream."),
]

JUDGED = [
    # Portuguese, accents and plurals
    ("rimel", ["rimel-volume"]),
    ("rímel à prova d'água", ["rimel-volume"]),
    ("protetor solar", ["protetor-fps-50", "protetor-infantil"]),
    ("protetor solar fps 50", ["protetor-fps-50"]),
    ("hidratante facial", ["hidratante-facial"]),
    ("batom vermelho", ["batom-vermelho"]),
    ("batons", ["batom-vermelho", "batom-nude"]),
    ("mascara cilios", ["mascara-alongamento"]),
    ("serum", ["serum-vitamina-c"]),
    ("agua micelar", ["agua-micelar"]),
    ("perfume laranjeira", ["perfume-laranjeira"]),
    ("po compacto", ["po-compacto"]),
    ("cafe", ["esfoliante-cafe"]),
    ("maos", ["creme-maos"]),
    # prefixes
    ("hidrat", ["hidratante-facial", "hidratante-corporal"]),
    ("shampo", ["shampoo-cachos"]),
    ("delinea", ["delineador-caneta"]),
    # typos
    ("hidratamte", ["hidratante-facial", "hidratante-corporal"]),
    ("protetro solar", ["protetor-fps-50", "protetor-infantil"]),
    ("condicionadro", ["condicionador-reparacao"]),
    ("corretvo", ["corretivo-iluminador"]),
    # English
    ("mascara", ["rimel-volume", "mascara-alongamento"]),
    ("sunscreen", ["protetor-fps-50", "protetor-infantil"]),
    ("lipstick", ["batom-vermelho", "batom-nude"]),
    ("foundation", ["base-alta-cobertura"]),
    ("moisturizer", ["hidratante-facial"]),
    ("vitamin c serum", ["serum-vitamina-c"]),
    ("concealer", ["corretivo-iluminador"]),
    ("lip gloss", ["gloss-cristal"]),
    # brands and SKUs
    ("lumiere", ["rimel-volume", "serum-vitamina-c", "perfume-laranjeira"]),
    ("derma sol", ["protetor-fps-50", "protetor-infantil", "agua-micelar"]),
    ("DMS-PRT-050", ["protetor-fps-50"]),
    ("lum-ser-001", ["serum-vitamina-c"]),
    ("LUM-PRF-001-02", ["perfume-laranjeira"]),
]


@pytest.fixture
def judged_catalog(db):
    category = Category.objects.create(slug="beleza", name="Beleza")
    product_type = ProductType.objects.create(slug="cosmetico", name="Cosmético")
    Attribute.objects.create(product_type=product_type, code="skin_type", name="Tipo de pele")
    brands = {}
    for days, (slug, name, brand_name, sku, description) in enumerate(PRODUCTS):
        if brand_name not in brands:
            brands[brand_name] = Brand.objects.create(name=brand_name, slug=brand_name.lower().replace(" ", "-"))
        make_product(
            name=name,
            slug=slug,
            brand=brands[brand_name],
            category=category,
            product_type=product_type,
            variants=[(sku, "Único", "50.00", 5)],
            description=description,
            days=days,
        )


def test_the_judged_set_has_at_least_twenty_queries():
    assert len(JUDGED) >= 20


@pytest.mark.parametrize(("query", "expected"), JUDGED, ids=[q for q, _ in JUDGED])
def test_judged_query_finds_its_expected_top_results(client, postgresql, judged_catalog, query, expected):
    response = client.get("/api/catalog/products", {"q": query, "page_size": 10})
    found = [item["slug"] for item in response.json()["items"]]
    assert set(found[: len(expected)]) == set(expected), found


def test_search_document_is_stored_and_indexed(postgresql, judged_catalog):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM products_product WHERE search_document IS NULL")
        assert cursor.fetchone() == (0,)
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'product_search_document_gin'")
        assert "gin (search_document)" in cursor.fetchone()[0]
