"""Returned goods (``orders.return_received``): sellable units back into their lots, damaged ones
written off, both in the ledger, once per return however often the event comes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.inventory.adjustments import stock_edit
from catalog.inventory.models import Stock, StockLot, StockMovement
from catalog.inventory.services import stock_commit_order, stock_reserve_order
from catalog.products.models import Brand, Category, Product, ProductType, Variant
from common.events.contracts.orders import ReturnedLine, ReturnedLotPart, ReturnReceived
from common.events.testing import deliver, published
from config.event_handlers import HANDLERS

pytestmark = pytest.mark.django_db
SKU = "RET-SERUM-30"


@pytest.fixture
def sold():
    """10 units in lot L1 and 5 unlotted; order CO-1 bought 3 (all from L1, first expiring)."""
    product = Product.objects.create(
        name="Sérum",
        slug="serum-ret",
        brand=Brand.objects.create(slug="b", name="B"),
        category=Category.objects.create(slug="c", name="C"),
        product_type=ProductType.objects.create(slug="t", name="T"),
        is_published=True,
    )
    variant = Variant.objects.create(product=product, sku=SKU, name="30 ml", price=Decimal("89.90"))
    stock_edit(
        variant=variant,
        reason="received",
        quantity=10,
        lot_code="L1",
        lot_expires_on=timezone.localdate() + timedelta(days=400),
    )
    stock_edit(variant=variant, reason="correction", quantity=5)
    stock_reserve_order(order_number="CO-1", lines=[(SKU, 3)], expires_at=timezone.now() + timedelta(minutes=30))
    stock_commit_order(order_number="CO-1", lines=[(SKU, 3)], email="bia@example.com", paid_at=timezone.now())
    return variant


def received(*, quantity: int, condition: str, lots=(), return_id: int = 1) -> ReturnReceived:
    return ReturnReceived(
        order_number="CO-1",
        email="bia@example.com",
        return_id=return_id,
        lines=[
            ReturnedLine(
                sku=SKU,
                name="Sérum - 30 ml",
                quantity=quantity,
                amount=Decimal("89.90") * quantity,
                condition=condition,
                lots=[ReturnedLotPart(lot=lot, quantity=units) for lot, units in lots],
            )
        ],
        refund_amount=Decimal("89.90") * quantity,
        currency="BRL",
        occurred_at=timezone.now(),
    )


def levels():
    stock = Stock.objects.get()
    return stock.on_hand, StockLot.objects.get(code="L1").on_hand


def test_sellable_units_go_back_into_their_lot_once_even_when_the_event_comes_twice(sold):
    assert levels() == (12, 7)
    event = received(quantity=2, condition="sellable", lots=[("L1", 2)])
    deliver(event, handlers=HANDLERS, key="CO-1")
    deliver(event, handlers=HANDLERS, key="CO-1")  # redelivered with another event id

    assert levels() == (14, 9)
    movements = StockMovement.objects.filter(reference="CO-1/devolucao-1")
    assert list(movements.values_list("reason", "delta", "lot__code", "on_hand_after")) == [("returned", 2, "L1", 14)]
    assert published("catalog.stock_changed")[-1].payload["on_hand"] == 14


def test_units_without_a_recorded_lot_come_back_unlotted(sold):
    deliver(received(quantity=1, condition="sellable"), handlers=HANDLERS, key="CO-1")
    assert levels() == (13, 7)
    assert StockMovement.objects.get(reference="CO-1/devolucao-1").lot is None


def test_damaged_units_are_received_and_written_off_leaving_the_shelf_as_it_was(sold):
    deliver(received(quantity=1, condition="damaged", lots=[("L1", 1)]), handlers=HANDLERS, key="CO-1")

    assert levels() == (12, 7)
    movements = StockMovement.objects.filter(reference="CO-1/devolucao-1").order_by("id")
    assert list(movements.values_list("reason", "delta", "on_hand_after")) == [("returned", 1, 13), ("damaged", -1, 12)]
