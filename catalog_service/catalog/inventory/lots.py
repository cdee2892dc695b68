"""Stock by lot: which lots may be sold, FEFO allocation, and the units of each lot.

Every function here takes the SKU's ``Stock`` row already locked (``SELECT ... FOR UPDATE``): that lock
serializes every write of the SKU's lots, so ``Stock.on_hand``/``reserved`` stay equal to the lots'
sums plus the unlotted units, and ``Stock.unsellable`` (free units of lots that may not be sold) is
recomputed before the row is saved. A lot is sellable while it is not blocked and its expiry is at
least the minimum shelf life away (the product's category, its parents, else
``CATALOG_MIN_SHELF_LIFE_DAYS``); the unlotted units (received before lots, or without one) have no
expiry and are allocated last. Allocation is FEFO: first expired, first out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.inventory.models import Stock, StockLot
from common.compiled_queries import CompiledQuery, Many
from common.cursors import statement_cursor
from common.updates import rows_update


@dataclass(frozen=True)
class Allocation:
    """Units of one lot (None: the unlotted units) taken for one reservation line."""

    lot: StockLot | None
    quantity: int


class NotEnoughSellable(Exception):
    """Fewer sellable units than asked for; nothing was allocated."""

    def __init__(self, available: int):
        super().__init__(available)
        self.available = available


# The category, its parent and grandparent in one statement (plain SQL: its queryset, three joins deep, cost
# more CPU to compile than to run, on every allocation). The last column is where to go on for a deeper tree.
_SHELF_LIFE_SQL = """
SELECT c.min_shelf_life_days, p.min_shelf_life_days, g.min_shelf_life_days, g.parent_id
FROM products_category AS c
LEFT JOIN products_category AS p ON p.id = c.parent_id
LEFT JOIN products_category AS g ON g.id = p.parent_id
WHERE c.id = %s
"""


def min_shelf_life_days(*, category_id: int | None, known: tuple | None = None) -> int:
    """The category's minimum shelf life for sale, inherited from its parents, else the store's.

    One query reads the category and its two ancestors (the tree is at most three levels deep; a deeper
    one, which validation refuses, is followed further): it runs for every allocation of a reservation.
    ``known`` is that row read already (``with_shelf_life``): then no query, unless the tree goes deeper.
    """
    levels = 0
    while (category_id is not None or known is not None) and levels < 5:
        if known is not None:
            row, known = known, None
        else:
            with statement_cursor() as cursor:
                cursor.execute(_SHELF_LIFE_SQL, [category_id])
                row = cursor.fetchone()
        if row is None:
            break
        *days_up_the_tree, category_id = row
        for days in days_up_the_tree:
            if days is not None:
                return days
        levels += 3
    return settings.CATALOG_MIN_SHELF_LIFE_DAYS


# The same three levels as ``_SHELF_LIFE_SQL``, as annotations of a stock query (``with_shelf_life``): the
# reservation, its commit and its release read them with the stock row's lock instead of in a query of their own.
SHELF_LIFE_ANNOTATIONS = {
    "shelf_life_category": F("variant__product__category__min_shelf_life_days"),
    "shelf_life_parent": F("variant__product__category__parent__min_shelf_life_days"),
    "shelf_life_grandparent": F("variant__product__category__parent__parent__min_shelf_life_days"),
    "shelf_life_above": F("variant__product__category__parent__parent__parent_id"),
}


def with_shelf_life(queryset: QuerySet[Stock]) -> QuerySet[Stock]:
    """Stock rows that know their category's shelf life (for ``sellable_from``) without another query."""
    return queryset.annotate(**SHELF_LIFE_ANNOTATIONS)


def _shelf_life_row(stock: Stock) -> tuple | None:
    if not hasattr(stock, "shelf_life_category"):
        return None
    return tuple(getattr(stock, name) for name in SHELF_LIFE_ANNOTATIONS)


def sellable_from(*, stock: Stock, today: date | None = None) -> date:
    """The earliest expiry a lot of this stock may have and still be sold today."""
    today = today or timezone.localdate()
    category_id = stock.variant.product.category_id if stock.variant_id else None
    return today + timedelta(days=min_shelf_life_days(category_id=category_id, known=_shelf_life_row(stock)))


def lot_is_sellable(lot: StockLot, *, earliest_expiry: date) -> bool:
    return lot.blocked_at is None and lot.expires_on >= earliest_expiry


_STOCK_LOTS = CompiledQuery(
    lambda stock_id: StockLot.objects.filter(stock_id=stock_id, on_hand__gt=0).order_by("expires_on", "id"),
    stock_id=-7_310_000_011,
)


def stock_lots(*, stock: Stock) -> list[StockLot]:
    """The stock's lots with units, first expiring first (the caller holds the stock row's lock). Compiled
    once (``common.compiled_queries``): every allocation and every stock change reads them."""
    return _STOCK_LOTS(stock_id=stock.pk)


def unlotted(*, stock: Stock, lots: list[StockLot]) -> tuple[int, int]:
    """(on hand, reserved) of the units held in no lot."""
    return stock.on_hand - sum(lot.on_hand for lot in lots), stock.reserved - sum(lot.reserved for lot in lots)


def unsellable_units(*, stock: Stock, lots: list[StockLot], earliest_expiry: date) -> int:
    """Free units in lots that may not be sold (blocked, or expiring inside the minimum shelf life)."""
    return sum(lot.on_hand - lot.reserved for lot in lots if not lot_is_sellable(lot, earliest_expiry=earliest_expiry))


def sellable_available(*, stock: Stock, lots: list[StockLot], earliest_expiry: date) -> int:
    free_unlotted = max(0, unlotted(stock=stock, lots=lots)[0] - unlotted(stock=stock, lots=lots)[1])
    return free_unlotted + sum(
        lot.on_hand - lot.reserved for lot in lots if lot_is_sellable(lot, earliest_expiry=earliest_expiry)
    )


def allocate(*, stock: Stock, quantity: int, earliest_expiry: date | None = None) -> list[Allocation]:
    """Hold ``quantity`` units of the locked ``stock``, FEFO from its sellable lots, then its unlotted
    units; all or nothing (``NotEnoughSellable`` when short). Saves the lots and the stock row."""
    earliest_expiry = earliest_expiry or sellable_from(stock=stock)
    lots = stock_lots(stock=stock)
    taken = hold(stock=stock, lots=lots, quantity=quantity, earliest_expiry=earliest_expiry)
    rows_update([allocation.lot for allocation in taken if allocation.lot is not None], ["reserved"])
    stock_save(stock=stock, lots=lots, earliest_expiry=earliest_expiry)
    return taken


def hold(*, stock: Stock, lots: list[StockLot], quantity: int, earliest_expiry: date) -> list[Allocation]:
    """``allocate`` in memory: the units are added to ``reserved`` of ``stock`` and of the ``lots`` it takes
    (the locked stock's lots with units, first expiring first); nothing is saved. When short it raises
    ``NotEnoughSellable`` having changed nothing, so a caller holding several lines can give up on one."""
    available = sellable_available(stock=stock, lots=lots, earliest_expiry=earliest_expiry)
    if available < quantity:
        raise NotEnoughSellable(available)
    taken: list[Allocation] = []
    left = quantity
    for lot in lots:
        free = lot.on_hand - lot.reserved
        if left and free > 0 and lot_is_sellable(lot, earliest_expiry=earliest_expiry):
            units = min(left, free)
            lot.reserved += units
            taken.append(Allocation(lot=lot, quantity=units))
            left -= units
    if left:
        taken.append(Allocation(lot=None, quantity=left))
    stock.reserved += quantity
    return taken


def stock_save(*, stock: Stock, lots: list[StockLot] | None = None, earliest_expiry: date | None = None) -> None:
    """Save the locked stock row with its ``unsellable`` units recomputed from its lots.

    The row keeps the lots it was saved with (``saved_lots``: those with units, first expiring first, as
    saved), so the ``catalog.stock_changed`` that follows in the same transaction reads nothing again.
    """
    lots = stock_lots(stock=stock) if lots is None else lots
    earliest_expiry = earliest_expiry or sellable_from(stock=stock)
    stock.unsellable = unsellable_units(stock=stock, lots=lots, earliest_expiry=earliest_expiry)
    stock.save(update_fields=["on_hand", "reserved", "unsellable", "updated_at"])
    stock.saved_lots = lots


# The saga's lock of an order's stock rows: every row in one statement, in SKU order (the order every writer
# of several SKUs locks them in, so two orders cannot deadlock), with only what the ledger, the event and the
# shelf life read of the variant and product (not their prices, texts and JSON); then their lots, in a
# statement of its own so that it reads them after the locks are held (a lot joined to the locking statement
# could be the version from before the wait). Compiled once per count.
LOCKED_STOCK_FIELDS = (
    *(field.name for field in Stock._meta.concrete_fields),
    "variant__sku",
    "variant__product_id",
    "variant__product__name",
    "variant__product__category_id",
)
_STOCKS_LOCKED = CompiledQuery(
    lambda variant_ids: (
        with_shelf_life(Stock.objects.select_for_update(of=("self",)))
        .select_related("variant__product")
        .only(*LOCKED_STOCK_FIELDS)
        .filter(variant_id__in=variant_ids)
        .order_by("variant__sku")
    ),
    variant_ids=Many(-7_310_100_000),
)
_LOTS_OF_STOCKS = CompiledQuery(
    lambda stock_ids: StockLot.objects.filter(stock_id__in=stock_ids, on_hand__gt=0).order_by("expires_on", "id"),
    stock_ids=Many(-7_310_200_000),
)


def stocks_locked(*, variant_ids: Iterable[int]) -> dict[int, Stock]:
    """``{variant id: stock row}`` of these variants, locked until the transaction ends (a variant with no
    stock row is missing), each with its variant and product, its category's shelf life
    (``with_shelf_life``) and ``locked_lots``: its lots with units, first expiring first. Two statements
    whatever the number of rows; ``hold`` and ``stocks_save`` then work on them in memory."""
    stocks = _STOCKS_LOCKED(variant_ids=sorted(set(variant_ids)))
    lots: dict[int, list[StockLot]] = {stock.pk: [] for stock in stocks}
    for lot in _LOTS_OF_STOCKS(stock_ids=list(lots)):
        lots[lot.stock_id].append(lot)
    for stock in stocks:
        stock.locked_lots = lots[stock.pk]
    return {stock.pk: stock for stock in stocks}


def stocks_save(*, stocks: Iterable[Stock], lots: Iterable[StockLot]) -> None:
    """Save rows of ``stocks_locked`` changed in memory, with their ``unsellable`` units recomputed from
    their lots, and the changed ``lots`` (``on_hand`` and ``reserved``): one statement for each table.

    Like ``stock_save``, each row keeps the lots it was saved with (``saved_lots``, those with units)."""
    stocks = list({stock.pk: stock for stock in stocks}.values())
    rows_update(list({lot.pk: lot for lot in lots}.values()), ["on_hand", "reserved"])
    for stock in stocks:
        stock.saved_lots = [lot for lot in stock.locked_lots if lot.on_hand > 0]
        stock.unsellable = unsellable_units(
            stock=stock, lots=stock.saved_lots, earliest_expiry=sellable_from(stock=stock)
        )
    rows_update(stocks, ["on_hand", "reserved", "unsellable", "updated_at"])


def lot_for_receipt(
    *, stock: Stock, code: str, expires_on: date | None, manufactured_on: date | None = None
) -> StockLot:
    """The lot a receipt names: an existing one of this SKU (its dates must match), or a new one."""
    code = code.strip().upper()
    lot = StockLot.objects.filter(stock=stock, code=code).first()
    if lot is None:
        if expires_on is None:
            raise ValidationError(_("Give the new lot's expiry date."), code="lot_expiry_required")
        if manufactured_on is not None and manufactured_on > expires_on:
            raise ValidationError(
                _("The manufacturing date cannot be after the expiry date."), code="lot_dates_invalid"
            )
        return StockLot.objects.create(stock=stock, code=code, expires_on=expires_on, manufactured_on=manufactured_on)
    if expires_on is not None and expires_on != lot.expires_on:
        raise ValidationError(
            _("Lot %(code)s already exists with expiry date %(expires_on)s.")
            % {"code": code, "expires_on": f"{lot.expires_on:%d/%m/%Y}"},
            code="lot_expiry_mismatch",
        )
    return lot


def stock_lots_refresh(*, today: date | None = None) -> list[int]:
    """Recompute ``Stock.unsellable`` of every SKU held in lots (lots cross the minimum shelf life as
    days pass, with no write to notice it); returns the variant ids whose level changed. Each stock
    row is locked while it is recomputed, like every other lot write."""
    changed = []
    variant_ids = StockLot.objects.filter(on_hand__gt=0).values_list("stock_id", flat=True).distinct()
    for variant_id in sorted(set(variant_ids)):
        with transaction.atomic():
            stock = Stock.objects.select_for_update(of=("self",)).select_related("variant__product").get(pk=variant_id)
            lots = stock_lots(stock=stock)
            earliest = sellable_from(stock=stock, today=today)
            unsellable = unsellable_units(stock=stock, lots=lots, earliest_expiry=earliest)
            if unsellable != stock.unsellable:
                stock_save(stock=stock, lots=lots, earliest_expiry=earliest)
                changed.append(variant_id)
    return changed
