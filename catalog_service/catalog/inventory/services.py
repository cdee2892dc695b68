"""Stock writes of the orders saga: reservations (all lines or none), commit on payment, release, expiry.

Reservations never make availability negative: the order's stock rows are locked (in SKU order, inside
one transaction, so concurrent orders cannot deadlock) and each line is allocated FEFO from the SKU's
sellable lots (``catalog.inventory.lots``); the tables' check constraints refuse anything else. The
reservation and the commit lock all their rows in one statement, make their changes in memory and save
them one statement per table, so they cost the same few statements whatever the order's lines. Every step is
idempotent by order number. Units that leave or come back on hand (a sale, a paid order's
cancellation) are recorded in the stock ledger, lot by lot; the merchandisers' edits are
``catalog.inventory.adjustments``.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import StrEnum

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from catalog.inventory.ledger import stock_movement, stock_movement_record
from catalog.inventory.lots import (
    Allocation,
    NotEnoughSellable,
    hold,
    sellable_from,
    stock_save,
    stocks_locked,
    stocks_save,
    with_shelf_life,
)
from catalog.inventory.models import Reservation, ReservationLot, Stock, StockLot, StockMovement
from catalog.products.cache import catalog_cache_bump
from catalog.products.indexing import product_in_stock_refresh
from catalog.products.kits import kit_lines_expand, lines_with_variant_ids, sql_rows, variants_and_kits_sql
from common.compiled_queries import CompiledQuery, Many
from common.events import publish, publish_many
from common.events.contracts import EventContract
from common.events.contracts.catalog import (
    LotAllocation,
    LotLevel,
    RejectedLine,
    StockChanged,
    StockCommitFailed,
    StockRejected,
    StockReserved,
    UncoveredLine,
)
from common.events.contracts.common_types import Line
from common.inserts import rows_insert
from common.updates import rows_update

logger = logging.getLogger(__name__)

State = Reservation.State
Reason = StockMovement.Reason


def stock_changed_publish(
    *,
    variant_ids: Iterable[int] = (),
    saved: Iterable[Stock] = (),
    causation_id: str | None = None,
    first: Sequence[tuple[EventContract, str]] = (),
    available_changed: bool = True,
) -> None:
    """Publish ``catalog.stock_changed`` (keyed by SKU) with the current levels of these variants; have
    products refresh their ``in_stock`` flag, and bump the response cache (every stock change comes here).

    ``saved`` are stock rows this transaction locked (with their variant and product) and saved with
    ``stock_save`` or ``stocks_save``: their levels and lots are in memory, so only the other ``variant_ids``
    are read. ``first`` are ``(event, key)`` published before them, in the same statement (a saga step's
    answer). ``available_changed=False`` says no variant's available units moved (a paid order's held units
    leaving the shelf: on hand and reserved fall together): the shopper's answers show available units and
    the ``in_stock`` flags, so neither the flags nor the response cache can be stale, and only the events go.
    """
    levels = {stock.variant_id: (stock, stock.saved_lots) for stock in saved}
    missing = set(variant_ids) - set(levels)
    if missing:
        levels.update(_levels_read(variant_ids=missing))
    if available_changed:
        product_in_stock_refresh(product_ids={stock.variant.product_id for stock, _lots in levels.values()})
    changes = sorted((_stock_changed(stock, lots) for stock, lots in levels.values()), key=lambda e: e.sku)
    publish_many([*first, *((event, event.sku) for event in changes)], causation_id=causation_id)
    if available_changed:
        catalog_cache_bump()


def _levels_read(*, variant_ids: set[int]) -> dict[int, tuple[Stock, list[StockLot]]]:
    """The stock rows (with variant and product) and their lots with units, first expiring first."""
    stocks = Stock.objects.filter(variant_id__in=variant_ids).select_related("variant__product").order_by()
    lots: dict[int, list[StockLot]] = {}
    for lot in StockLot.objects.filter(stock_id__in=variant_ids, on_hand__gt=0).order_by("expires_on", "id"):
        lots.setdefault(lot.stock_id, []).append(lot)
    return {stock.variant_id: (stock, lots.get(stock.variant_id, [])) for stock in stocks}


def _stock_changed(stock: Stock, lots: list[StockLot]) -> StockChanged:
    return StockChanged(
        sku=stock.variant.sku,
        product_name=stock.variant.product.name,
        on_hand=stock.on_hand,
        available=stock.on_hand - stock.reserved - stock.unsellable,
        low_stock_threshold=stock.low_stock_threshold,
        lots=[
            LotLevel(lot=lot.code, expires_on=lot.expires_on, on_hand=lot.on_hand, blocked=lot.is_blocked)
            for lot in lots
        ],
    )


def stock_reserve_order(
    *,
    order_number: str,
    lines: Iterable[tuple[str, int]],
    expires_at: datetime,
    causation_id: str | None = None,
    optional_skus: frozenset[str] = frozenset(),
) -> bool:
    """Reserve every line of an order or none; publish ``stock_reserved`` or ``stock_rejected``.

    Returns True when reserved. A second request for the same order changes nothing and publishes
    nothing (the first answer stands). A kit's line reserves its components (``kit_lines_expand``).
    ``optional_skus`` (an order's gifts and samples) are reserved when there is stock and otherwise left
    out (``stock_reserved.left_out``), never a reason to reject the order.
    """
    lines = list(lines)
    # One statement asks for the variants and whether the order was handled already (``_PLACED_SQL``).
    found = sql_rows(_PLACED_SQL, [order_number], sorted({sku for sku, _ in lines}) or [None])
    expanded, variant_ids = lines_with_variant_ids(lines, found=found)
    quantities = Counter(dict(expanded))
    dropped = dict(quantities)
    # No savepoint of its own (two round trips per event): inside the consumer's transaction a failure here
    # fails the event's whole transaction, which is what the consumer wants (the inbox row goes with it).
    with transaction.atomic(savepoint=False):
        seen = found[0][3] if found else bool(_ORDER_RESERVATIONS(order_number=order_number))
        if seen:
            logger.info("order already handled by stock", extra={"order_number": order_number})
            return Reservation.objects.filter(order_number=order_number).exclude(state=State.REJECTED).exists()
        allocations: dict[str, list[Allocation]] = {}
        saved: list[Stock] = []
        left_out = {sku for sku in quantities if sku in optional_skus and sku not in variant_ids}
        if len(variant_ids) + len(left_out) == len(quantities):
            allocations, saved = _lines_hold(
                quantities=quantities, variant_ids=variant_ids, optional_skus=optional_skus, left_out=left_out
            )
        reserved = bool(allocations)
        if reserved:  # no row for a gift left out: the order goes on (and is paid) without it
            quantities = Counter({sku: n for sku, n in quantities.items() if sku not in left_out})
        else:
            left_out = set()
        rows = _reservations_record(
            order_number=order_number,
            lines=sorted(quantities.items()),
            variant_ids=variant_ids,
            expires_at=expires_at,
            state=State.ACTIVE if reserved else State.REJECTED,
        )
        if reserved:
            rows_insert(
                [
                    ReservationLot(reservation=row, lot=taken.lot, quantity=taken.quantity)
                    for row in rows
                    for taken in allocations[row.sku]
                ]
            )
            lines_out = [Line(sku=sku, quantity=quantity) for sku, quantity in sorted(quantities.items())]
            event = StockReserved(
                order_number=order_number,
                lines=lines_out,
                expires_at=expires_at,
                lots=[
                    LotAllocation(sku=sku, lot=taken.lot.code, expires_on=taken.lot.expires_on, quantity=taken.quantity)
                    for sku in sorted(allocations)
                    for taken in allocations[sku]
                    if taken.lot is not None
                ],
                left_out=[Line(sku=sku, quantity=dropped[sku]) for sku in sorted(left_out)],
            )
            # the gifts left out were not saved: their levels are read (unchanged, as before)
            stock_changed_publish(
                variant_ids=variant_ids.values(),
                saved=saved,
                causation_id=causation_id,
                first=[(event, order_number)],
            )
        else:
            _publish_rejection(
                order_number=order_number, quantities=quantities, variant_ids=variant_ids, causation_id=causation_id
            )
    return reserved


def _reservations_record(
    *,
    order_number: str,
    lines: Iterable[tuple[str, int]],
    variant_ids: dict[str, int],
    expires_at: datetime,
    state: str,
) -> list[Reservation]:
    """One reservation row per line (an unknown SKU's with no variant), inserted in one statement."""
    rows = [
        Reservation(
            order_number=order_number,
            sku=sku,
            variant_id=variant_ids.get(sku),
            quantity=quantity,
            expires_at=expires_at,
            state=state,
        )
        for sku, quantity in lines
    ]
    rows_insert(rows)
    return rows


def _lines_hold(
    *, quantities: Counter, variant_ids: dict[str, int], optional_skus: frozenset[str], left_out: set[str]
) -> tuple[dict[str, list[Allocation]], list[Stock]]:
    """Hold every line (but the gifts in ``left_out``) on the order's locked stock rows, FEFO; returns the
    allocations by SKU and the rows saved, or nothing when a line cannot be held (nothing is written then).

    The holds are made in memory (``hold``) and saved together (``stocks_save``), so giving up on a line
    needs no savepoint. A gift or sample without stock is added to ``left_out`` and the order goes on.
    """
    wanted = sorted(set(quantities) - left_out)
    stocks = stocks_locked(variant_ids=[variant_ids[sku] for sku in wanted])
    allocations: dict[str, list[Allocation]] = {}
    for sku in wanted:
        stock = stocks.get(variant_ids[sku])
        try:
            if stock is None:  # a variant with no stock row has nothing to sell
                raise NotEnoughSellable(0)
            allocations[sku] = hold(
                stock=stock,
                lots=stock.locked_lots,
                quantity=quantities[sku],
                earliest_expiry=sellable_from(stock=stock),
            )
        except NotEnoughSellable:
            if sku in optional_skus:
                left_out.add(sku)
                continue
            return {}, []
    saved = [stocks[variant_ids[sku]] for sku in allocations]
    stocks_save(stocks=saved, lots=[t.lot for taken in allocations.values() for t in taken if t.lot is not None])
    return allocations, saved


def _publish_rejection(
    *, order_number: str, quantities: Counter, variant_ids: dict[str, int], causation_id: str | None
) -> None:
    available = {
        row["variant__sku"]: max(0, row["on_hand"] - row["reserved"] - row["unsellable"])
        for row in Stock.objects.filter(variant_id__in=variant_ids.values()).values(
            "variant__sku", "on_hand", "reserved", "unsellable"
        )
    }
    short = [
        RejectedLine(sku=sku, requested=quantity, available=available.get(sku, 0))
        for sku, quantity in sorted(quantities.items())
        if available.get(sku, 0) < quantity
    ]
    reason = "unknown_sku" if len(variant_ids) < len(quantities) else "insufficient_stock"
    publish(
        StockRejected(order_number=order_number, reason=reason, lines=short),
        key=order_number,
        causation_id=causation_id,
    )


class CommitFailure(StrEnum):
    """Why a paid order's line was not committed (``catalog.stock_commit_failed``'s ``reason``)."""

    RESERVATION_RELEASED = "reservation_released"  # the order was cancelled: its units went back
    INSUFFICIENT_STOCK = "insufficient_stock"  # the reservation expired and its units are gone
    NOT_RESERVED = "not_reserved"  # never reserved (rejected, unknown or deleted SKU)


def stock_commit_order(
    *,
    order_number: str,
    lines: Iterable[tuple[str, int]] = (),
    email: str = "",
    paid_at: datetime | None = None,
    causation_id: str | None = None,
) -> int:
    """The order was paid: its reserved units leave the shelf (on hand and reserved both drop).

    Only a live hold is committed. An active reservation is; an expired one (the payment came after its
    window) takes its units again only while they are available to nobody else, since the money is
    taken and those units are promised to no other order; a released one (the order was cancelled)
    never is. Every line that cannot be covered is announced with ``catalog.stock_commit_failed`` (the
    lines that could be covered stay committed: the order's cancellation gives them back). ``lines``,
    the paid order's own, name the lines catalog never reserved. The customer's ``email`` is kept on
    the committed lines, so a recall of their lot can reach them. Returns the lines committed.
    """
    with transaction.atomic(savepoint=False):  # as in stock_reserve_order: the consumer's transaction decides
        rows = _ORDER_RESERVATIONS_LOCKED(order_number=order_number)
        held = {row.sku for row in rows}
        # Only the paid lines catalog holds no reservation for are expanded (a kit is: its components are
        # held), so the usual payment, every line held, asks nothing about kits.
        paid_quantities: Counter = Counter()
        for sku, quantity in kit_lines_expand([(sku, quantity) for sku, quantity in lines if sku not in held]):
            paid_quantities[sku] += quantity
        uncovered: dict[str, tuple[int, CommitFailure]] = {
            sku: (quantity, CommitFailure.NOT_RESERVED) for sku, quantity in paid_quantities.items() if sku not in held
        }
        pending = [row for row in rows if row.state != State.COMMITTED]  # a repeated payment: already done
        live = [row for row in pending if row.variant_id is not None and row.state in (State.ACTIVE, State.EXPIRED)]
        stocks = stocks_locked(variant_ids=[row.variant_id for row in live])
        available_before = {stock.pk: stock.available for stock in stocks.values()}
        holds: dict[int, list[ReservationLot]] = {}
        for taken in _HELD_BY_RESERVATIONS(reservation_ids=[row.pk for row in live if row.state == State.ACTIVE]):
            holds.setdefault(taken.reservation_id, []).append(taken)
        sale = _Sale()
        committed: list[Reservation] = []
        for row in pending:
            failure = _commit_line(row, stock=stocks.get(row.variant_id), held=holds.get(row.pk, []), sale=sale)
            if failure is None:
                committed.append(row)
            else:
                uncovered[row.sku] = (row.quantity, failure)
        sale.save()
        paid_at = paid_at or timezone.now()
        for row in committed:
            row.state, row.customer_email, row.paid_at = State.COMMITTED, email, paid_at
        rows_update(committed, ["state", "customer_email", "paid_at", "updated_at"])
        saved = list({stock.pk: stock for stock in sale.stocks}.values())  # the rows as saved: sold or let go
        if saved:
            stock_changed_publish(
                saved=saved,
                causation_id=causation_id,
                # held units sold as held leave available as it was; a hold made again or let go (an expired
                # or recalled one), or a lot past its shelf life recounted by the save, moves it
                available_changed=any(stock.available != available_before[stock.pk] for stock in saved),
            )
        if uncovered:
            _publish_commit_failure(order_number=order_number, uncovered=uncovered, causation_id=causation_id)
    return len(committed)


class _Sale:
    """What committing a paid order's lines changes, made in memory and saved together (``save``): the
    stock rows and lots, the holds let go and made again, the ledger's movements, the holds that lapsed."""

    def __init__(self) -> None:
        self.stocks: list[Stock] = []
        self.lots: list[StockLot] = []
        self.released: list[ReservationLot] = []
        self.allocated: list[ReservationLot] = []
        self.movements: list[StockMovement] = []
        self.lapsed: list[Reservation] = []

    def save(self) -> None:
        if self.released:
            ReservationLot.objects.filter(pk__in=[taken.pk for taken in self.released]).delete()
        rows_insert(self.allocated)
        stocks_save(stocks=self.stocks, lots=self.lots)
        rows_insert(self.movements)  # in the order they happened (the ledger reads their ids)
        if self.lapsed:
            Reservation.objects.filter(pk__in=[row.pk for row in self.lapsed]).update(
                state=State.EXPIRED, updated_at=timezone.now()
            )


def _commit_line(
    row: Reservation, *, stock: Stock | None, held: list[ReservationLot], sale: _Sale
) -> CommitFailure | None:
    """Take one reservation's units off the shelf, lot by lot (each a sale in the ledger), in memory on its
    locked ``stock`` (saved by ``sale``): None when done, else why not. An expired hold is allocated again
    (FEFO) while sellable units are free; a hold on a lot blocked since (a recall) moves to other sellable
    lots, or is let go (the line is then not covered, and marked expired: a redelivered payment commits it
    if units came back)."""
    if row.variant_id is None or row.state == State.REJECTED:
        return CommitFailure.NOT_RESERVED
    if row.state == State.RELEASED:
        return CommitFailure.RESERVATION_RELEASED
    if stock is None:
        raise Stock.DoesNotExist(f"no stock row for variant {row.variant_id}")
    lots = {lot.pk: lot for lot in stock.locked_lots}  # a held lot has units: it is among them
    units = [(lots[taken.lot_id] if taken.lot_id is not None else None, taken.quantity) for taken in held]
    if any(lot is not None and lot.is_blocked for lot, _ in units):  # let the hold go, in memory
        for lot, quantity in units:
            if lot is not None:
                lot.reserved -= quantity
                sale.lots.append(lot)
        stock.reserved -= row.quantity
        sale.released += held
        units = []
    if not units:
        try:
            taken = hold(
                stock=stock, lots=stock.locked_lots, quantity=row.quantity, earliest_expiry=sellable_from(stock=stock)
            )
        except NotEnoughSellable:
            if row.state == State.ACTIVE:  # its hold was on a blocked lot and was let go: now like an
                sale.stocks.append(stock)  # expired hold, committed by a later payment if units come back
                sale.lapsed.append(row)
            return CommitFailure.INSUFFICIENT_STOCK
        sale.allocated += [ReservationLot(reservation=row, lot=t.lot, quantity=t.quantity) for t in taken]
        units = [(t.lot, t.quantity) for t in taken]
    for lot, quantity in units:
        if lot is not None:
            lot.on_hand -= quantity
            lot.reserved -= quantity
            sale.lots.append(lot)
        stock.on_hand -= quantity
        stock.reserved -= quantity
        sale.movements.append(
            stock_movement(stock=stock, delta=-quantity, reason=Reason.SALE, reference=row.order_number, lot=lot)
        )
    sale.stocks.append(stock)
    return None


def allocations_release(*, stock: Stock, reservation: Reservation, allocations: list[ReservationLot]) -> None:
    """Give a live hold's units back to its lots (the stock row is locked; the caller saves it)."""
    for taken in allocations:
        if taken.lot is not None:
            StockLot.objects.filter(pk=taken.lot_id).update(reserved=F("reserved") - taken.quantity)
    stock.reserved -= reservation.quantity
    ReservationLot.objects.filter(pk__in=[taken.pk for taken in allocations]).delete()


def _stock_locked(*, variant_id: int) -> Stock:
    """A stock row (with its variant and product, for the ledger and the event, and its category's shelf
    life, ``with_shelf_life``) locked until the transaction ends."""
    stock = _STOCK_LOCKED.first(variant_id=variant_id)
    if stock is None:
        raise Stock.DoesNotExist(f"no stock row for variant {variant_id}")
    return stock


# ``kits.VARIANTS_AND_KITS_SQL`` plus, on every row, whether the order has reservations (handled already).
# When none of its SKUs exists there is no row to carry that: ``_ORDER_RESERVATIONS`` asks then.
_PLACED_SQL = variants_and_kits_sql(
    also="EXISTS (SELECT 1 FROM inventory_reservation AS r WHERE r.order_number = {in})"
)

# The saga's reads of an order's reservations and of the lots a reservation holds, on every placed and
# paid order: compiled once (``common.compiled_queries``).
_ORDER_RESERVATIONS = CompiledQuery(
    lambda order_number: Reservation.objects.filter(order_number=order_number).only("id").order_by()[:1],
    order_number="\x00order-number",
)
_ORDER_RESERVATIONS_LOCKED = CompiledQuery(
    lambda order_number: Reservation.objects.select_for_update().filter(order_number=order_number).order_by("sku"),
    order_number="\x00order-number",
)
_HELD_BY_RESERVATIONS = CompiledQuery(
    lambda reservation_ids: ReservationLot.objects.filter(reservation_id__in=reservation_ids).order_by("id"),
    reservation_ids=Many(-7_310_300_000),
)
_HELD_LOTS = CompiledQuery(
    lambda reservation_id: ReservationLot.objects.select_related("lot").filter(reservation_id=reservation_id),
    reservation_id=-7_310_000_041,
)

# Every allocation locks its stock row this way: compiled once (``common.compiled_queries``).
_STOCK_LOCKED = CompiledQuery(
    lambda variant_id: (
        with_shelf_life(Stock.objects.select_for_update(of=("self",)))
        .select_related("variant__product")
        .filter(variant_id=variant_id)
        .order_by()
    ),
    variant_id=-7_310_000_012,
)


def _publish_commit_failure(
    *, order_number: str, uncovered: dict[str, tuple[int, CommitFailure]], causation_id: str | None
) -> None:
    on_hand = dict(Stock.objects.filter(variant__sku__in=uncovered).values_list("variant__sku", "on_hand"))
    failures = {failure for _, failure in uncovered.values()}
    reason = next(failure for failure in CommitFailure if failure in failures)
    lines = [
        UncoveredLine(sku=sku, quantity=quantity, on_hand=on_hand.get(sku, 0))
        for sku, (quantity, _) in sorted(uncovered.items())
    ]
    logger.error(
        "paid order not covered by stock: stock_commit_failed published",
        extra={"order_number": order_number, "reason": reason.value, "skus": sorted(uncovered)},
    )
    publish(
        StockCommitFailed(order_number=order_number, reason=reason.value, lines=lines),
        key=order_number,
        causation_id=causation_id,
    )


def stock_release_order(
    *,
    order_number: str,
    expired: bool = False,
    overdue_before: datetime | None = None,
    lines: Iterable[tuple[str, int]] = (),
    causation_id: str | None = None,
) -> int:
    """Give an order's units back: active reservations are released (or marked expired); units of a
    paid order cancelled before shipping go back on hand (recorded in the ledger). Returns the number
    of lines released.

    ``overdue_before`` limits the release to active reservations that expired before that time. A
    cancellation also marks the order's expired lines released, so no late payment can take them
    again. When the order was never seen (its cancellation overtook its placement), its ``lines`` are
    recorded as released, so a late ``order_placed`` reserves nothing.
    """
    with transaction.atomic(savepoint=False):  # as in stock_reserve_order: the consumer's transaction decides
        if lines and not _ORDER_RESERVATIONS(order_number=order_number):
            _record_never_reserved(order_number=order_number, lines=lines, expired=expired)
            return 0
        rows = Reservation.objects.select_for_update().filter(order_number=order_number).exclude(variant=None)
        if overdue_before is not None:
            rows = rows.filter(state=State.ACTIVE, expires_at__lt=overdue_before)
        elif expired:
            rows = rows.filter(state=State.ACTIVE)
        else:
            rows = rows.filter(state__in=[State.ACTIVE, State.COMMITTED, State.EXPIRED])
        rows = list(rows.order_by("sku"))
        moved: list[Stock] = []
        for row in rows:
            if row.state == State.ACTIVE:
                stock = _stock_locked(variant_id=row.variant_id)
                allocations_release(stock=stock, reservation=row, allocations=_HELD_LOTS(reservation_id=row.pk))
                stock_save(stock=stock)
                moved.append(stock)
            elif row.state == State.COMMITTED:
                stock = _stock_locked(variant_id=row.variant_id)
                for taken in _HELD_LOTS(reservation_id=row.pk):  # back into the lots they left
                    if taken.lot is not None:
                        StockLot.objects.filter(pk=taken.lot_id).update(on_hand=F("on_hand") + taken.quantity)
                    stock.on_hand += taken.quantity
                    stock_movement_record(
                        stock=stock,
                        delta=taken.quantity,
                        reason=Reason.CANCELLATION,
                        reference=order_number,
                        lot=taken.lot,
                    )
                stock_save(stock=stock)
                moved.append(stock)
        new_state = State.EXPIRED if expired or overdue_before is not None else State.RELEASED
        Reservation.objects.filter(pk__in=[row.pk for row in rows]).update(state=new_state, updated_at=timezone.now())
        if moved:
            stock_changed_publish(saved=moved, causation_id=causation_id)
    return len(rows)


def _record_never_reserved(*, order_number: str, lines: Iterable[tuple[str, int]], expired: bool) -> None:
    expanded, variant_ids = lines_with_variant_ids(lines)
    _reservations_record(
        order_number=order_number,
        lines=expanded,
        variant_ids=variant_ids,
        expires_at=timezone.now(),
        state=State.EXPIRED if expired else State.RELEASED,
    )
    logger.warning("release of an order never reserved: recorded", extra={"order_number": order_number})


def reservation_expire_overdue(*, now: datetime | None = None) -> int:
    """Release every active reservation whose payment window has passed; returns orders released."""
    now = now or timezone.now()
    orders = (
        Reservation.objects.filter(state=State.ACTIVE, expires_at__lt=now)
        .order_by("order_number")
        .values_list("order_number", flat=True)
        .distinct()
    )
    released = 0
    for order_number in list(orders):
        released += bool(stock_release_order(order_number=order_number, overdue_before=now))
    return released
