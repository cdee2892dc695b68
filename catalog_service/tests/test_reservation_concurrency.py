"""50 concurrent one-unit reservations against a stock of 5, each on its own PostgreSQL connection."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from catalog.inventory.models import Reservation, Stock
from catalog.inventory.services import stock_reserve_order
from catalog.products.models import Brand, Category, Product, ProductType, Variant

SHOPPERS = 50
STOCK = 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_concurrent_reservations_against_five_units_reserve_exactly_five(postgresql):
    product = Product.objects.create(
        name="Batom Disputado",
        slug="batom-disputado",
        brand=Brand.objects.create(slug="b", name="B"),
        category=Category.objects.create(slug="c", name="C"),
        product_type=ProductType.objects.create(slug="t", name="T"),
        is_published=True,
    )
    variant = Variant.objects.create(product=product, sku="HOT-001", name="Vermelho", price=Decimal("10.00"))
    Stock.objects.create(variant=variant, on_hand=STOCK)

    barrier = threading.Barrier(SHOPPERS + 1)
    outcomes: list[bool] = []
    errors: list[BaseException] = []
    lowest_seen: list[int] = []
    done = threading.Event()
    lock = threading.Lock()

    def shopper(number: int) -> None:
        try:
            barrier.wait()
            result = stock_reserve_order(
                order_number=f"RACE-{number:02d}",
                lines=[("HOT-001", 1)],
                expires_at=timezone.now() + timedelta(minutes=30),
            )
            with lock:
                outcomes.append(result)
        except BaseException as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    def watcher() -> None:
        try:
            barrier.wait()
            while not done.is_set():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT on_hand - reserved FROM inventory_stock WHERE variant_id = %s", [variant.pk])
                    lowest_seen.append(cursor.fetchone()[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=shopper, args=(n,)) for n in range(SHOPPERS)]
    observer = threading.Thread(target=watcher)
    for thread in [*threads, observer]:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    done.set()
    observer.join(timeout=30)

    assert errors == []
    assert outcomes.count(True) == STOCK
    assert outcomes.count(False) == SHOPPERS - STOCK
    stock = Stock.objects.get(variant=variant)
    assert (stock.on_hand, stock.reserved) == (STOCK, STOCK)
    assert Reservation.objects.filter(state="active").count() == STOCK
    assert Reservation.objects.filter(state="rejected").count() == SHOPPERS - STOCK
    assert lowest_seen and min(lowest_seen) >= 0
