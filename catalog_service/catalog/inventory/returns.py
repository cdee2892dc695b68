"""Goods a shopper returned (``orders.return_received``): back on hand, into the lots they were sold from.

Sellable units go back on hand (``Devolução de cliente`` in the ledger) into the lot the order line
recorded when that lot still exists, else as unlotted units; a blocked lot (a recall) takes them back
too and keeps them out of sale. Damaged units are received and written off at once (a ``Devolução``
then an ``Avaria`` movement of the same units): the ledger shows they came back, the shelf does not
count them. Idempotent by the return: its movements carry ``<order>/devolucao-<id>`` as reference.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction

from catalog.inventory.ledger import stock_movement_record
from catalog.inventory.lots import stock_save
from catalog.inventory.models import Stock, StockLot, StockMovement
from catalog.inventory.services import stock_changed_publish
from catalog.products.models import Variant

logger = logging.getLogger(__name__)
Reason = StockMovement.Reason


@dataclass(frozen=True)
class ReturnedUnits:
    sku: str
    quantity: int
    damaged: bool
    lots: tuple[tuple[str, int], ...] = ()  # (lot code, units) the order line recorded


def return_reference(*, order_number: str, return_id: int) -> str:
    return f"{order_number}/devolucao-{return_id}"


def stock_return_receive(
    *, order_number: str, return_id: int, lines: list[ReturnedUnits], causation_id: str | None = None
) -> int:
    """Take a return's units back (see the module docstring); returns the number of movements recorded."""
    reference = return_reference(order_number=order_number, return_id=return_id)
    with transaction.atomic():
        if StockMovement.objects.filter(reference=reference).exists():
            return 0  # this return was already taken back
        variants = dict(Variant.objects.filter(sku__in={line.sku for line in lines}).values_list("sku", "id"))
        recorded, moved = 0, []
        for line in sorted(lines, key=lambda line: line.sku):  # a fixed lock order
            if line.sku not in variants:
                logger.warning("returned SKU unknown to catalog", extra={"sku": line.sku, "reference": reference})
                continue
            stock, _ = (
                Stock.objects.select_for_update(of=("self",))
                .select_related("variant__product")
                .get_or_create(variant_id=variants[line.sku])
            )
            for lot, units in _parts(stock=stock, line=line):
                for delta, reason in ((units, Reason.RETURNED), (-units, Reason.DAMAGED))[: 2 if line.damaged else 1]:
                    stock.on_hand += delta
                    if lot is not None:
                        lot.on_hand += delta
                        lot.save(update_fields=["on_hand"])
                    stock_movement_record(
                        stock=stock,
                        delta=delta,
                        reason=reason,
                        reference=reference,
                        lot=lot,
                        note="devolução avariada" if line.damaged else "devolução de cliente",
                    )
                    recorded += 1
            stock_save(stock=stock)
            moved.append(stock.pk)
        if moved:
            stock_changed_publish(variant_ids=moved, causation_id=causation_id)
    logger.info("return taken back", extra={"reference": reference, "movements": recorded})
    return recorded


def _parts(*, stock: Stock, line: ReturnedUnits) -> list[tuple[StockLot | None, int]]:
    """(lot, units) of the line: its recorded lots that still exist here, the rest unlotted (None)."""
    parts, left = [], line.quantity
    for code, units in line.lots:
        lot = StockLot.objects.filter(stock=stock, code=code).first()
        units = min(units, left)
        if lot is not None and units > 0:
            parts.append((lot, units))
            left -= units
    if left > 0:
        parts.append((None, left))
    return parts
