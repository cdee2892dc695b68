"""Reads of returns, shaped as the contract's bodies."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from orders.money import money
from orders.orders.models import Order
from orders.returns.models import OrderReturn, ReturnStatus


def return_list_for_order(*, order: Order) -> QuerySet[OrderReturn]:
    return OrderReturn.objects.filter(order=order).prefetch_related("lines").order_by("-created_at", "-id")


def return_detail(order_return: OrderReturn) -> dict[str, Any]:
    return {
        "id": order_return.pk,
        "status": order_return.status,
        "reason": order_return.reason,
        "rejection_reason": order_return.rejection_reason,
        "lines": [
            {
                "sku": line.sku,
                "name": line.name,
                "quantity": line.quantity,
                "amount": money(line.amount),
                "condition": line.condition or None,
            }
            for line in order_return.lines.all()
        ],
        "refund_amount": money(order_return.refund_amount),
        "shipping_refund": money(order_return.shipping_amount),
        "currency": order_return.order.currency,
        "created_at": order_return.created_at,
    }


def returns_to_handle() -> QuerySet[OrderReturn]:
    """Returns waiting for support: requested (approve or reject) or received (refund); oldest first."""
    return (
        OrderReturn.objects.filter(status__in=(ReturnStatus.REQUESTED, ReturnStatus.RECEIVED))
        .select_related("order")
        .order_by("created_at", "id")
    )
