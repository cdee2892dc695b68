"""Merchandisers' stock edits: relative adjustments with a reason, and counts checked against the page.

A number of units on hand typed into a form is never written back as such: the page may be minutes old
and orders may have been paid meanwhile, so the loaded number would make sold units sellable again.
Receipts, returns, damage and corrections move the level by their units, whatever it is now; a count
says what is on the shelf and is refused when the level changed since the page was loaded (it was
compared with a number that is no longer true). Each edit is one ``StockMovement``.

Stock by lot: a receipt names its lot (code, validade, fabricação; a new code creates the lot); the
other movements name the lot they move, or move the unlotted units when none is named (a count of a
SKU held in lots must name the lot counted). A lot never drops below its reserved units.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext, gettext_lazy, ngettext

from catalog.inventory.ledger import stock_movement_record
from catalog.inventory.lots import lot_for_receipt, stock_save
from catalog.inventory.models import Stock, StockLot, StockMovement
from catalog.inventory.services import stock_changed_publish
from catalog.products.models import Variant

Reason = StockMovement.Reason

#: The reasons a merchandiser may choose; the others are written by the saga, the import and the seed.
MANUAL_REASONS = (Reason.RECEIVED, Reason.RETURNED, Reason.DAMAGED, Reason.COUNTED, Reason.CORRECTION)

QUANTITY_HELP = gettext_lazy(
    "Receipt, return and damage: number of units. Count: the total counted on the shelf. "
    "Correction: units to add (or to take away, with a minus sign)."
)


def stock_lock(*, variant: Variant) -> Stock:
    """The variant's stock row, locked until the transaction ends (created empty when missing)."""
    stock, _ = Stock.objects.select_for_update(of=("self",)).select_related("variant").get_or_create(variant=variant)
    return stock


def stock_edit_lot(
    *,
    stock: Stock,
    reason: str,
    lot_code: str = "",
    lot_expires_on: date | None = None,
    lot_manufactured_on: date | None = None,
    create: bool = True,
) -> StockLot | None:
    """The lot an edit moves (None: the unlotted units). A receipt's new lot is created when ``create``
    (the form's check passes False and gets an unsaved lot)."""
    code = (lot_code or "").strip().upper()
    if not code:
        if reason == Reason.RECEIVED:
            raise ValidationError(gettext("Give the lot received (code and expiry date)."), code="lot_required")
        if reason == Reason.COUNTED and stock.pk and StockLot.objects.filter(stock=stock, on_hand__gt=0).exists():
            raise ValidationError(gettext("This SKU is held in lots: give the lot counted."), code="lot_required")
        return None
    if reason == Reason.RECEIVED:
        if not create and not StockLot.objects.filter(stock_id=stock.pk, code=code).exists():
            if lot_expires_on is None:
                raise ValidationError(gettext("Give the new lot's expiry date."), code="lot_expiry_required")
            if lot_manufactured_on is not None and lot_manufactured_on > lot_expires_on:
                raise ValidationError(
                    gettext("The manufacturing date cannot be after the expiry date."), code="lot_dates_invalid"
                )
            return StockLot(code=code, expires_on=lot_expires_on, manufactured_on=lot_manufactured_on)
        return lot_for_receipt(stock=stock, code=code, expires_on=lot_expires_on, manufactured_on=lot_manufactured_on)
    lot = StockLot.objects.filter(stock_id=stock.pk, code=code).first()
    if lot is None:
        raise ValidationError(gettext("This SKU has no lot %(code)s.") % {"code": code}, code="lot_unknown")
    return lot


def stock_edit_delta(
    *, stock: Stock, reason: str, quantity: int, on_hand_seen: int | None, lot: StockLot | None = None
) -> int:
    """The units an admin edit moves ``stock`` (and ``lot``) by; a ValidationError (pt-BR) when it may
    not be applied."""
    if reason not in MANUAL_REASONS:
        raise ValidationError(gettext("Choose the movement's reason."), code="invalid_reason")
    if lot is not None and reason == Reason.COUNTED:
        if quantity < 0:
            raise ValidationError(gettext("The count cannot be negative."), code="negative_count")
        return _checked_for_lot(lot=lot, delta=quantity - lot.on_hand)
    if reason == Reason.COUNTED:
        if quantity < 0:
            raise ValidationError(gettext("The count cannot be negative."), code="negative_count")
        if on_hand_seen != stock.on_hand:
            raise ValidationError(
                gettext(
                    "The stock changed since the page was opened (it was %(seen)s, now %(now)s): "
                    "reload the page and give the count again."
                )
                % {"seen": on_hand_seen, "now": stock.on_hand},
                code="stock_changed_since_loaded",
            )
        delta = quantity - stock.on_hand
    elif reason == Reason.CORRECTION:
        if quantity == 0:
            raise ValidationError(gettext("A correction must move at least one unit."), code="zero_quantity")
        delta = quantity
    else:
        if quantity <= 0:
            raise ValidationError(gettext("Give a number of units greater than zero."), code="zero_quantity")
        delta = -quantity if reason == Reason.DAMAGED else quantity
    if lot is not None:
        return _checked_for_lot(lot=lot, delta=delta)
    lots = list(StockLot.objects.filter(stock_id=stock.pk).values_list("on_hand", "reserved")) if stock.pk else []
    loose_on_hand = stock.on_hand - sum(on_hand for on_hand, _ in lots)
    loose_reserved = stock.reserved - sum(reserved for _, reserved in lots)
    if lots and loose_on_hand + delta < max(0, loose_reserved):
        raise ValidationError(
            ngettext(
                "%(count)d unit has no lot: give the movement's lot.",
                "%(count)d units have no lot: give the movement's lot.",
                loose_on_hand,
            )
            % {"count": loose_on_hand},
            code="lot_required",
        )
    after = stock.on_hand + delta
    if after < 0:
        raise ValidationError(
            gettext("The stock cannot go negative (it would be %(after)s).") % {"after": after}, code="negative_stock"
        )
    if after < stock.reserved:
        raise ValidationError(
            ngettext(
                "%(count)d unit is reserved for orders; the stock cannot go below that (it would be %(after)s).",
                "%(count)d units are reserved for orders; the stock cannot go below that (it would be %(after)s).",
                stock.reserved,
            )
            % {"count": stock.reserved, "after": after},
            code="below_reserved",
        )
    return delta


def _checked_for_lot(*, lot: StockLot, delta: int) -> int:
    after = lot.on_hand + delta
    if after < 0:
        raise ValidationError(
            gettext("Lot %(code)s cannot go negative (it would be %(after)s).") % {"code": lot.code, "after": after},
            code="negative_stock",
        )
    if after < lot.reserved:
        raise ValidationError(
            ngettext(
                "%(count)d unit of lot %(code)s is reserved for orders; "
                "the lot cannot go below that (it would be %(after)s).",
                "%(count)d units of lot %(code)s are reserved for orders; "
                "the lot cannot go below that (it would be %(after)s).",
                lot.reserved,
            )
            % {"count": lot.reserved, "code": lot.code, "after": after},
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
    lot_code: str = "",
    lot_expires_on: date | None = None,
    lot_manufactured_on: date | None = None,
) -> StockMovement | None:
    """One admin save of a variant's stock, under its row lock: a new low-stock threshold (when given)
    and a movement (when ``reason`` is given, see ``stock_edit_delta``) of the named lot, recorded in
    the ledger.
    Publishes ``stock_changed`` once when anything changed; returns the movement, if any."""
    with transaction.atomic():
        stock = stock_lock(variant=variant)
        changed = low_stock_threshold is not None and low_stock_threshold != stock.low_stock_threshold
        if changed:
            stock.low_stock_threshold = low_stock_threshold
        delta, lot = 0, None
        if reason:
            lot = stock_edit_lot(
                stock=stock,
                reason=reason,
                lot_code=lot_code,
                lot_expires_on=lot_expires_on,
                lot_manufactured_on=lot_manufactured_on,
            )
            delta = stock_edit_delta(stock=stock, reason=reason, quantity=quantity, on_hand_seen=on_hand_seen, lot=lot)
            stock.on_hand += delta
            if lot is not None:
                lot.on_hand += delta
                lot.save(update_fields=["on_hand"])
        if changed or delta:
            stock.save(update_fields=["low_stock_threshold"])
            stock_save(stock=stock)
        movement = None
        if reason:
            movement = stock_movement_record(stock=stock, delta=delta, reason=reason, note=note, by=by, lot=lot)
        if changed or delta:
            stock_changed_publish(variant_ids=[variant.pk])
    return movement
