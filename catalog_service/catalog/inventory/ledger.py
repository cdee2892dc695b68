"""The stock ledger's writers: every change of ``Stock.on_hand`` adds a ``StockMovement`` in its transaction.

The callers (adjustments, the saga's commit and cancellation, the CSV import, the seed) hold the stock
row (a row lock or a fresh insert), so ``on_hand_after`` is exact: a SKU's movements are serialized by
that lock and their ids follow the order in which they happened.
"""

from __future__ import annotations

from collections.abc import Iterable

from catalog.inventory.models import Stock, StockLot, StockMovement

Reason = StockMovement.Reason


def stock_movement_record(
    *,
    stock: Stock,
    delta: int,
    reason: Reason,
    note: str = "",
    reference: str = "",
    by=None,
    lot: StockLot | None = None,
) -> StockMovement:
    """Record that ``stock`` (at its new level) moved by ``delta`` units of ``lot`` (None: unlotted)."""
    return StockMovement.objects.create(
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
