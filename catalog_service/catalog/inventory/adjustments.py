"""Merchandisers' stock edits: relative adjustments with a reason, and counts checked against the page.

A number of units on hand typed into a form is never written back as such: the page may be minutes old
and orders may have been paid meanwhile, so the loaded number would make sold units sellable again.
Receipts, returns, damage and corrections move the level by their units, whatever it is now; a count
says what is on the shelf and is refused when the level changed since the page was loaded (it was
compared with a number that is no longer true). Each edit is one ``StockMovement``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.inventory.ledger import stock_movement_record
from catalog.inventory.models import Stock, StockMovement
from catalog.inventory.services import stock_changed_publish
from catalog.products.models import Variant

Reason = StockMovement.Reason

#: The reasons a merchandiser may choose; the others are written by the saga, the import and the seed.
MANUAL_REASONS = (Reason.RECEIVED, Reason.RETURNED, Reason.DAMAGED, Reason.COUNTED, Reason.CORRECTION)

QUANTITY_HELP = (
    "Recebimento, devolução e avaria: número de unidades. Contagem: total contado na prateleira. "
    "Correção: unidades a somar (ou a tirar, com sinal de menos)."
)


def stock_lock(*, variant: Variant) -> Stock:
    """The variant's stock row, locked until the transaction ends (created empty when missing)."""
    stock, _ = Stock.objects.select_for_update(of=("self",)).select_related("variant").get_or_create(variant=variant)
    return stock


def stock_edit_delta(*, stock: Stock, reason: str, quantity: int, on_hand_seen: int | None) -> int:
    """The units an admin edit moves ``stock`` by; a ValidationError (pt-BR) when it may not be applied."""
    if reason not in MANUAL_REASONS:
        raise ValidationError("Escolha o motivo do movimento.", code="invalid_reason")
    if reason == Reason.COUNTED:
        if quantity < 0:
            raise ValidationError("A contagem não pode ser negativa.", code="negative_count")
        if on_hand_seen != stock.on_hand:
            raise ValidationError(
                f"O estoque mudou desde que a página foi aberta (era {on_hand_seen}, agora {stock.on_hand}): "
                "recarregue a página e informe a contagem de novo.",
                code="stock_changed_since_loaded",
            )
        delta = quantity - stock.on_hand
    elif reason == Reason.CORRECTION:
        if quantity == 0:
            raise ValidationError("Uma correção precisa mover ao menos uma unidade.", code="zero_quantity")
        delta = quantity
    else:
        if quantity <= 0:
            raise ValidationError("Informe um número de unidades maior que zero.", code="zero_quantity")
        delta = -quantity if reason == Reason.DAMAGED else quantity
    after = stock.on_hand + delta
    if after < 0:
        raise ValidationError(f"O estoque não pode ficar negativo (ficaria em {after}).", code="negative_stock")
    if after < stock.reserved:
        units = "1 unidade está reservada" if stock.reserved == 1 else f"{stock.reserved} unidades estão reservadas"
        raise ValidationError(
            f"{units} para pedidos; o estoque não pode ficar abaixo disso (ficaria em {after}).",
            code="below_reserved",
        )
    return delta


def stock_edit(
    *,
    variant: Variant,
    low_stock_threshold: int | None = None,
    reason: str = "",
    quantity: int | None = None,
    on_hand_seen: int | None = None,
    note: str = "",
    by=None,
) -> StockMovement | None:
    """One admin save of a variant's stock, under its row lock: a new low-stock threshold (when given)
    and a movement (when ``reason`` is given, see ``stock_edit_delta``), recorded in the ledger.
    Publishes ``stock_changed`` once when anything changed; returns the movement, if any."""
    with transaction.atomic():
        stock = stock_lock(variant=variant)
        changed = low_stock_threshold is not None and low_stock_threshold != stock.low_stock_threshold
        if changed:
            stock.low_stock_threshold = low_stock_threshold
        delta = 0
        if reason:
            delta = stock_edit_delta(stock=stock, reason=reason, quantity=quantity, on_hand_seen=on_hand_seen)
            stock.on_hand += delta
        if changed or delta:
            stock.save(update_fields=["on_hand", "low_stock_threshold", "updated_at"])
        movement = None
        if reason:
            movement = stock_movement_record(stock=stock, delta=delta, reason=reason, note=note, by=by)
        if changed or delta:
            stock_changed_publish(variant_ids=[variant.pk])
    return movement
