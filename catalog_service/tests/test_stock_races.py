"""Stock writes racing each other on PostgreSQL, with the interleaving forced, not hoped for.

The first writer runs on its own connection and keeps its transaction open; the second starts only then,
and the first commits only once PostgreSQL shows the second waiting for its lock (``pg_stat_activity``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from catalog.inventory.models import Reservation, Stock, StockMovement
from catalog.products.models import Variant
from common.events.testing import deliver, published
from config.event_handlers import HANDLERS
from tests.admin_pages import form_as_loaded
from tests.test_reservations import cancelled, paid, placed

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LOCK_WAIT_SECONDS = 30  # a bound for a broken test, not a timing assertion


class OpenTransaction(threading.Thread):
    """Runs ``work`` in a transaction on its own connection and commits only when ``commit()`` is called."""

    def __init__(self, work: Callable[[], object]):
        super().__init__()
        self.work, self.errors = work, []
        self.done_working, self.may_commit = threading.Event(), threading.Event()

    def run(self) -> None:
        try:
            with transaction.atomic():
                self.work()
                self.done_working.set()
                assert self.may_commit.wait(LOCK_WAIT_SECONDS), "never allowed to commit"
        except BaseException as exc:  # the test reads it: a failure here must fail the test
            self.errors.append(exc)
            self.done_working.set()
        finally:
            connections.close_all()

    def commit(self) -> None:
        self.may_commit.set()
        self.join(LOCK_WAIT_SECONDS)
        assert self.errors == []


class Waiter(threading.Thread):
    """Runs ``work`` on its own connection, telling its PostgreSQL backend id first."""

    def __init__(self, work: Callable[[], object]):
        super().__init__()
        self.work, self.errors, self.result, self.pid = work, [], None, None
        self.pid_known = threading.Event()

    def run(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.pid_known.set()
            self.result = self.work()
        except BaseException as exc:  # the test reads it
            self.errors.append(exc)
            self.pid_known.set()
        finally:
            connections.close_all()

    def wait_until_blocked(self) -> None:
        """Return once this thread's backend waits for a lock (the other transaction holds it)."""
        assert self.pid_known.wait(LOCK_WAIT_SECONDS)
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                assert self.errors == [] and self.is_alive(), self.errors or "finished without waiting for the lock"
                cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [self.pid])
                row = cursor.fetchone()
                if row and row[0] == "Lock":
                    return
                time.sleep(0.005)
        raise AssertionError("the second writer never waited for the first one's lock")

    def finish(self):
        self.join(LOCK_WAIT_SECONDS)
        assert not self.is_alive() and self.errors == [], self.errors
        return self.result


def race(first: Callable[[], object], second: Callable[[], object]):
    """``first`` takes its locks and holds them; ``second`` blocks on them; then ``first`` commits."""
    holder = OpenTransaction(first)
    holder.start()
    assert holder.done_working.wait(LOCK_WAIT_SECONDS) and holder.errors == [], holder.errors
    waiter = Waiter(second)
    waiter.start()
    waiter.wait_until_blocked()
    holder.commit()
    return waiter.finish()


def levels(sku: str) -> tuple[int, int]:
    stock = Stock.objects.get(variant__sku=sku)
    return stock.on_hand, stock.reserved


def staff_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


def test_a_receipt_saved_while_a_sale_commits_adds_to_what_the_sale_left(catalog_data, admin_user, postgresql):
    url = f"/admin/inventory/stock/{Variant.objects.get(sku='BLP-BAT-001').pk}/change/"
    client = staff_client(admin_user)
    page = client.get(url)  # loaded at 10
    assert deliver(placed("CO-R1", [("BLP-BAT-001", 2)]), handlers=HANDLERS)
    data = {
        **form_as_loaded(page),
        "stock_reason": "received",
        "stock_quantity": "5",
        "stock_lot_code": "L2401",
        "stock_lot_expires_on": "2030-01-31",
    }

    response = race(
        lambda: deliver(paid("CO-R1", [("BLP-BAT-001", 2)]), handlers=HANDLERS),
        lambda: client.post(url, data),
    )

    assert response.status_code == 302
    assert levels("BLP-BAT-001") == (13, 0)
    movements = StockMovement.objects.order_by("id").values_list("reason", "delta", "on_hand_after", "reference")
    assert list(movements) == [("sale", -2, 8, "CO-R1"), ("received", 5, 13, "")]


def test_damage_saved_while_an_order_reserves_is_a_form_error_against_the_new_reservation(
    catalog_data, admin_user, postgresql
):
    url = f"/admin/inventory/stock/{Variant.objects.get(sku='BLP-BAT-001').pk}/change/"
    client = staff_client(admin_user)
    page = client.get(url)  # 10 on hand, nothing reserved: 9 damaged would be allowed now
    data = {**form_as_loaded(page), "stock_reason": "damaged", "stock_quantity": "9"}

    response = race(
        lambda: deliver(placed("CO-R2", [("BLP-BAT-001", 2)]), handlers=HANDLERS),
        lambda: client.post(url, data),
    )

    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors)
    assert "2 unidades estão reservadas para pedidos" in errors, errors
    assert levels("BLP-BAT-001") == (10, 2)
    assert StockMovement.objects.count() == 0


def test_a_payment_delivered_while_the_order_is_being_cancelled_takes_no_units(catalog_data, postgresql):
    assert deliver(placed("CO-R3", [("BLP-BAT-001", 2)]), handlers=HANDLERS)

    race(
        lambda: deliver(cancelled("CO-R3", [("BLP-BAT-001", 2)]), handlers=HANDLERS),
        lambda: deliver(paid("CO-R3", [("BLP-BAT-001", 2)]), handlers=HANDLERS),
    )

    assert levels("BLP-BAT-001") == (10, 0)
    assert list(Reservation.objects.values_list("state", flat=True)) == ["released"]
    assert StockMovement.objects.count() == 0
    [failed] = published("catalog.stock_commit_failed")
    assert (failed.payload["order_number"], failed.payload["reason"]) == ("CO-R3", "reservation_released")
