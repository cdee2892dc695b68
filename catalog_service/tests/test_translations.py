"""pt-BR everywhere a merchandiser reads: the catalogue is complete and compiled, every admin page of the
catalog renders in pt-BR without an English msgid, and API error details follow Accept-Language."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings

from catalog.imports.models import ImportJob
from catalog.inventory.models import Reservation, StockLot, StockMovement
from common.events.inbox.models import DeadLetter, ProcessedEvent
from common.testing.locales import (
    COMMON_PO,
    admin_page_problems,
    api_error_problems,
    catalogue_problems,
    compiled_catalogue_problems,
    label_problems,
    service_po,
)

PACKAGES = ("catalog", "common")
PO_FILES = (service_po(settings.BASE_DIR), COMMON_PO)
# English the issue saw on these pages before they were translated.
SEEN_IN_ENGLISH = ("Selecione product", "product(s)", "Change prices by a percentage", "Low stock (a variant")


@pytest.mark.parametrize("po_path", PO_FILES, ids=["catalog", "common"])
def test_every_msgid_has_a_pt_br_translation(po_path):
    assert catalogue_problems(po_path) == []


@pytest.mark.parametrize("po_path", PO_FILES, ids=["catalog", "common"])
def test_the_committed_mo_is_compiled_from_the_po(po_path):
    assert compiled_catalogue_problems(po_path) == []


def test_every_admin_label_goes_through_translation():
    assert label_problems(PACKAGES, PO_FILES) == []


@pytest.mark.django_db
def test_every_admin_page_renders_in_pt_br_without_english(admin_client, catalog_data):
    variant = catalog_data["batom"].variants.first()
    lot = StockLot.objects.create(stock=variant.stock, code="L2401", expires_on=date(2027, 1, 31), on_hand=3)
    StockMovement.objects.create(stock=variant.stock, sku=variant.sku, delta=3, on_hand_after=3, reason="received")
    Reservation.objects.create(
        order_number="CO-1", sku=variant.sku, variant=variant, quantity=1, expires_at=lot.created_at
    )
    ImportJob.objects.create(file_name="catalogo.csv", content="sku\n")
    DeadLetter.objects.create(event_type="orders.order_paid", source="catalog.orders", body="{}")
    ProcessedEvent.objects.create(event_id="00000000-0000-0000-0000-000000000001", event_type="orders.order_paid")

    assert admin_page_problems(admin_client, PACKAGES, PO_FILES, also=SEEN_IN_ENGLISH) == []


def test_every_api_error_detail_is_pt_br_and_english_on_request():
    assert api_error_problems(PACKAGES) == []


@pytest.mark.django_db
def test_an_api_error_detail_follows_accept_language_and_its_code_stays(client):
    portuguese = client.get("/api/catalog/products/no-such-product")
    english = client.get("/api/catalog/products/no-such-product", HTTP_ACCEPT_LANGUAGE="en")
    assert portuguese.status_code == english.status_code == 404
    assert portuguese.json() == {"detail": "Nenhum produto publicado tem este slug.", "code": "not_found"}
    assert english.json() == {"detail": "No published product has this slug.", "code": "not_found"}
