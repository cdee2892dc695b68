"""Recall by lot: block a lot (it stops being sold at once), list who received it, tell them.

Blocking takes the stock row's lock like every lot write: the lot's free units leave the available
count in the same transaction, and a hold already on the lot is moved to other sellable lots when its
order is paid (or, when none are left, the line is announced as not covered: a recalled unit is never
shipped). The customers are the paid orders' emails kept on the committed reservations; the notice
goes through the outbox (``catalog.lot_recalled``) to tasks, which emails each of them once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from catalog.inventory.lots import stock_save
from catalog.inventory.models import Reservation, ReservationLot, Stock, StockLot
from catalog.inventory.services import stock_changed_publish
from common.events import publish
from common.events.contracts.catalog import LotRecalled, RecallRecipient


@dataclass(frozen=True)
class LotRecipient:
    order_number: str
    email: str
    quantity: int
    paid_at: datetime | None


def lot_block(*, lot: StockLot, reason: str) -> StockLot:
    """Make a lot unsellable now (a recall or a quality hold); blocking twice changes nothing."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Informe o motivo do bloqueio do lote.", code="reason_required")
    with transaction.atomic():
        stock = Stock.objects.select_for_update(of=("self",)).select_related("variant__product").get(pk=lot.stock_id)
        lot = StockLot.objects.get(pk=lot.pk)
        if lot.blocked_at is None:
            lot.blocked_at = timezone.now()
            lot.blocked_reason = reason[:300]
            lot.save(update_fields=["blocked_at", "blocked_reason"])
            stock_save(stock=stock)
            stock_changed_publish(variant_ids=[stock.variant_id])
    return lot


def lot_recipients(*, lot: StockLot) -> list[LotRecipient]:
    """The paid orders that received units of this lot, with their customers' emails, oldest first."""
    rows = (
        ReservationLot.objects.filter(lot=lot, reservation__state=Reservation.State.COMMITTED)
        .values("reservation__order_number", "reservation__customer_email", "reservation__paid_at")
        .annotate(units=Sum("quantity"))
        .order_by("reservation__paid_at", "reservation__order_number")
    )
    return [
        LotRecipient(
            order_number=row["reservation__order_number"],
            email=row["reservation__customer_email"],
            quantity=row["units"],
            paid_at=row["reservation__paid_at"],
        )
        for row in rows
    ]


def lot_customers_notify(*, lot: StockLot) -> int:
    """Publish ``catalog.lot_recalled`` for a blocked lot's customers; returns how many are told.

    A second notice (e.g. after more orders were found) is harmless: tasks emails each (lot, order) once.
    """
    with transaction.atomic():
        lot = StockLot.objects.select_for_update().select_related("stock__variant__product").get(pk=lot.pk)
        if lot.blocked_at is None:
            raise ValidationError("Bloqueie o lote antes de avisar os clientes.", code="lot_not_blocked")
        recipients = [r for r in lot_recipients(lot=lot) if r.email]
        variant = lot.stock.variant
        publish(
            LotRecalled(
                sku=variant.sku,
                product_name=variant.product.name,
                lot=lot.code,
                expires_on=lot.expires_on,
                reason=lot.blocked_reason,
                recipients=[
                    RecallRecipient(order_number=r.order_number, email=r.email, quantity=r.quantity) for r in recipients
                ],
            ),
            key=f"{variant.sku}/{lot.code}",
        )
        lot.customers_notified_at = timezone.now()
        lot.save(update_fields=["customers_notified_at"])
    return len(recipients)
