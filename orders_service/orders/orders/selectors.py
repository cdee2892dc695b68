"""Reads of orders: the shopper's own only, shaped as the contract's bodies."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from common.api import NotFound
from orders.money import money
from orders.orders.access_tokens import access_token_matches
from orders.orders.models import Order
from orders.payments.models import PaymentMethod, PaymentSession
from orders.payments.providers import get_provider


class OrderNotFound(NotFound):
    code, detail = "order_not_found", "No such order."


def order_for_shopper(*, number: str, user_id: int | None, access_token: str | None) -> Order:
    """The order if the caller may see it: its signed-in owner, or whoever holds the guest order's access token.

    The number is sequential and an email is no secret, so neither opens a guest order alone. Anyone else
    gets the same 404 as for a number that does not exist.
    """
    order = Order.objects.filter(number=number).first()
    if order is None:
        raise OrderNotFound()
    if order.user_id is not None and order.user_id == user_id:
        return order
    if order.is_guest_order and access_token_matches(stored_hash=order.access_token_hash, presented=access_token):
        return order
    raise OrderNotFound()


def order_list_for_user(*, user_id: int) -> QuerySet[Order]:
    return Order.objects.filter(user_id=user_id).order_by("-created_at", "-id")


def _payment(order: Order) -> dict[str, Any] | None:
    """The order's ``payment``: method, page, and the Pix code / boleto line once the stock is reserved."""
    session: PaymentSession | None = getattr(order, "payment_session", None)
    if session is None:
        return None
    base = settings.ORDERS_PUBLIC_URL.rstrip("/")
    installments = None
    if session.method == PaymentMethod.CARD:
        installments = {
            "count": session.installments,
            "amount": money(session.installment_amount or session.amount),
            "total": money(session.installment_total or session.amount),
            "interest_free": (session.installment_total or session.amount) == session.amount,
        }
    pix = boleto = None
    if session.method == PaymentMethod.PIX and session.pix_copy_paste:
        pix = {
            "copy_paste": session.pix_copy_paste,
            "qr_code_url": f"{base}/payments/pix/{order.number}/{session.token}/qr.png",
            "expires_at": session.expires_at,
        }
    if session.method == PaymentMethod.BOLETO and session.boleto_digitable_line:
        boleto = {
            "digitable_line": session.boleto_digitable_line,
            "pdf_url": f"{base}/payments/boleto/{order.number}/{session.token}",
            "due_date": session.boleto_due_date,
        }
    return {
        "provider": session.provider,
        "method": session.method,
        "status": session.status,
        "checkout_url": get_provider(session.provider).checkout_url(order_number=order.number, token=session.token),
        "expires_at": session.expires_at,
        "installments": installments,
        "pix": pix,
        "boleto": boleto,
    }


def order_summary(order: Order) -> dict[str, Any]:
    return {
        "number": order.number,
        "status": order.status,
        "total": money(order.total),
        "currency": order.currency,
        "created_at": order.created_at,
    }


def order_detail(*, order: Order, with_history: bool = True) -> dict[str, Any]:
    """The checkout answer (``{number, status, lines, subtotal, shipping, total, currency, payment}``) plus,
    for ``GET orders/{number}``, the status history."""
    body: dict[str, Any] = {
        "number": order.number,
        "status": order.status,
        "email": order.email,
        "lines": [
            {
                "sku": line.sku,
                "name": line.name,
                "quantity": line.quantity,
                "unit_price": money(line.unit_price),
                "line_total": money(line.line_total),
            }
            for line in order.lines.all()
        ],
        "subtotal": money(order.subtotal),
        "shipping": money(order.shipping),
        "total": money(order.total),
        "currency": order.currency,
        "shipping_address": order.shipping_address,
        "tracking_code": order.tracking_code,
        "created_at": order.created_at,
        "payment": _payment(order),
    }
    if with_history:
        body["history"] = [
            {
                "status": change.to_status,
                "from_status": change.from_status,
                "actor": change.actor,
                "note": change.note,
                "at": change.created_at,
            }
            for change in order.history.all()
        ]
    return body
