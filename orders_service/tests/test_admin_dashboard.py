"""The orders admin's home: today's sales in São Paulo days with R$ money and a 30-day SVG chart,
orders to ship, payments waiting; for support (who may view orders), not for merchandisers."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from common.auth.groups import MERCHANDISER_GROUP
from orders.orders.models import Order

pytestmark = pytest.mark.django_db


def _order(number: str, status: str, total: str, paid_at=None) -> Order:
    amount = Decimal(total)
    return Order.objects.create(
        number=number,
        email=f"{number.lower()}@example.com",
        status=status,
        subtotal=amount,
        shipping=Decimal("0"),
        total=amount,
        paid_at=paid_at,
    )


def _local(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _panel(html: str, key: str) -> str:
    match = re.search(rf'<div class="dashboard-panel" id="dashboard-{key}".*?</div>', html, re.S)
    assert match, f"no {key} panel"
    return match.group(0)


@pytest.fixture
def support_client(client):
    user = User.objects.create_user("lia", "lia@cosmeticos.co", "x", is_staff=True)
    user.groups.add(Group.objects.get(name="Customer support"))
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_home_shows_todays_sales_in_sao_paulo_days_and_what_waits(support_client):
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    _order("CO-1", "paid", "1234.50", paid_at=_local(today, 0, 30))
    _order("CO-2", "fulfilled", "100.00", paid_at=_local(yesterday, 23, 30))  # 02:30 UTC today: yesterday here
    _order("CO-3", "refunded", "999.00", paid_at=_local(today, 0, 10))  # no sale
    _order("CO-4", "awaiting_payment", "59.90")
    _order("CO-5", "paid_out_of_stock", "10.00", paid_at=_local(today - timedelta(days=40), 12))

    html = support_client.get("/admin/").content.decode()

    sales = _panel(html, "sales")
    assert "Vendas de hoje: R$ 1.234,50 (1 pedido)" in sales
    assert "R$ 1.334,50 (2 pedidos)" in sales  # the last 30 days
    assert sales.count("<rect") == 30
    assert f"{yesterday:%d/%m}: R$ 100,00 (1 pedido)" in sales
    to_ship = _panel(html, "to-ship")
    assert "Pedidos para enviar: 1 pedido" in to_ship and "CO-1" in to_ship and "CO-2" not in to_ship
    assert "Pagos sem estoque (precisam de atenção): 1 pedido" in to_ship
    waiting = _panel(html, "awaiting-payment")
    assert "Pagamentos aguardando: 1 pedido" in waiting and "R$ 59,90" in waiting


def test_merchandisers_see_no_orders_panels(client):
    user = User.objects.create_user("bia", "bia@cosmeticos.co", "x", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=MERCHANDISER_GROUP)[0])
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert 'id="dashboard"' not in client.get("/admin/").content.decode()


def test_an_extra_panel_joins_the_home(support_client, settings):
    settings.ORDERS_DASHBOARD_EXTRA_PANELS = [("orders.view_order", "tests.test_admin_dashboard.returns_panel")]
    assert "Devoluções para tratar: 0" in support_client.get("/admin/").content.decode()


def returns_panel():
    from common.dashboard import Panel

    return Panel(key="returns", title="Devoluções para tratar", headline="0")
