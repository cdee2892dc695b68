"""Stock by lot: receipts name lots, reservations take the lots that expire first (FEFO), all or nothing,
and a lot too close to its expiry, blocked or expired is never sold."""

import threading
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from catalog.inventory.adjustments import stock_edit
from catalog.inventory.lots import stock_lots_refresh
from catalog.inventory.models import Reservation, ReservationLot, Stock, StockLot, StockMovement
from catalog.inventory.recalls import lot_block, lot_customers_notify
from catalog.inventory.services import stock_commit_order, stock_release_order, stock_reserve_order
from catalog.products.models import Brand, Category, Product, ProductType, Variant
from catalog.products.selectors import stock_availability
from common.events.testing import published

BUYERS = 30
SKU = "LOT-BAT-001"


def _variant(sku: str = SKU, *, category: Category | None = None) -> Variant:
    product = Product.objects.create(
        name="Batom Lote",
        slug=f"batom-{sku.lower()}",
        brand=Brand.objects.get_or_create(slug="b", name="B")[0],
        category=category or Category.objects.get_or_create(slug="c", name="C")[0],
        product_type=ProductType.objects.get_or_create(slug="t", name="T")[0],
        is_published=True,
    )
    return Variant.objects.create(product=product, sku=sku, name="Vermelho", price=Decimal("10.00"))


def _receive(variant: Variant, code: str, units: int, days: int) -> None:
    stock_edit(
        variant=variant,
        reason="received",
        quantity=units,
        lot_code=code,
        lot_expires_on=timezone.localdate() + timedelta(days=days),
    )


def _reserve(number: str, quantity: int = 1, sku: str = SKU) -> bool:
    return stock_reserve_order(
        order_number=number, lines=[(sku, quantity)], expires_at=timezone.now() + timedelta(minutes=30)
    )


def _lot(code: str) -> StockLot:
    return StockLot.objects.get(code=code)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_thirty_concurrent_buyers_empty_the_nearest_sellable_lot_first_and_each_unit_sells_once(postgresql):
    variant = _variant()
    _receive(variant, "NEAR", 10, 100)
    _receive(variant, "FAR", 15, 400)
    _receive(variant, "SHORT", 10, 30)  # inside the 90-day minimum shelf life: never sold
    assert stock_availability(skus=[SKU]) == [{"sku": SKU, "available": 25}]

    barrier = threading.Barrier(BUYERS)
    outcomes: list[bool] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def buyer(number: int) -> None:
        try:
            barrier.wait()
            result = _reserve(f"FEFO-{number:02d}")
            with lock:
                outcomes.append(result)
        except BaseException as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buyer, args=(n,)) for n in range(BUYERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert outcomes.count(True) == 25 and outcomes.count(False) == 5
    allocations = list(ReservationLot.objects.select_related("lot").order_by("id"))
    assert all(taken.quantity == 1 for taken in allocations)
    assert len({taken.reservation_id for taken in allocations}) == 25  # one lot line per order
    codes = [taken.lot.code for taken in allocations]
    assert codes == ["NEAR"] * 10 + ["FAR"] * 15  # in lock order: the near lot was emptied first
    assert [(lot.code, lot.on_hand, lot.reserved) for lot in StockLot.objects.order_by("expires_on")] == [
        ("SHORT", 10, 0),
        ("NEAR", 10, 10),
        ("FAR", 15, 15),
    ]
    stock = Stock.objects.get(variant=variant)
    assert (stock.on_hand, stock.reserved, stock.unsellable, stock.available) == (35, 25, 10, 0)

    for number in range(BUYERS):
        stock_commit_order(order_number=f"FEFO-{number:02d}")
    assert [(lot.code, lot.on_hand, lot.reserved) for lot in StockLot.objects.order_by("expires_on")] == [
        ("SHORT", 10, 0),
        ("NEAR", 0, 0),
        ("FAR", 0, 0),
    ]
    sales = StockMovement.objects.filter(reason="sale")
    assert sales.count() == 25
    assert sorted(sales.values_list("lot__code", flat=True)) == ["FAR"] * 15 + ["NEAR"] * 10
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved, stock.available) == (10, 0, 0)
    assert sum(StockMovement.objects.filter(sku=SKU).values_list("delta", flat=True)) == stock.on_hand


@pytest.mark.django_db
def test_an_order_is_split_across_lots_first_expiring_first_and_the_event_names_them():
    variant = _variant()
    _receive(variant, "L1", 2, 200)
    _receive(variant, "L0", 1, 120)
    assert _reserve("SPLIT-1", 3)
    [event] = published("catalog.stock_reserved")
    assert [(lot["lot"], lot["quantity"]) for lot in event.payload["lots"]] == [("L0", 1), ("L1", 2)]
    assert event.payload["lots"][0]["expires_on"] == str(timezone.localdate() + timedelta(days=120))
    changed = published("catalog.stock_changed")[-1].payload  # the lots, for tasks' expiring-lots report
    assert [(lot["lot"], lot["on_hand"], lot["blocked"]) for lot in changed["lots"]] == [
        ("L0", 1, False),
        ("L1", 2, False),
    ]


@pytest.mark.django_db
def test_all_or_nothing_when_the_sellable_lots_are_short():
    variant = _variant()
    _receive(variant, "L1", 2, 200)
    _receive(variant, "OLD", 5, 10)
    assert not _reserve("SHORT-1", 3)
    assert Reservation.objects.get(order_number="SHORT-1").state == "rejected"
    [rejected] = published("catalog.stock_rejected")
    assert rejected.payload["lines"] == [{"sku": SKU, "requested": 3, "available": 2}]
    assert StockLot.objects.filter(reserved__gt=0).count() == 0
    assert Stock.objects.get(variant=variant).reserved == 0


@pytest.mark.django_db
def test_a_category_may_shorten_the_minimum_shelf_life():
    category = Category.objects.create(slug="amostras", name="Amostras", min_shelf_life_days=20)
    child = Category.objects.create(slug="amostras-batom", name="Batom", parent=category)
    variant = _variant(category=child)
    _receive(variant, "SOON", 2, 30)
    assert stock_availability(skus=[SKU]) == [{"sku": SKU, "available": 2}]
    assert _reserve("CAT-1", 2)


@pytest.mark.django_db
def test_a_cancelled_paid_order_puts_its_units_back_into_the_lot_they_left():
    variant = _variant()
    _receive(variant, "L1", 3, 200)
    assert _reserve("BACK-1", 2)
    stock_commit_order(order_number="BACK-1")
    assert _lot("L1").on_hand == 1
    stock_release_order(order_number="BACK-1")
    assert (_lot("L1").on_hand, _lot("L1").reserved) == (3, 0)
    back = StockMovement.objects.get(reason="cancellation")
    assert (back.lot.code, back.delta, back.on_hand_after) == ("L1", 2, 3)


@pytest.mark.django_db
def test_a_released_hold_frees_its_lot_and_unlotted_units_are_sold_last():
    variant = Variant.objects.get(pk=_variant().pk)
    Stock.objects.create(variant=variant, on_hand=2)  # units from before lots: no expiry
    _receive(variant, "L1", 1, 200)
    assert _reserve("LOOSE-1", 2)
    assert list(ReservationLot.objects.values_list("lot__code", "quantity").order_by("id")) == [("L1", 1), (None, 1)]
    stock_release_order(order_number="LOOSE-1")
    assert _lot("L1").reserved == 0
    assert ReservationLot.objects.count() == 0
    stock = Stock.objects.get(variant=variant)
    assert (stock.on_hand, stock.reserved, stock.available) == (3, 0, 3)


@pytest.mark.django_db
def test_receipts_are_checked_in_portuguese():
    variant = _variant()
    with pytest.raises(ValidationError, match="Informe o lote recebido"):
        stock_edit(variant=variant, reason="received", quantity=2)
    _receive(variant, "L1", 1, 200)
    with pytest.raises(ValidationError, match="já existe com validade"):
        _receive(variant, "L1", 1, 300)
    assert _reserve("HOLD-1", 1)
    with pytest.raises(ValidationError, match="1 unidade do lote L1 está reservada para pedidos"):
        stock_edit(variant=variant, reason="damaged", quantity=1, lot_code="L1")
    _receive(variant, "l1", 2, 200)  # the same lot (codes are upper case)
    assert _lot("L1").on_hand == 3


@pytest.mark.django_db
def test_a_blocked_lot_is_never_sold_and_its_live_holds_move_to_another_lot_at_once():
    variant = _variant()
    _receive(variant, "BAD", 2, 200)
    _receive(variant, "GOOD", 1, 300)
    assert _reserve("HELD-1", 1)  # held on BAD (first to expire)
    blocked = lot_block(lot=_lot("BAD"), reason="Contaminação")
    assert (blocked.holds_moved, blocked.holds_uncovered) == (1, 0)
    # The hold now sits on GOOD: its unit is not offered to anyone else (before, it showed as free and a
    # second shopper could take it, leaving the first order paid with nothing to ship).
    assert [(a.lot.code, a.quantity) for a in ReservationLot.objects.filter(reservation__order_number="HELD-1")] == [
        ("GOOD", 1)
    ]
    assert stock_availability(skus=[SKU]) == [{"sku": SKU, "available": 0}]
    stock = Stock.objects.get(variant=variant)
    assert (stock.on_hand, stock.reserved, stock.unsellable) == (3, 1, 2)
    assert (_lot("BAD").reserved, _lot("GOOD").reserved) == (0, 1)
    assert not _reserve("AFTER-1", 1)  # only the blocked lot has free units
    stock_commit_order(order_number="HELD-1")
    sold = StockMovement.objects.filter(reason="sale", reference="HELD-1")
    assert [(m.lot.code, m.delta) for m in sold] == [("GOOD", -1)]
    assert (_lot("BAD").on_hand, _lot("BAD").reserved, _lot("GOOD").on_hand) == (2, 0, 0)


@pytest.mark.django_db
def test_a_live_hold_no_other_lot_can_cover_stays_and_is_settled_when_paid():
    variant = _variant()
    _receive(variant, "BAD", 2, 200)
    assert _reserve("HELD-3", 2)
    blocked = lot_block(lot=_lot("BAD"), reason="Recall")
    assert (blocked.holds_moved, blocked.holds_uncovered) == (0, 1)
    assert (_lot("BAD").reserved, Stock.objects.get(variant=variant).reserved) == (2, 2)
    _receive(variant, "NEW", 2, 400)  # replacement units arrive before the payment
    stock_commit_order(order_number="HELD-3")
    sold = StockMovement.objects.filter(reason="sale", reference="HELD-3")
    assert [(m.lot.code, m.delta) for m in sold] == [("NEW", -2)]
    assert _lot("BAD").reserved == 0


@pytest.mark.django_db
def test_a_paid_hold_on_a_blocked_lot_with_no_other_lot_is_not_covered():
    variant = _variant()
    _receive(variant, "BAD", 2, 200)
    assert _reserve("HELD-2", 1)
    lot_block(lot=_lot("BAD"), reason="Recall")
    changes = len(published("catalog.stock_changed"))
    stock_commit_order(order_number="HELD-2")
    [failed] = published("catalog.stock_commit_failed")
    assert failed.payload["reason"] == "insufficient_stock"
    assert not StockMovement.objects.filter(reason="sale").exists()
    assert Stock.objects.get(variant=variant).reserved == 0  # the hold on the recalled unit was let go
    # the stock row was saved with its hold let go: its levels are announced, though no line was sold
    [*_, change] = published("catalog.stock_changed")
    assert len(published("catalog.stock_changed")) == changes + 1
    assert (change.payload["sku"], change.payload["on_hand"], change.payload["available"]) == (SKU, 2, 0)


@pytest.mark.django_db
def test_a_recall_lists_the_paid_orders_that_received_the_lot_and_publishes_their_customers(admin_client):
    variant = _variant()
    _receive(variant, "L1", 5, 200)
    for number, email in [("CO-1", "ana@example.com"), ("CO-2", "bia@example.com")]:
        assert _reserve(number, 2)
        stock_commit_order(order_number=number, email=email)
    assert _reserve("CO-3", 1)  # not paid: not a recipient
    lot = _lot("L1")
    with pytest.raises(ValidationError, match="Bloqueie o lote"):
        lot_customers_notify(lot=lot)

    url = f"/admin/inventory/stocklot/{lot.pk}/change/"
    assert admin_client.post(url, {"block_reason": "Contaminação microbiológica"}).status_code == 302
    assert _lot("L1").is_blocked
    page = admin_client.get(url).content.decode()
    assert "CO-1" in page and "bia@example.com" in page and "CO-3" not in page

    response = admin_client.post(
        "/admin/inventory/stocklot/", {"action": "notify_customers", "_selected_action": [lot.pk]}, follow=True
    )
    assert "2 clientes serão avisados por e-mail" in response.content.decode()
    [event] = published("catalog.lot_recalled")
    assert event.key == f"{SKU}/L1"
    assert (event.payload["lot"], event.payload["reason"]) == ("L1", "Contaminação microbiológica")
    assert event.payload["recipients"] == [
        {"order_number": "CO-1", "email": "ana@example.com", "quantity": 2},
        {"order_number": "CO-2", "email": "bia@example.com", "quantity": 2},
    ]


@pytest.mark.django_db
def test_a_lot_crossing_the_minimum_shelf_life_stops_counting_as_available_after_the_refresh():
    variant = _variant()
    _receive(variant, "L1", 4, 95)
    assert stock_availability(skus=[SKU]) == [{"sku": SKU, "available": 4}]
    call_command("stock_lots_refresh", stdout=StringIO())
    assert published("catalog.stock_changed")[-1].payload["available"] == 4  # the receipt's; nothing new
    assert stock_lots_refresh(today=timezone.localdate() + timedelta(days=10)) == [variant.pk]
    assert stock_availability(skus=[SKU]) == [{"sku": SKU, "available": 0}]
    assert Stock.objects.get(variant=variant).unsellable == 4


def _levels_as_read(sku: str = SKU) -> dict:
    """``catalog.stock_changed``'s payload as a fresh read of the row and its lots makes it."""
    from catalog.inventory.services import _levels_read, _stock_changed

    [(stock, lots)] = _levels_read(variant_ids={Variant.objects.get(sku=sku).pk}).values()
    return _stock_changed(stock, lots).model_dump(mode="json")


@pytest.mark.django_db
def test_the_levels_each_saga_step_publishes_from_memory_are_the_levels_a_fresh_read_finds():
    """Reserve, commit and release publish the rows they saved without reading them again; a lot the sale
    empties leaves the event, as it leaves a fresh read (only lots with units are listed)."""
    variant = _variant()
    _receive(variant, "EMPTIED", 2, 120)
    _receive(variant, "KEPT", 5, 200)
    steps = [
        lambda: _reserve("MEM-1", 3),
        lambda: stock_commit_order(order_number="MEM-1"),
        lambda: _reserve("MEM-2", 1),
        lambda: stock_release_order(order_number="MEM-2"),
        lambda: stock_release_order(order_number="MEM-1"),  # a paid order cancelled: back into its lots
    ]
    payloads = []
    for step in steps:
        before = len(published("catalog.stock_changed"))
        assert step()
        [changed] = published("catalog.stock_changed")[before:]
        assert changed.payload == _levels_as_read()
        payloads.append(changed.payload)
    after_sale = payloads[1]
    assert [(lot["lot"], lot["on_hand"]) for lot in after_sale["lots"]] == [("KEPT", 4)]
    assert (after_sale["on_hand"], after_sale["available"]) == (4, 4)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days", "sellable"),
    [({"root": 10}, True), ({"root": 40}, False), ({"root": 40, "middle": 10}, True), ({"leaf": 40}, False)],
)
def test_the_shelf_life_read_with_the_stock_lock_comes_from_the_nearest_category_that_sets_it(days, sellable):
    root = Category.objects.create(slug="r", name="R", min_shelf_life_days=days.get("root"))
    middle = Category.objects.create(slug="m", name="M", parent=root, min_shelf_life_days=days.get("middle"))
    leaf = Category.objects.create(slug="l", name="L", parent=middle, min_shelf_life_days=days.get("leaf"))
    _receive(_variant(category=leaf), "SOON", 2, 30)  # expires in 30 days
    assert _reserve("SHELF-1", 2) is sellable
