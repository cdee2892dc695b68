"""Cosmetics compliance data: INCI ingredients in label order (validated, searchable), allergens,
ANVISA number and risk grade, PAO; the storefront's "sem <ingrediente>" and allergen filters."""

import pytest

from catalog.products.indexing import product_index_refresh
from catalog.products.models import Product
from tests.admin_pages import form_as_loaded

pytestmark = pytest.mark.django_db

URL = "/api/catalog/products"


def _label(slug: str, ingredients: list[str], allergens: list[str] = ()) -> None:
    Product.objects.filter(slug=slug).update(ingredients=ingredients, allergens=list(allergens))
    product_index_refresh(product_ids=Product.objects.filter(slug=slug).values_list("pk", flat=True))


def _slugs(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return sorted(item["slug"] for item in response.json()["items"])


@pytest.fixture
def labelled(catalog_data):
    _label("batom-matte-rose", ["RICINUS COMMUNIS SEED OIL", "CERA ALBA", "PARFUM", "LIMONENE"], ["limonene"])
    _label("hidratante-facial", ["AQUA", "GLYCERIN", "1,2-HEXANEDIOL"])
    _label("protetor-solar-fps-50", ["AQUA", "HOMOSALATE", "PARFUM", "LINALOOL"], ["linalool"])


def test_free_of_excludes_products_listing_that_ingredient_and_is_repeatable(client, labelled):
    everything = _slugs(client)
    without_parfum = _slugs(client, free_of="parfum")
    assert "batom-matte-rose" not in without_parfum and "protetor-solar-fps-50" not in without_parfum
    assert "hidratante-facial" in without_parfum
    assert len(without_parfum) == len(everything) - 2
    both = client.get(URL, {"free_of": ["aqua", "Cera  alba"]}).json()["items"]
    assert {"batom-matte-rose", "hidratante-facial", "protetor-solar-fps-50"}.isdisjoint(i["slug"] for i in both)
    assert "hidratante-facial" in _slugs(client, free_of="AQUA ROSAE")  # a whole INCI name, not a prefix


def test_allergen_free_excludes_products_labelled_with_it(client, labelled):
    assert "batom-matte-rose" not in _slugs(client, allergen_free="limonene")
    assert "protetor-solar-fps-50" in _slugs(client, allergen_free="limonene")
    listing = client.get(URL, {"allergen_free": ["limonene", "linalool"]}).json()["items"]
    assert {"batom-matte-rose", "protetor-solar-fps-50"}.isdisjoint(i["slug"] for i in listing)


def test_products_are_found_by_an_ingredient(client, labelled):
    assert "protetor-solar-fps-50" in _slugs(client, q="homosalate")


def test_the_admin_takes_the_inci_list_as_label_text_and_refuses_a_bad_one(admin_client, catalog_data):
    product = Product.objects.get(slug="hidratante-facial")
    url = f"/admin/products/product/{product.pk}/change/"
    data = {
        **form_as_loaded(admin_client.get(url)),
        "ingredients": "Aqua, Glycerin, 1,2-Hexanediol\nSodium  Hyaluronate",
        "allergens": ["linalool"],
        "anvisa_number": "25351.123456/2024-11",
        "anvisa_risk_grade": "2",
        "pao_months": "12",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    product.refresh_from_db()
    assert product.ingredients == ["AQUA", "GLYCERIN", "1,2-HEXANEDIOL", "SODIUM HYALURONATE"]
    assert (product.allergens, product.anvisa_risk_grade, product.pao_months) == (["linalool"], 2, 12)
    shown = admin_client.get(url).content.decode()
    assert "AQUA, GLYCERIN, 1,2-HEXANEDIOL, SODIUM HYALURONATE" in shown

    for bad, message in [
        ("AQUA, GLYCERIN, AQUA", "O ingrediente AQUA aparece duas vezes."),
        ("AQUA, <b>", "não parece um nome INCI"),
    ]:
        response = admin_client.post(url, {**data, "ingredients": bad})
        assert response.status_code == 200
        assert message in str(response.context["adminform"].form.errors)
    response = admin_client.post(url, {**data, "anvisa_number": "12"})
    assert "O número ANVISA tem de 9 a 17 dígitos" in str(response.context["adminform"].form.errors)


def test_the_allergen_list_is_the_80_of_regulation_2023_1545():
    from catalog.products.compliance import ALLERGEN_CHOICES, ALLERGENS, HISTORICAL_ALLERGENS

    assert len(ALLERGENS) == 80 and len(ALLERGEN_CHOICES) == 80
    assert len(HISTORICAL_ALLERGENS) == 24 and set(HISTORICAL_ALLERGENS) <= set(ALLERGENS)
    # The two substances banned since (HICC, lilial) are no longer labelled allergens: they cannot be sold at all.
    assert not {"hydroxyisohexyl_3_cyclohexene_carboxaldehyde", "butylphenyl_methylpropional"} & set(ALLERGENS)
    for added in ("sclareol", "lavandula", "citrus_limon_peel_oil", "rose_ketones", "propylidenephthalide"):
        assert added in ALLERGENS
    assert all(code.replace("_", "").isalnum() and code.islower() for code in ALLERGENS)


def test_the_admin_offers_every_allergen_and_the_filter_takes_a_new_one(client, admin_client, catalog_data):
    from catalog.products.admin_forms import ProductForm

    assert len(ProductForm.base_fields["allergens"].choices) == 80
    _label("batom-matte-rose", ["RICINUS COMMUNIS SEED OIL", "SCLAREOL"], ["sclareol"])
    assert "batom-matte-rose" not in _slugs(client, allergen_free="sclareol")
    assert "batom-matte-rose" in _slugs(client, allergen_free="limonene")
