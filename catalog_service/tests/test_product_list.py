"""GET /api/catalog/products: filters, sorts and pagination pinned to exact results on a fixed catalog."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/catalog/products"


def slugs(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["items"]]


NEWEST_FIRST = [
    "gloss-labial-cristal",
    "hidratante-facial",
    "protetor-solar-fps-50",
    "rimel-volume-extremo",
    "batom-matte-rose",
]


def test_default_order_is_newest_first_and_hides_unpublished_products(client, catalog_data):
    assert slugs(client) == NEWEST_FIRST


def test_list_item_has_exactly_the_contract_fields(client, catalog_data):
    body = client.get(URL, {"brand": "bella-pele", "sort": "name"}).json()
    assert body["items"][0] == {
        "slug": "batom-matte-rose",
        "name": "Batom Matte Rosé",
        "brand": {"slug": "bella-pele", "name": "Bella Pele"},
        "category": {"slug": "batons", "name": "Batons"},
        "price_from": "39.90",
        "currency": "BRL",
        "in_stock": True,
        "image_url": "https://img.test/batom-matte-rose/0.jpg",
    }
    assert body["count"] == 3 and body["page"] == 1 and body["pages"] == 1


def test_product_without_images_or_stock_says_so(client, catalog_data):
    item = client.get(URL, {"brand": "urban-glow", "sort": "-price"}).json()["items"][0]
    assert item["slug"] == "protetor-solar-fps-50"
    assert item["image_url"] is None
    assert item["in_stock"] is False


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            "price",
            [
                "gloss-labial-cristal",
                "batom-matte-rose",
                "hidratante-facial",
                "rimel-volume-extremo",
                "protetor-solar-fps-50",
            ],
        ),
        (
            "-price",
            [
                "protetor-solar-fps-50",
                "rimel-volume-extremo",
                "hidratante-facial",
                "batom-matte-rose",
                "gloss-labial-cristal",
            ],
        ),
        (
            "name",
            [
                "batom-matte-rose",
                "gloss-labial-cristal",
                "hidratante-facial",
                "protetor-solar-fps-50",
                "rimel-volume-extremo",
            ],
        ),
        ("-created", NEWEST_FIRST),
        ("relevance", NEWEST_FIRST),
    ],
)
def test_sorts(client, catalog_data, sort, expected):
    assert slugs(client, sort=sort) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "maquiagem"}, ["gloss-labial-cristal", "rimel-volume-extremo", "batom-matte-rose"]),
        ({"category": "labios"}, ["gloss-labial-cristal", "batom-matte-rose"]),
        ({"category": "batons"}, ["gloss-labial-cristal", "batom-matte-rose"]),
        ({"category": "cuidados-com-a-pele"}, ["hidratante-facial", "protetor-solar-fps-50"]),
        ({"category": "no-such-category"}, []),
        ({"brand": "urban-glow"}, ["protetor-solar-fps-50", "rimel-volume-extremo"]),
        ({"min_price": "40", "max_price": "60"}, ["hidratante-facial", "rimel-volume-extremo"]),
        ({"min_price": "79.90"}, ["protetor-solar-fps-50"]),
        ({"max_price": "29.90"}, ["gloss-labial-cristal"]),
        (
            {"in_stock": "true"},
            ["gloss-labial-cristal", "hidratante-facial", "rimel-volume-extremo", "batom-matte-rose"],
        ),
        ({"in_stock": "false"}, NEWEST_FIRST),
        ({"skin_type": "oleosa"}, ["protetor-solar-fps-50"]),
        ({"skin_type": "OLEOSA"}, ["protetor-solar-fps-50"]),
        ({"skin_type": "seca", "volume_ml": "50"}, ["hidratante-facial"]),
        ({"finish": "matte", "brand": "bella-pele"}, ["batom-matte-rose"]),
        ({"utm_source": "newsletter"}, NEWEST_FIRST),
        (
            {"category": "maquiagem", "in_stock": "true", "sort": "price"},
            ["gloss-labial-cristal", "batom-matte-rose", "rimel-volume-extremo"],
        ),
    ],
)
def test_filters(client, catalog_data, params, expected):
    assert slugs(client, **params) == expected


def test_pagination_pages_and_counts(client, catalog_data):
    first = client.get(URL, {"page_size": 2}).json()
    assert [i["slug"] for i in first["items"]] == NEWEST_FIRST[:2]
    assert (first["count"], first["page"], first["pages"]) == (5, 1, 3)
    second = client.get(URL, {"page_size": 2, "page": 2}).json()
    assert [i["slug"] for i in second["items"]] == NEWEST_FIRST[2:4]
    last = client.get(URL, {"page_size": 2, "page": 3}).json()
    assert [i["slug"] for i in last["items"]] == NEWEST_FIRST[4:]
    beyond = client.get(URL, {"page_size": 2, "page": 4}).json()
    assert beyond == {"items": [], "count": 5, "page": 4, "pages": 3}


def test_empty_result_has_one_page(client, catalog_data):
    assert client.get(URL, {"brand": "nobody"}).json() == {"items": [], "count": 0, "page": 1, "pages": 1}


@pytest.mark.parametrize(
    "params",
    [
        {"page_size": "101"},
        {"page_size": "0"},
        {"page": "0"},
        {"page": "x"},
        {"sort": "popularity"},
        {"min_price": "abc"},
        {"max_price": "-1"},
        {"in_stock": "maybe"},
        {"q": "x" * 201},
    ],
)
def test_bad_parameters_are_422_never_500(client, catalog_data, params):
    response = client.get(URL, params)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_punctuation_only_query_finds_nothing(client, catalog_data):
    assert client.get(URL, {"q": "?!--"}).json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("rimel", "rimel-volume-extremo"),
        ("Rímel", "rimel-volume-extremo"),
        ("protetor solar", "protetor-solar-fps-50"),
        ("hidrat", "hidratante-facial"),
        ("URG-PRT-050", "protetor-solar-fps-50"),
        ("bella gloss", "gloss-labial-cristal"),
    ],
)
def test_search_is_accent_insensitive_and_prefix_tolerant_on_every_database(
    client, catalog_data, query, expected_first
):
    assert slugs(client, q=query)[0] == expected_first


def test_search_narrows_with_filters_and_never_shows_unpublished(client, catalog_data):
    assert slugs(client, q="batom") == ["batom-matte-rose"]
    assert slugs(client, q="batom", brand="urban-glow") == []
