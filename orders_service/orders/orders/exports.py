"""Orders as a CSV Excel in Portuguese opens as columns: ``;`` separator, UTF-8 with BOM, decimal comma."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone

from common.brazil.documents import document_mask
from orders.orders.formatting import address_one_line, phone_display
from orders.orders.models import Order

COLUMNS = (
    "pedido",
    "data",
    "status",
    "cliente",
    "e-mail",
    "CPF/CNPJ",
    "telefone",
    "endereço",
    "itens",
    "subtotal",
    "frete",
    "total",
    "moeda",
    "pago em",
    "transportadora",
    "rastreio",
)


def decimal_comma(value: Decimal | None) -> str:
    """``1234.5`` -> ``1234,50`` (no thousands separator: Excel reads it as a number)."""
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def local_time(moment) -> str:
    return "" if moment is None else timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def order_rows(orders: Iterable[Order]) -> Iterable[list[str]]:
    for order in orders:
        address = order.shipping_address or {}
        yield [
            order.number,
            local_time(order.created_at),
            order.get_status_display(),
            str(address.get("full_name") or ""),
            order.email,
            document_mask(order.payer_document),
            phone_display(str(address.get("phone") or "")),
            address_one_line(address),
            "; ".join(
                f"{line.quantity} x {line.sku} {line.name} ({decimal_comma(line.line_total)})"
                for line in order.lines.all()
            ),
            decimal_comma(order.subtotal),
            decimal_comma(order.shipping),
            decimal_comma(order.total),
            order.currency,
            local_time(order.paid_at),
            order.carrier,
            order.tracking_code,
        ]


def orders_csv_response(queryset: QuerySet[Order]) -> HttpResponse:
    """The orders of ``queryset`` (oldest first) with customer, lines and address, for Excel."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="pedidos-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(COLUMNS)
    orders = queryset.order_by("created_at", "id").prefetch_related("lines")
    writer.writerows(order_rows(orders.iterator(chunk_size=500)))
    return response
