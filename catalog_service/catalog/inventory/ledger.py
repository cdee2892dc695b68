"""The stock ledger's writers: every change of ``Stock.on_hand`` adds a ``StockMovement`` in its transaction.

The callers (adjustments, the saga's commit and cancellation, the CSV import, the seed) hold the stock
row (a row lock or a fresh insert), so ``on_hand_after`` is exact: a SKU's movements are serialized by
that lock and their ids follow the order in which they happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from catalog.inventory.models import Stock, StockLot, StockMovement

Reason = StockMovement.Reason


def stock_movement_record(**fields: Any) -> StockMovement:
    """Record that ``stock`` (at its new level) moved by ``delta`` units of ``lot`` (None: unlotted): the
    movement ``stock_movement(**fields)`` describes, saved."""
    movement = stock_movement(**fields)
    movement.save(force_insert=True)
    return movement


def stock_movement(
    *,
    stock: Stock,
    delta: int,
    reason: Reason,
    note: str = "",
    reference: str = "",
    by=None,
    lot: StockLot | None = None,
) -> StockMovement:
    """A movement of ``stock`` (at its new level) by ``delta`` units of ``lot`` (None: unlotted), unsaved: the
    saga's commit saves an order's movements together (``common.inserts.rows_insert``, in the order they
    happened); ``stock_movement_record`` saves one."""
    return StockMovement(
        stock=stock,
        sku=stock.variant.sku,
        lot=lot,
        delta=delta,
        on_hand_after=stock.on_hand,
        reason=reason,
        note=note[:500],
        reference=reference[:100],
        created_by=by if by is not None and by.is_authenticated else None,
    )


def stock_movements_record_new(*, stocks: Iterable[Stock], reason: Reason, reference: str = "") -> int:
    """Record the first units of freshly created stock rows (the seed): one movement per row with units."""
    movements = [
        StockMovement(
            stock=stock,
            sku=stock.variant.sku,
            delta=stock.on_hand,
            on_hand_after=stock.on_hand,
            reason=reason,
            reference=reference,
        )
        for stock in stocks
        if stock.on_hand
    ]
    StockMovement.objects.bulk_create(movements, batch_size=2000)
    return len(movements)


def stock_version_subquery() -> Subquery:
    """A variant's stock version for an annotation: the id of its stock's latest ledger movement (0 when
    none). Every change of ``on_hand`` adds a movement, so an unchanged version means unchanged units."""
    # Stock's primary key is its variant's, so the variant's pk names its stock.
    latest = StockMovement.objects.filter(stock_id=OuterRef("pk")).order_by("-id").values("id")[:1]
    return Coalesce(Subquery(latest), Value(0), output_field=IntegerField())


def stock_on_hand_at_version(*, sku: str, version: int) -> tuple[int, int] | None:
    """``(on_hand then, on_hand now)`` when the SKU's units moved since ledger position ``version``, else None.

    The level then is the level just before the first movement after ``version`` (its ``on_hand_after``
    minus its delta), so it needs no row at ``version`` itself."""
    after = StockMovement.objects.filter(stock__variant__sku=sku, id__gt=version)
    first, last = after.order_by("id").first(), after.order_by("-id").first()
    if first is None:
        return None
    return first.on_hand_after - first.delta, last.on_hand_after
