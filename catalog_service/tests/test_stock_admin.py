"""Stock edits in the admin: relative adjustments with a reason, never a stale on_hand written back."""

import importlib

import pytest
from django.apps import apps

from catalog.inventory.models import Stock, StockMovement
from catalog.products.models import Variant
from common.events.testing import deliver, published
from config.event_handlers import HANDLERS
from tests.admin_pages import form_as_loaded
from tests.test_reservations import paid, placed

#: A receipt names its lot.
RECEIVED_LOT = {"stock_lot_code": "L2401", "stock_lot_expires_on": "2030-01-31"}

pytestmark = pytest.mark.django_db


def stock_page(sku: str) -> str:
    return f"/admin/inventory/stock/{Variant.objects.get(sku=sku).pk}/change/"


def levels(sku: str) -> tuple[int, int]:
    stock = Stock.objects.get(variant__sku=sku)
    return stock.on_hand, stock.reserved


def ledger(sku: str) -> list[tuple[str, int, int, str]]:
    """(reason, delta, on_hand_after, reference) of a SKU's movements, oldest first."""
    rows = StockMovement.objects.filter(sku=sku).order_by("id")
    return list(rows.values_list("reason", "delta", "on_hand_after", "reference"))


def sell(order_number: str, sku: str, quantity: int) -> None:
    """An order reserved and paid through the real saga handlers."""
    assert deliver(placed(order_number, [(sku, quantity)]), handlers=HANDLERS)
    assert deliver(paid(order_number, [(sku, quantity)]), handlers=HANDLERS)


def test_a_stale_stock_form_that_changes_only_the_threshold_keeps_the_units_sold_meanwhile(admin_client, catalog_data):
    page = admin_client.get(stock_page("BLP-BAT-001"))
    assert page.status_code == 200
    sell("CO-1", "BLP-BAT-001", 2)
    assert levels("BLP-BAT-001") == (8, 0)
    data = {**form_as_loaded(page), "low_stock_threshold": "4"}
    response = admin_client.post(stock_page("BLP-BAT-001"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    stock = Stock.objects.get(variant__sku="BLP-BAT-001")
    assert (stock.on_hand, stock.reserved, stock.low_stock_threshold) == (8, 0, 4)
    assert ledger("BLP-BAT-001") == [("sale", -2, 8, "CO-1")]


def test_saving_a_product_to_fix_its_description_keeps_the_units_sold_meanwhile(admin_client, catalog_data):
    product = catalog_data["gloss"]
    url = f"/admin/products/product/{product.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    sell("CO-2", "BLP-GLS-001", 3)
    assert levels("BLP-GLS-001") == (17, 0)
    events_before = len(published("catalog.stock_changed"))
    data = {**form_as_loaded(page), "description": "Brilho labial transparente."}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    product.refresh_from_db()
    assert product.description == "Brilho labial transparente."
    assert levels("BLP-GLS-001") == (17, 0)
    assert len(published("catalog.stock_changed")) == events_before
    assert ledger("BLP-GLS-001") == [("sale", -3, 17, "CO-2")]


def test_stock_below_what_is_reserved_is_a_form_error_and_changes_nothing(admin_client, catalog_data):
    page = admin_client.get(stock_page("BLP-BAT-001"))
    assert deliver(placed("CO-3", [("BLP-BAT-001", 2)]), handlers=HANDLERS)
    events_before = len(published())
    # ``on_hand`` is what the old absolute form took; the adjustment fields are today's form.
    data = {**form_as_loaded(page), "on_hand": "1", "stock_reason": "damaged", "stock_quantity": "9"}
    response = admin_client.post(stock_page("BLP-BAT-001"), data)
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors)
    assert "2 unidades estão reservadas" in errors, errors
    assert levels("BLP-BAT-001") == (10, 2)
    assert len(published()) == events_before


def test_a_product_variant_below_what_is_reserved_is_a_form_error_and_changes_nothing(admin_client, catalog_data):
    product = catalog_data["gloss"]
    url = f"/admin/products/product/{product.pk}/change/"
    page = admin_client.get(url)
    assert deliver(placed("CO-4", [("BLP-GLS-001", 5)]), handlers=HANDLERS)
    data = {
        **form_as_loaded(page),
        "name": "Gloss Renomeado",
        "variants-0-on_hand": "3",
        "variants-0-stock_reason": "damaged",
        "variants-0-stock_quantity": "17",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    [variant_errors] = [f.errors for f in response.context["inline_admin_formsets"][0].formset.forms]
    assert "5 unidades estão reservadas" in str(variant_errors), variant_errors
    assert levels("BLP-GLS-001") == (20, 5)
    product.refresh_from_db()
    assert product.name == "Gloss Labial Cristal"


@pytest.mark.parametrize(
    ("reason", "quantity", "on_hand", "delta"),
    [("received", 6, 16, 6), ("returned", 1, 11, 1), ("damaged", 3, 7, -3), ("correction", -2, 8, -2)],
)
def test_a_stock_movement_changes_the_units_by_its_quantity_and_is_recorded(
    admin_client, admin_user, catalog_data, reason, quantity, on_hand, delta
):
    page = admin_client.get(stock_page("BLP-BAT-001"))
    data = {
        **form_as_loaded(page),
        "stock_reason": reason,
        "stock_quantity": str(quantity),
        "stock_note": "NF 4471",
        **(RECEIVED_LOT if reason == "received" else {}),
    }
    response = admin_client.post(stock_page("BLP-BAT-001"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert levels("BLP-BAT-001") == (on_hand, 0)
    [movement] = StockMovement.objects.filter(sku="BLP-BAT-001")
    assert (movement.reason, movement.delta, movement.on_hand_after, movement.note) == (
        reason,
        delta,
        on_hand,
        "NF 4471",
    )
    assert movement.created_by == admin_user
    [changed] = published("catalog.stock_changed")
    assert (changed.payload["on_hand"], changed.payload["available"]) == (on_hand, on_hand)
    shown = admin_client.get(stock_page("BLP-BAT-001")).content.decode()
    assert "NF 4471" in shown and f"{delta:+d}" in shown


def test_a_relative_movement_from_a_stale_page_keeps_the_units_sold_meanwhile(admin_client, catalog_data):
    page = admin_client.get(stock_page("BLP-BAT-001"))
    sell("CO-5", "BLP-BAT-001", 2)
    data = {**form_as_loaded(page), "stock_reason": "received", "stock_quantity": "5", **RECEIVED_LOT}
    assert admin_client.post(stock_page("BLP-BAT-001"), data).status_code == 302
    assert levels("BLP-BAT-001") == (13, 0)
    assert ledger("BLP-BAT-001") == [("sale", -2, 8, "CO-5"), ("received", 5, 13, "")]


def test_a_count_is_applied_when_the_page_is_current(admin_client, catalog_data):
    page = admin_client.get(stock_page("BLP-BAT-001"))
    data = {**form_as_loaded(page), "stock_reason": "counted", "stock_quantity": "7"}
    assert admin_client.post(stock_page("BLP-BAT-001"), data).status_code == 302
    assert levels("BLP-BAT-001") == (7, 0)
    assert ledger("BLP-BAT-001") == [("counted", -3, 7, "")]


def test_a_count_made_on_a_page_older_than_a_sale_is_refused(admin_client, catalog_data):
    page = admin_client.get(stock_page("BLP-BAT-001"))
    sell("CO-6", "BLP-BAT-001", 2)
    data = {**form_as_loaded(page), "stock_reason": "counted", "stock_quantity": "7"}
    response = admin_client.post(stock_page("BLP-BAT-001"), data)
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors)
    assert "O estoque mudou desde que a página foi aberta (era 10, agora 8)" in errors, errors
    assert levels("BLP-BAT-001") == (8, 0)
    assert ledger("BLP-BAT-001") == [("sale", -2, 8, "CO-6")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"stock_reason": "received"}, "Informe a quantidade do movimento."),
        ({"stock_quantity": "3"}, "Escolha o motivo do movimento."),
        (
            {
                "stock_reason": "received",
                "stock_quantity": "0",
                "stock_lot_code": "L1",
                "stock_lot_expires_on": "2030-01-01",
            },
            "Informe um número de unidades maior que zero.",
        ),
        ({"stock_reason": "received", "stock_quantity": "2"}, "Informe o lote recebido (código e validade)."),
        (
            {"stock_reason": "received", "stock_quantity": "2", "stock_lot_code": "L9"},
            "Informe a validade do lote novo.",
        ),
        ({"stock_reason": "damaged", "stock_quantity": "1", "stock_lot_code": "L9"}, "Este SKU não tem o lote L9."),
        ({"stock_reason": "damaged", "stock_quantity": "11"}, "O estoque não pode ficar negativo (ficaria em -1)."),
        ({"stock_reason": "sale", "stock_quantity": "1"}, "Faça uma escolha válida."),
    ],
)
def test_a_bad_movement_is_a_form_error_in_portuguese(admin_client, catalog_data, data, message):
    page = admin_client.get(stock_page("BLP-BAT-001"))
    response = admin_client.post(stock_page("BLP-BAT-001"), {**form_as_loaded(page), **data})
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors)
    assert levels("BLP-BAT-001") == (10, 0)
    assert StockMovement.objects.count() == 0


def test_a_product_variant_takes_a_movement_and_a_new_variant_its_first_receipt(admin_client, catalog_data):
    product = catalog_data["gloss"]
    url = f"/admin/products/product/{product.pk}/change/"
    data = {
        **form_as_loaded(admin_client.get(url)),
        "variants-0-stock_reason": "received",
        "variants-0-stock_quantity": "4",
        "variants-0-stock_lot_code": "L2401",
        "variants-0-stock_lot_expires_on": "2030-01-31",
        "variants-TOTAL_FORMS": "2",
        "variants-1-product": str(product.pk),
        "variants-1-sku": "BLP-GLS-002",
        "variants-1-name": "Rosado",
        "variants-1-price": "29.90",
        "variants-1-position": "1",
        "variants-1-sale_mode": "regular",
        "variants-1-weight_grams": "10",
        "variants-1-length_cm": "4",
        "variants-1-width_cm": "4",
        "variants-1-height_cm": "12.5",
        "variants-1-stock_reason": "received",
        "variants-1-stock_quantity": "12",
        "variants-1-stock_lot_code": "L2402",
        "variants-1-stock_lot_expires_on": "2030-02-28",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    assert levels("BLP-GLS-001") == (24, 0)
    assert levels("BLP-GLS-002") == (12, 0)
    assert ledger("BLP-GLS-001") == [("received", 4, 24, "")]
    assert ledger("BLP-GLS-002") == [("received", 12, 12, "")]


def test_the_ledger_list_shows_every_movement_read_only(admin_client, catalog_data):
    sell("CO-7", "BLP-BAT-001", 1)
    response = admin_client.get("/admin/inventory/stockmovement/", {"q": "CO-7"})
    assert response.status_code == 200
    assert [(m.sku, m.reason) for m in response.context["cl"].result_list] == [("BLP-BAT-001", "sale")]
    assert "Venda (pedido pago)" in response.content.decode()
    assert admin_client.get("/admin/inventory/stockmovement/add/").status_code == 403


def test_the_opening_balance_migration_gives_every_sku_with_units_its_first_movement(catalog_data):
    migration = importlib.import_module("catalog.inventory.migrations.0003_stock_opening_balance")
    migration.open_ledger(apps, None)
    opened = dict(StockMovement.objects.filter(reason="opening_balance").values_list("sku", "on_hand_after"))
    assert opened == {"BLP-BAT-001": 10, "BLP-GLS-001": 20, "BLP-HID-001": 3, "BLP-SEC-001": 4, "URG-MSC-001": 5}


def test_a_count_in_a_product_page_older_than_a_sale_is_refused(admin_client, catalog_data):
    product = catalog_data["gloss"]
    url = f"/admin/products/product/{product.pk}/change/"
    page = admin_client.get(url)
    sell("CO-8", "BLP-GLS-001", 1)
    data = {**form_as_loaded(page), "variants-0-stock_reason": "counted", "variants-0-stock_quantity": "20"}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    [variant_errors] = [f.errors for f in response.context["inline_admin_formsets"][0].formset.forms]
    assert "O estoque mudou desde que a página foi aberta (era 20, agora 19)" in str(variant_errors), variant_errors
    assert levels("BLP-GLS-001") == (19, 0)
