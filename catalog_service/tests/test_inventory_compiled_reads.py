"""The saga's compiled reads of reservations and their lots (``common.compiled_queries``) equal their querysets."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from catalog.inventory.models import Reservation, ReservationLot, Stock
from catalog.inventory.services import (
    _HELD_LOTS,
    _ORDER_RESERVATIONS,
    _ORDER_RESERVATIONS_LOCKED,
    _STOCK_LOCKED,
    stock_reserve_order,
)
from tests.test_stock_lots import SKU, _receive, _variant

pytestmark = pytest.mark.django_db


def fields(instance) -> dict:
    return {name: value for name, value in instance.__dict__.items() if name != "_state"}


def test_an_orders_reservations_their_lots_and_the_locked_stock_are_the_querysets():
    variant = _variant()
    _receive(variant, "L1", 2, 200)
    _receive(variant, "L2", 5, 300)
    other = _variant("LOT-BAT-002")
    _receive(other, "L3", 4, 250)
    lines = [(SKU, 4), ("LOT-BAT-002", 1)]
    assert stock_reserve_order(order_number="CMP-1", lines=lines, expires_at=timezone.now() + timedelta(minutes=30))

    assert [r.pk for r in _ORDER_RESERVATIONS(order_number="CMP-1")] == [
        Reservation.objects.filter(order_number="CMP-1").order_by().only("id")[:1].get().pk
    ]
    assert _ORDER_RESERVATIONS(order_number="CMP-404") == []
    with transaction.atomic():
        locked = _ORDER_RESERVATIONS_LOCKED(order_number="CMP-1")
        stock = _STOCK_LOCKED.first(variant_id=variant.pk)
    expected = list(Reservation.objects.filter(order_number="CMP-1").order_by("sku"))
    assert [fields(row) for row in locked] == [fields(row) for row in expected]
    for row in expected:
        held = _HELD_LOTS(reservation_id=row.pk)
        assert [fields(taken) for taken in held] == [fields(taken) for taken in row.allocations.select_related("lot")]
        assert [fields(taken.lot) for taken in held] == [
            fields(taken.lot) for taken in ReservationLot.objects.filter(reservation=row).select_related("lot")
        ]
    assert [(taken.lot.code, taken.quantity) for taken in _HELD_LOTS(reservation_id=expected[0].pk)] == [
        ("L1", 2),
        ("L2", 2),
    ]
    assert fields(stock) == {
        **fields(Stock.objects.select_related("variant__product").get(pk=variant.pk)),
        "shelf_life_category": None,
        "shelf_life_parent": None,
        "shelf_life_grandparent": None,
        "shelf_life_above": None,
    }


def test_the_sagas_lock_of_several_stock_rows_reads_what_the_event_and_ledger_need_in_sku_order(
    django_assert_num_queries,
):
    from catalog.inventory.lots import stocks_locked

    first, second = _variant(), _variant("LOT-BAT-000")
    _receive(first, "L1", 2, 200)
    _receive(first, "L2", 5, 300)
    _receive(second, "L9", 1, 250)
    no_stock_row = _variant("LOT-BAT-002")
    with transaction.atomic():
        with django_assert_num_queries(2):  # the locks, then the lots
            locked = stocks_locked(variant_ids=[first.pk, second.pk, first.pk, no_stock_row.pk])
        with django_assert_num_queries(0):  # nothing deferred is read again
            seen = [
                (s.variant.sku, s.variant.product.name, s.variant.product_id, s.variant.product.category_id, s.on_hand)
                for s in locked.values()
            ]
            lots = {s.variant.sku: [(lot.code, lot.on_hand) for lot in s.locked_lots] for s in locked.values()}
    assert list(locked) == [second.pk, first.pk]  # SKU order: LOT-BAT-000 before LOT-BAT-001
    assert seen == [
        ("LOT-BAT-000", "Batom Lote", second.product_id, second.product.category_id, 1),
        (SKU, "Batom Lote", first.product_id, first.product.category_id, 7),
    ]
    assert lots == {"LOT-BAT-000": [("L9", 1)], SKU: [("L1", 2), ("L2", 5)]}
    full = Stock.objects.get(pk=first.pk)
    assert {name: getattr(locked[first.pk], name) for name in ("on_hand", "reserved", "unsellable", "updated_at")} == {
        name: getattr(full, name) for name in ("on_hand", "reserved", "unsellable", "updated_at")
    }
