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


def _product(name: str) -> Product:
    return Product.objects.create(
        name=name,
        slug=name.lower().replace(" ", "-"),
        brand=Brand.objects.create(slug="b", name="B"),
        category=Category.objects.create(slug="c", name="C"),
        product_type=ProductType.objects.create(slug="t", name="T"),
        is_published=True,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_concurrent_reservations_against_five_units_reserve_exactly_five(postgresql):
    product = _product("Batom Disputado")
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


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_order_locks_its_stock_rows_in_sku_order_whatever_the_order_of_its_lines(postgresql):
    """Two orders naming the same SKUs in opposite orders cannot deadlock: every order locks its rows in SKU
    order. Shown with a real lock: while another transaction holds the second SKU's row, an order listing
    it first already holds the first SKU's row (a NOWAIT lock of it is refused) and waits for the second."""
    import psycopg

    product = _product("Par de Batons")
    first, second = (
        Variant.objects.create(product=product, sku=sku, name=sku, price=Decimal("10.00")) for sku in ("PAR-A", "PAR-B")
    )
    for variant in (first, second):
        Stock.objects.create(variant=variant, on_hand=3)
    settings_dict = connection.settings_dict
    params = {
        "dbname": settings_dict["NAME"],
        "user": settings_dict["USER"] or None,
        "host": settings_dict["HOST"] or None,
        "port": settings_dict["PORT"] or None,
        "password": settings_dict["PASSWORD"] or None,
    }
    holder, prober = psycopg.connect(**params), psycopg.connect(**params, autocommit=True)
    outcome: list = []

    def reserve() -> None:
        try:
            outcome.append(
                stock_reserve_order(
                    order_number="PAR-1",
                    lines=[("PAR-B", 1), ("PAR-A", 1)],  # the second SKU first
                    expires_at=timezone.now() + timedelta(minutes=30),
                )
            )
        except BaseException as exc:
            outcome.append(exc)
        finally:
            connections.close_all()

    try:
        holder.execute("SELECT 1 FROM inventory_stock WHERE variant_id = %s FOR UPDATE", [second.pk])
        thread = threading.Thread(target=reserve)
        thread.start()
        waiting = False
        for _ in range(200):  # until the reservation waits for a row lock (the second SKU's)
            row = prober.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = %s",
                [settings_dict["NAME"]],
            ).fetchone()
            if row[0]:
                waiting = True
                break
            thread.join(0.05)
        assert waiting, "the reservation never waited for the held row"
        # the first SKU is already the reservation's
        with pytest.raises(psycopg.errors.LockNotAvailable), prober.transaction():
            prober.execute("SELECT 1 FROM inventory_stock WHERE variant_id = %s FOR UPDATE NOWAIT", [first.pk])
        holder.rollback()  # let the reservation have the second SKU's row
        thread.join(30)
    finally:
        holder.close()
        prober.close()
    assert outcome == [True]
    assert sorted(Reservation.objects.filter(order_number="PAR-1").values_list("sku", flat=True)) == ["PAR-A", "PAR-B"]
