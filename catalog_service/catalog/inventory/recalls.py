"""Recall by lot: block a lot (it stops being sold at once), list who received it, tell them.

Blocking takes the stock row's lock like every lot write: the lot's free units leave the available
count in the same transaction, and every live hold on the lot moves at once to other sellable lots
(FEFO), so the units the waiting orders will need are no longer shown as free to other shoppers. A hold
that no sellable lot can cover stays where it is and is settled when its order is paid (moved if units
came back, else the line is announced as not covered): a recalled unit is never shipped.
The customers are the paid orders' emails kept on the committed reservations; the notice
goes through the outbox (``catalog.lot_recalled``) to tasks, which emails each of them once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.inventory.lots import NotEnoughSellable, allocate, stock_save
from catalog.inventory.models import Reservation, ReservationLot, Stock, StockLot
from catalog.inventory.services import allocations_release, stock_changed_publish
from common.events import publish
from common.events.contracts.catalog import LotRecalled, RecallRecipient


@dataclass(frozen=True)
class LotRecipient:
    order_number: str
    email: str
    quantity: int
    paid_at: datetime | None


@dataclass(frozen=True)
class LotBlocked:
    lot: StockLot
    holds_moved: int  # live holds moved to other lots
    holds_uncovered: int  # live holds left on the blocked lot: no sellable units for them now


def lot_block(*, lot: StockLot, reason: str) -> LotBlocked:
    """Make a lot unsellable now (a recall or a quality hold) and move its live holds to sellable lots;
    blocking twice changes nothing."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for blocking the lot."), code="reason_required")
    with transaction.atomic():
        stock = Stock.objects.select_for_update(of=("self",)).select_related("variant__product").get(pk=lot.stock_id)
        lot = StockLot.objects.get(pk=lot.pk)
        moved = uncovered = 0
        if lot.blocked_at is None:
            lot.blocked_at = timezone.now()
            lot.blocked_reason = reason[:300]
            lot.save(update_fields=["blocked_at", "blocked_reason"])
            moved, uncovered = _live_holds_move(stock=stock, lot=lot)
            stock_save(stock=stock)
            stock_changed_publish(variant_ids=[stock.variant_id])
    return LotBlocked(lot=lot, holds_moved=moved, holds_uncovered=uncovered)


def _live_holds_move(*, stock: Stock, lot: StockLot) -> tuple[int, int]:
    """Move every active reservation holding units of the (just blocked) ``lot`` to sellable lots, all of
    the reservation's units or none of them (the stock row is locked); returns (moved, left)."""
    held = (
        Reservation.objects.filter(state=Reservation.State.ACTIVE, allocations__lot=lot)
        .distinct()
        .order_by("created_at", "pk")
    )
    moved = left = 0
    for reservation in held:
        try:
            # Taken before the old hold is let go: the blocked lot's units are never counted as free.
            taken = allocate(stock=stock, quantity=reservation.quantity)
        except NotEnoughSellable:
            left += 1
            continue
        allocations_release(stock=stock, reservation=reservation, allocations=list(reservation.allocations.all()))
        ReservationLot.objects.bulk_create(
            [ReservationLot(reservation=reservation, lot=t.lot, quantity=t.quantity) for t in taken]
        )
        moved += 1
    return moved, left


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
            raise ValidationError(_("Block the lot before notifying the customers."), code="lot_not_blocked")
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
