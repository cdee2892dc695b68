"""The merchandiser admin: edits, bulk actions, price change, CSV import/export, low stock, permissions."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.inventory.models import Stock, StockMovement
from catalog.products.models import Product, Variant
from common.events.testing import published
from tests.test_csv_import import BAD, GOOD

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/products/product/"


def test_product_list_filters_and_search_by_sku(admin_client, catalog_data):
    response = admin_client.get(CHANGELIST, {"q": "URG-PRT-050"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [catalog_data["protetor"]]
    low = admin_client.get(CHANGELIST, {"stock": "low"})
    names = sorted(p.name for p in low.context["cl"].result_list)
    assert names == ["Batom Matte Rosé", "Protetor Solar FPS 50 Toque Seco"]
    assert admin_client.get(CHANGELIST, {"brand__id__exact": catalog_data["rimel"].brand_id}).status_code == 200


def test_bulk_unpublish_and_publish_go_through_services(admin_client, catalog_data):
    ids = [catalog_data["batom"].pk, catalog_data["secreto"].pk]
    admin_client.post(CHANGELIST, {"action": "unpublish", "_selected_action": ids})
    assert not Product.objects.get(pk=catalog_data["batom"].pk).is_published
    assert [e.payload["slug"] for e in published("catalog.product_unpublished")] == ["batom-matte-rose"]
    admin_client.post(CHANGELIST, {"action": "publish", "_selected_action": ids})
    assert Product.objects.filter(pk__in=ids, is_published=True).count() == 2
    assert sorted(e.payload["slug"] for e in published("catalog.product_published")) == [
        "batom-matte-rose",
        "batom-secreto",
    ]


def test_price_change_by_percentage_asks_then_applies(admin_client, catalog_data):
    ids = [catalog_data["batom"].pk]
    form = admin_client.post(CHANGELIST, {"action": "change_prices", "_selected_action": ids})
    assert form.status_code == 200 and b"percentage" in form.content
    assert Variant.objects.get(sku="BLP-BAT-001").price == Decimal("39.90")
    admin_client.post(
        CHANGELIST, {"action": "change_prices", "_selected_action": ids, "percentage": "10", "apply": "1"}
    )
    prices = dict(Variant.objects.filter(product_id=ids[0]).values_list("sku", "price"))
    assert prices == {"BLP-BAT-001": Decimal("43.89"), "BLP-BAT-002": Decimal("49.39")}
    assert Product.objects.get(pk=ids[0]).price_from == Decimal("43.89")
    [event] = published("catalog.product_updated")
    assert [v["price"] for v in event.payload["variants"]] == ["43.89", "49.39"]


def test_editing_a_product_with_its_variant_stock_publishes_updates(admin_client, catalog_data):
    product = catalog_data["gloss"]
    variant = product.variants.get()
    data = {
        "name": "Gloss Labial Diamante",
        "slug": product.slug,
        "brand": product.brand_id,
        "category": product.category_id,
        "product_type": product.product_type_id,
        "description": "",
        "is_published": "on",
        "seo_title": "",
        "seo_description": "",
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "1",
        "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "1000",
        "variants-0-id": variant.pk,
        "variants-0-product": product.pk,
        "variants-0-sku": variant.sku,
        "variants-0-name": "Diamante",
        "variants-0-shade_hex": "",
        "variants-0-size": "",
        "variants-0-price": "31.90",
        "variants-0-compare_at_price": "",
        "variants-0-ean13": "",
        "variants-0-weight_grams": "10",
        "variants-0-length_cm": "4",
        "variants-0-width_cm": "4",
        "variants-0-height_cm": "12.5",
        "variants-0-position": "0",
        "variants-0-sale_mode": "regular",
        "variants-0-stock_reason": "counted",
        "variants-0-stock_quantity": "2",
        "variants-0-stock_on_hand_seen": "20",
        "variants-0-low_stock_threshold": "5",
        "kit_components-TOTAL_FORMS": "0",
        "kit_components-INITIAL_FORMS": "0",
        "kit_components-MIN_NUM_FORMS": "0",
        "kit_components-MAX_NUM_FORMS": "1000",
        "attribute_values-TOTAL_FORMS": "0",
        "attribute_values-INITIAL_FORMS": "0",
        "attribute_values-MIN_NUM_FORMS": "0",
        "attribute_values-MAX_NUM_FORMS": "1000",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(f"{CHANGELIST}{product.pk}/change/", data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    product.refresh_from_db()
    assert (product.name, product.price_from) == ("Gloss Labial Diamante", Decimal("31.90"))
    assert "diamante" in product.search_text
    stock = Stock.objects.get(variant=variant)
    assert (stock.on_hand, stock.low_stock_threshold) == (2, 5)
    [movement] = StockMovement.objects.filter(sku="BLP-GLS-001")
    assert (movement.reason, movement.delta, movement.on_hand_after) == ("counted", -18, 2)
    [updated] = published("catalog.product_updated")
    assert updated.payload["name"] == "Gloss Labial Diamante"
    assert updated.payload["variants"] == [
        {
            "sku": "BLP-GLS-001",
            "name": "Diamante",
            "price": "31.90",
            "currency": "BRL",
            "weight_grams": 10,
            "length_cm": "4.0",
            "width_cm": "4.0",
            "height_cm": "12.5",
            "sale_mode": "regular",
        }
    ]
    [changed] = published("catalog.stock_changed")
    assert (changed.payload["on_hand"], changed.payload["low_stock_threshold"]) == (2, 5)


def test_csv_import_page_dry_run_lists_bad_rows_and_writes_nothing(admin_client, catalog_data):
    before = Variant.objects.count()
    upload = SimpleUploadedFile("bad.csv", BAD.encode())
    response = admin_client.post(f"{CHANGELIST}import/", {"file": upload, "dry_run": "on"})
    assert response.status_code == 200
    assert "4 linhas com problema: nada foi gravado" in response.content.decode()
    assert b"brand desconhecido: &#x27;no-brand&#x27;" in response.content
    assert Variant.objects.count() == before


def test_csv_import_page_imports_a_good_file(admin_client, catalog_data):
    upload = SimpleUploadedFile("good.csv", GOOD.encode())
    response = admin_client.post(f"{CHANGELIST}import/", {"file": upload})
    assert response.status_code == 302
    assert Variant.objects.filter(sku="NEW-SER-001").exists()


def test_csv_export_page(admin_client, catalog_data):
    response = admin_client.get(f"{CHANGELIST}export/")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel opens it as UTF-8
    lines = body.decode("utf-8-sig").splitlines()
    assert len(lines) == 8 and lines[0].startswith("sku;product_slug;product_name;")
    assert ";39,90;" in lines[1]  # the decimal comma Excel in Portuguese reads as a number


def test_low_stock_list_and_other_admin_pages_load(admin_client, catalog_data):
    response = admin_client.get("/admin/inventory/lowstock/")
    assert response.status_code == 200
    skus = [s.variant.sku for s in response.context["cl"].result_list]
    assert skus == ["BLP-BAT-002", "URG-PRT-050"]
    for url in [
        "/admin/shopper_activity/zeroresultquery/",
        "/admin/inventory/reservation/",
        "/admin/imports/importjob/",
        "/admin/inventory/stock/",
        f"{CHANGELIST}add/",
        f"{CHANGELIST}{catalog_data['batom'].pk}/change/",
        f"{CHANGELIST}import/",
        "/admin/products/category/",
        "/admin/products/producttype/",
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_merchandiser_group_has_the_catalog_permissions():
    codenames = set(Group.objects.get(name="Merchandiser").permissions.values_list("codename", flat=True))
    assert {
        "change_product",
        "add_variant",
        "change_stock",
        "view_stockmovement",
        "view_zeroresultquery",
        "view_importjob",
    } <= codenames
    assert "change_user" not in codenames


def test_deleting_a_published_product_announces_it_unpublished(admin_client, catalog_data):
    product = catalog_data["rimel"]
    admin_client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [product.pk], "post": "yes"})
    assert not Product.objects.filter(pk=product.pk).exists()
    [event] = published("catalog.product_unpublished")
    assert (event.key, event.payload["slug"], event.payload["published"]) == (str(product.pk), product.slug, False)


def test_the_variant_rows_have_a_colour_picker_and_a_swatch_of_each_shade(admin_client, catalog_data):
    Variant.objects.filter(sku="BLP-BAT-001").update(shade_hex="#C8787E")
    product = Product.objects.get(slug="batom-matte-rose")
    page = admin_client.get(f"/admin/products/product/{product.pk}/change/").content.decode()
    assert page.count('type="color"') >= 2  # one per variant row (and the empty template row)
    assert 'class="shade-swatch" title="#C8787E"' in page and "background:#C8787E" in page
    assert 'title="sem cor"' in page  # the variant without a shade: an empty swatch, and no colour is sent
    assert 'name="variants-0-shade_hex"' in page
    assert page.count('class="shade-picker"') == page.count("shade-swatch")


def test_the_product_list_shows_each_shades_swatch_in_a_fixed_number_of_queries(admin_client, catalog_data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Variant.objects.filter(sku="BLP-BAT-001").update(shade_hex="#C8787E", name="Rosé 02")

    def list_page() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            page = admin_client.get("/admin/products/product/").content.decode()
        return page, len(queries)

    page, queries_with_one = list_page()
    assert 'class="shade-swatch" title="Rosé 02 (#C8787E)"' in page and "background:#C8787E" in page
    for number, variant in enumerate(Variant.objects.exclude(sku="BLP-BAT-001").select_related("product")[:5]):
        Variant.objects.filter(pk=variant.pk).update(shade_hex=f"#00000{number}")
    page, queries_with_more = list_page()
    assert page.count('class="shade-swatch"') >= 2
    assert queries_with_more == queries_with_one  # the shades come in one prefetch, not a query per row
