"""The orders admin's home panels (``common.dashboard``): today's sales and the 30 days' chart, orders
to ship, payments waiting, the returns to handle, and any panels listed in ``ORDERS_DASHBOARD_EXTRA_PANELS``."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from common.brazil.formatting import money_brl
from common.dashboard import Panel, PanelRow, sales_chart_svg
from orders.dashboard.selectors import orders_in_status, sales_by_local_day
from orders.orders.models import Order
from orders.orders.state_machine import OrderStatus
from orders.returns.selectors import returns_to_handle

CHART_DAYS = 30
ROWS = 8


def _orders(count: int) -> str:
    return f"{count} pedido{'s' if count != 1 else ''}"


def _order_row(order: Order, *, at) -> PanelRow:
    when = f"{timezone.localtime(at):%d/%m %H:%M}" if at else ""
    return PanelRow(
        label=f"{order.number} · {order.email}",
        url=reverse("admin:orders_order_change", args=[order.pk]),
        value=f"{money_brl(order.total)} · {when}",
    )


def _sales_panel() -> Panel:
    series = sales_by_local_day(days=CHART_DAYS)
    today = series[-1]
    month_total = sum((day.net for day in series), Decimal("0"))
    month_orders = sum(day.orders for day in series)
    return Panel(
        key="sales",
        title="Vendas de hoje",
        headline=f"{money_brl(today.net)} ({_orders(today.orders)})",
        rows=[PanelRow(label="Últimos 30 dias", value=f"{money_brl(month_total)} ({_orders(month_orders)})")],
        chart=sales_chart_svg(series, label="Vendas por dia"),
    )


def _to_ship_panel() -> Panel:
    count, rows = orders_in_status(statuses=(OrderStatus.PAID,), limit=ROWS, oldest_by="paid_at")
    attention, _ = orders_in_status(statuses=(OrderStatus.PAID_OUT_OF_STOCK,), limit=0, oldest_by="paid_at")
    changelist = reverse("admin:orders_order_changelist")
    panel_rows = [_order_row(order, at=order.paid_at) for order in rows]
    if attention:
        panel_rows.append(
            PanelRow(
                label=f"Pagos sem estoque (precisam de atenção): {_orders(attention)}",
                url=f"{changelist}?status__exact={OrderStatus.PAID_OUT_OF_STOCK}",
            )
        )
    return Panel(
        key="to-ship",
        title="Pedidos para enviar",
        headline=_orders(count),
        rows=panel_rows,
        empty="Nenhum pedido pago esperando envio.",
        more_url=f"{changelist}?status__exact={OrderStatus.PAID}",
        more_label="Ver os pedidos pagos",
    )


def _awaiting_payment_panel() -> Panel:
    count, rows = orders_in_status(statuses=(OrderStatus.AWAITING_PAYMENT,), limit=ROWS, oldest_by="created_at")
    return Panel(
        key="awaiting-payment",
        title="Pagamentos aguardando",
        headline=_orders(count),
        rows=[_order_row(order, at=order.created_at) for order in rows],
        empty="Nenhum pagamento pendente.",
        more_url=f"{reverse('admin:orders_order_changelist')}?status__exact={OrderStatus.AWAITING_PAYMENT}",
        more_label="Ver os pedidos aguardando pagamento",
    )


def _local_time(at) -> str:
    return f"{timezone.localtime(at):%d/%m %H:%M}"


def _returns_panel() -> Panel:
    """Returns waiting for support: requested (approve or reject) or received (refund), oldest first."""
    waiting = returns_to_handle()
    rows = [
        PanelRow(
            label=f"{order_return.order.number} · devolução #{order_return.pk} · {order_return.get_status_display()}",
            url=reverse("admin:returns_orderreturn_change", args=[order_return.pk]),
            value=f"{money_brl(order_return.refund_amount)} · {_local_time(order_return.created_at)}",
        )
        for order_return in waiting[:ROWS]
    ]
    count = waiting.count()
    return Panel(
        key="returns",
        title="Devoluções para tratar",
        headline=f"{count} devoluç{'ões' if count != 1 else 'ão'}",
        rows=rows,
        empty="Nenhuma devolução esperando o atendimento.",
        more_url=reverse("admin:returns_orderreturn_changelist"),
        more_label="Ver as devoluções",
    )


PANELS = (
    ("orders.view_order", _sales_panel),
    ("orders.view_order", _to_ship_panel),
    ("orders.view_order", _awaiting_payment_panel),
    ("returns.view_orderreturn", _returns_panel),
)


def orders_panels(*, user) -> list[Panel]:
    """The panels whose table ``user`` may see; an extra panel is ``(permission, "dotted.path.to.builder")``."""
    extra = [(permission, import_string(path)) for permission, path in settings.ORDERS_DASHBOARD_EXTRA_PANELS]
    return [build() for permission, build in (*PANELS, *extra) if user.has_perm(permission)]
