"""The catalog admin's home: low stock emptiest first, lots expiring soon, zero-result searches from
MongoDB's search logs and products without photos, each panel for whoever may see its table."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from catalog.inventory.lots import lot_for_receipt
from catalog.inventory.models import Stock, StockLot
from common.auth.groups import CUSTOMER_SUPPORT_GROUP, MERCHANDISER_GROUP

pytestmark = pytest.mark.django_db


def _panel(html: str, key: str) -> str:
    match = re.search(rf'<div class="dashboard-panel" id="dashboard-{key}".*?</div>', html, re.S)
    assert match, f"no {key} panel"
    return match.group(0)


@pytest.fixture
def merchandiser_client(client, django_user_model):
    user = django_user_model.objects.create_user("bia@cosmeticos.co", "bia@cosmeticos.co", "x", is_staff=True)
    user.groups.add(Group.objects.get(name=MERCHANDISER_GROUP))
    client.force_login(user)
    return client


def test_the_home_lists_low_stock_emptiest_first_and_lots_about_to_expire(merchandiser_client, catalog_data):
    Stock.objects.filter(variant__sku="BLP-HID-001").update(on_hand=3, low_stock_threshold=5)
    stock = Stock.objects.get(variant__sku="BLP-GLS-001")
    today = timezone.localdate()
    near = lot_for_receipt(stock=stock, code="L-PERTO", expires_on=today + timedelta(days=20), manufactured_on=None)
    far = lot_for_receipt(stock=stock, code="L-LONGE", expires_on=today + timedelta(days=400), manufactured_on=None)
    StockLot.objects.filter(pk__in=[near.pk, far.pk]).update(on_hand=4)

    html = merchandiser_client.get("/admin/").content.decode()

    low = _panel(html, "low-stock")
    skus = re.findall(r">([A-Z]{3}-[A-Z]{3}-\d{3}) ·", low)
    assert skus == ["BLP-BAT-002", "URG-PRT-050", "BLP-HID-001"]  # 0, 0, 3 available: emptiest first
    assert "Estoque baixo: 3 SKUs" in low
    assert "3 disponíveis (mínimo 5)" in low
    lots = _panel(html, "expiring-lots")
    assert "Lotes que vencem em até 120 dias: 1 lote" in lots
    assert f"validade {near.expires_on:%d/%m/%Y} · 4 un." in lots
    assert "L-LONGE" not in lots
    without = _panel(html, "without-images")
    assert "Produtos sem foto: 1 produto" in without and "Protetor Solar FPS 50 Toque Seco" in without


def test_the_home_lists_the_searches_that_found_nothing(
    merchandiser_client, client, catalog_data, mongo_db, log_searches
):
    for query in ["perfume azul", "Perfume Azul", "xampu", "rimel"]:
        client.get("/api/catalog/products", {"q": query})
    log_searches()
    panel = _panel(merchandiser_client.get("/admin/").content.decode(), "zero-results")
    assert re.findall(r"<td>([a-z ]+)</td>", panel) == ["perfume azul", "xampu"]
    assert "2 buscas, última em" in panel


def test_support_agents_see_no_catalog_panels(client, django_user_model, catalog_data):
    user = django_user_model.objects.create_user("sol@cosmeticos.co", "sol@cosmeticos.co", "x", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=CUSTOMER_SUPPORT_GROUP)[0])
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    assert 'id="dashboard"' not in html
