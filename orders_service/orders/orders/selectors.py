"""Reads of orders: the shopper's own only, shaped as the contract's bodies."""

from __future__ import annotations

import os
import time
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from common import pgnotify
from common.api import NotFound
from common.compiled_queries import CompiledQuery
from orders.money import money
from orders.orders.access_tokens import access_token_matches
from orders.orders.models import Order, OrderLine, OrderStatusChange
from orders.orders.state_machine import ORDER_STATUS_CHANNEL, OrderStatus
from orders.payments.models import PaymentMethod, PaymentSession
from orders.payments.providers import get_provider


class OrderNotFound(NotFound):
    code, detail = "order_not_found", _("No such order.")


# The reads of every order status request, compiled once (``common.compiled_queries``).
ORDER_BY_NUMBER = CompiledQuery(
    lambda number: Order.objects.select_related("payment_session").filter(number=number).order_by(),
    number="\x00order-number",
)
ORDER_LINES = CompiledQuery(lambda order_id: OrderLine.objects.filter(order_id=order_id), order_id=-7_310_000_001)
ORDER_HISTORY = CompiledQuery(
    lambda order_id: OrderStatusChange.objects.filter(order_id=order_id), order_id=-7_310_000_002
)


def order_lines(order: Order) -> list[OrderLine]:
    """The order's lines, by id: those checkout just created when it kept them on the order, else one query."""
    kept = getattr(order, "_prefetched_objects_cache", {}).get("lines")
    return list(kept) if kept is not None else ORDER_LINES(order_id=order.pk)


def order_for_shopper(*, number: str, user_id: int | None, access_token: str | None) -> Order:
    """The order if the caller may see it: its signed-in owner, or whoever holds the guest order's access token.

    The number is sequential and an email is no secret, so neither opens a guest order alone. Anyone else
    gets the same 404 as for a number that does not exist.
    """
    order = ORDER_BY_NUMBER.first(number=number)
    if order is None:
        raise OrderNotFound()
    if order.user_id is not None and order.user_id == user_id:
        return order
    if order.is_guest_order and access_token_matches(stored_hash=order.access_token_hash, presented=access_token):
        return order
    raise OrderNotFound()


LONG_POLL_MAX_SECONDS = 25.0


def long_poll_max_waiters() -> int:
    """How many requests of this process may wait at once (``ORDERS_LONG_POLL_MAX_WAITERS``).

    A waiting request holds one of the gunicorn worker's threads (idle: no CPU), so by default half of
    them may wait and the other half always serve, including the payment webhook a waiter is waiting for.
    """
    configured = getattr(settings, "ORDERS_LONG_POLL_MAX_WAITERS", None)
    if configured is not None:
        return int(configured)
    threads = int(os.environ.get("GUNICORN_WORKER_THREADS") or os.environ.get("GUNICORN_THREADS") or 4)
    return max(1, threads // 2)


def _status_of(order_id: int) -> str | None:
    """The order's status now: read when a long-poll starts and on each wake-up (compiled once)."""
    order = _STATUS_OF.first(order_id=order_id)
    return None if order is None else order.status


_STATUS_OF = CompiledQuery(
    lambda order_id: Order.objects.filter(pk=order_id).only("status").order_by(), order_id=-7_310_000_003
)


class LongPollFull(Exception):
    """Every waiting slot of this process is taken: the caller answers at once (with ``Retry-After``)."""


def order_wait_for_change(*, order: Order, known_status: str | None, wait: float) -> Order:
    """The order once its status differs from ``known_status`` (default: its status now), or after ``wait``
    seconds (at most ``LONG_POLL_MAX_SECONDS``), whichever comes first: a long-poll.

    Woken by ``order_transition``'s ``NOTIFY`` (``common.pgnotify``), not by polling the database. When the
    process already has ``long_poll_max_waiters()`` waiting requests it raises :class:`LongPollFull` (the
    caller answers the order as it is, and the client asks again later). The caller has already checked
    that the shopper may see the order.
    """
    known = known_status or order.status
    deadline = time.monotonic() + min(max(wait, 0.0), LONG_POLL_MAX_SECONDS)
    if order.status != known or wait <= 0:
        return order
    channel = pgnotify.listener(ORDER_STATUS_CHANNEL)
    if channel.waiting() >= long_poll_max_waiters():
        raise LongPollFull()
    with channel.watch(order.number) as watch:
        status = _status_of(order.pk)  # read after the watch began: no change can slip between
        while status == known:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return order
            watch.wait(remaining)
            watch.event.clear()  # before the re-read: a later notification sets it again
            status = _status_of(order.pk)
    changed = ORDER_BY_NUMBER.first(number=order.number)  # the order as it now is, with its session
    if changed is None:
        raise Order.DoesNotExist(f"no order {order.number}")
    return changed


def shopper_has_ordered(*, user_id: int | None, email: str | None) -> bool:
    """Whether the shopper (the account, or a guest's email) has an order that went ahead: a first-purchase
    voucher is for whoever has none (rejected, expired and cancelled orders do not count)."""
    gone = (OrderStatus.REJECTED, OrderStatus.EXPIRED, OrderStatus.CANCELLED)
    if user_id is not None:
        orders = Order.objects.filter(user_id=user_id)
    elif email:
        orders = Order.objects.filter(email__iexact=email.strip())
    else:
        return False
    return orders.exclude(status__in=gone).exists()


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
                "discount": money(line.discount),
                "gift_kind": line.gift_kind or None,
            }
            for line in order_lines(order)
        ],
        "subtotal": money(order.subtotal),
        "discounts": order.discounts,
        "discount_total": money(order.discount_total),
        "shipping": money(order.shipping),
        "total": money(order.total),
        "currency": order.currency,
        "shipping_address": order.shipping_address,
        "shipping_method": _shipping_method(order),
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
            for change in ORDER_HISTORY(order_id=order.pk)
        ]
    return body


def _shipping_method(order: Order) -> dict[str, Any] | None:
    """The method chosen at checkout as quoted then (None for orders placed before shipping by CEP)."""
    if not order.shipping_method:
        return None
    return {
        "method": order.shipping_method,
        "name": order.shipping_method_name,
        "days_min": order.shipping_days_min,
        "days_max": order.shipping_days_max,
    }
