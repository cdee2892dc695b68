"""The expiry loop's work: orders whose payment window ran out, and orders stuck ``pending``.

Both run from ``manage.py order_expire_overdue --loop SECONDS``; each order is handled under its row lock
in a transaction of its own, so a loop that dies half way leaves nothing half done.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common.events.contracts.orders import OrderRejected
from common.observability import metrics
from orders.orders.events import publish_about_order, publish_order_expired, publish_order_placed
from orders.orders.models import Order
from orders.orders.services import order_expire, reservation_duration
from orders.orders.state_machine import OrderStatus, order_transition
from orders.payments.models import PaymentSession
from orders.payments.services import payment_session_close

logger = logging.getLogger(__name__)


def order_expire_overdue(*, now: datetime | None = None) -> int:
    """Expire every ``awaiting_payment`` order whose payment session ran out; returns how many."""
    now = now or timezone.now()
    overdue = Order.objects.filter(
        status=OrderStatus.AWAITING_PAYMENT,
        # A session the provider never opened (``creating``) runs out like an open one.
        payment_session__status__in=[PaymentSession.Status.OPEN, PaymentSession.Status.CREATING],
        payment_session__expires_at__lte=now,
    ).values_list("pk", flat=True)
    expired = 0
    for pk in list(overdue[:500]):
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=pk)
            if order.status != OrderStatus.AWAITING_PAYMENT:
                continue  # paid or cancelled since the query
            order_expire(order=order)
            expired += 1
    return expired


def order_pending_overdue(*, now: datetime | None = None) -> tuple[int, int]:
    """Orders stuck ``pending`` (catalog never answered): ask again, and past the timeout reject them.

    ``pending`` longer than ``ORDERS_PENDING_RETRY_MINUTES`` since the last request: ``order_placed`` is
    published again (catalog reserves once per order number, so a lost or dead-lettered request is
    replaced and a handled one is not repeated). Older than ``ORDERS_PENDING_TIMEOUT_MINUTES``: the order
    is ``rejected`` (the shopper is told) and a release is published, in case catalog's reply was what
    got lost. Returns ``(retried, rejected)``.
    """
    now = now or timezone.now()
    timeout_before = now - timedelta(minutes=settings.ORDERS_PENDING_TIMEOUT_MINUTES)
    retry_before = now - timedelta(minutes=settings.ORDERS_PENDING_RETRY_MINUTES)
    retried = rejected = 0
    stuck = Order.objects.filter(
        Q(reservation_requested_at__lte=retry_before)
        | Q(reservation_requested_at__isnull=True, created_at__lte=retry_before),  # placed before the field
        status=OrderStatus.PENDING,
    )
    for pk in list(stuck.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=pk)
            if order.status != OrderStatus.PENDING:
                continue
            if order.created_at <= timeout_before:
                reason = "stock_reservation_timeout"
                order = order_transition(
                    order=order, to=OrderStatus.REJECTED, actor="system:pending-timeout", note=reason
                )
                payment_session_close(order_id=order.pk)
                publish_about_order(order, OrderRejected(order_number=order.number, email=order.email, reason=reason))
                publish_order_expired(order)  # releases a reservation whose reply never reached us
                transaction.on_commit(metrics.ORDERS_REJECTED.inc)
                logger.warning("pending order timed out", extra={"order_number": order.number})
                rejected += 1
            else:
                Order.objects.filter(pk=order.pk).update(reservation_requested_at=now)
                reserve_for = reservation_duration(order.payment_session.method)
                publish_order_placed(order, placed_at=order.created_at, reserve_for=reserve_for)
                order.history.create(
                    from_status=order.status,
                    to_status=order.status,
                    actor="system:pending-retry",
                    note="no stock answer from catalog yet: reservation asked again",
                )
                logger.warning("pending order: reservation asked again", extra={"order_number": order.number})
                retried += 1
    return retried, rejected
