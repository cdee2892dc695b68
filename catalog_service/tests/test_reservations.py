"""Stock reservations driven by the orders saga: all lines or none, idempotent, commit, release, expiry."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog.inventory.models import Reservation, Stock, StockMovement
from common.events.contracts.common_types import Line, PricedLine
from common.events.contracts.orders import OrderCancelled, OrderExpired, OrderPaid, OrderPlaced
from common.events.testing import deliver, published
from config.event_handlers import HANDLERS

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def placed(number, lines, *, minutes=30):
    priced = [
        PricedLine(sku=sku, quantity=quantity, name=sku, unit_price=Decimal("10.00"), line_total=Decimal(10 * quantity))
        for sku, quantity in lines
    ]
    total = sum((line.line_total for line in priced), Decimal(0))
    return OrderPlaced(
        order_number=number,
        email="ana@example.com",
        user_id=1,
        lines=priced,
        subtotal=total,
        shipping=Decimal(0),
        total=total,
        currency="BRL",
        placed_at=NOW,
        reserve_until=NOW + timedelta(minutes=minutes),
    )


def paid(number, lines):
    event = placed(number, lines)
    return OrderPaid(
        order_number=number,
        email=event.email,
        user_id=1,
        lines=event.lines,
        subtotal=event.subtotal,
        shipping=event.shipping,
        total=event.total,
        currency="BRL",
        paid_at=NOW,
    )


def cancelled(number, lines, *, was_paid=False):
    return OrderCancelled(
        order_number=number,
        email="ana@example.com",
        lines=[Line(sku=s, quantity=q) for s, q in lines],
        reason="customer",
        refunded=was_paid,
        was_paid=was_paid,
        cancelled_at=NOW,
    )


def ledger():
    """(sku, reason, delta, on_hand_after, reference) of every stock movement, oldest first."""
    rows = StockMovement.objects.order_by("id")
    return list(rows.values_list("sku", "reason", "delta", "on_hand_after", "reference"))


def levels():
    return {
        s.variant.sku: (s.on_hand, s.reserved) for s in Stock.objects.select_related("variant").order_by("variant__sku")
    }


def test_order_placed_reserves_every_line_and_publishes_stock_reserved(catalog_data):
    assert deliver(placed("CO-1", [("BLP-BAT-001", 2), ("URG-MSC-001", 5)]), handlers=HANDLERS)
    assert levels()["BLP-BAT-001"] == (10, 2)
    assert levels()["URG-MSC-001"] == (5, 5)
    [reserved] = published("catalog.stock_reserved")
    assert reserved.key == "CO-1"
    assert reserved.payload["lines"] == [{"sku": "BLP-BAT-001", "quantity": 2}, {"sku": "URG-MSC-001", "quantity": 5}]
    changed = {e.payload["sku"]: e.payload for e in published("catalog.stock_changed")}
    assert changed["BLP-BAT-001"] == {
        "sku": "BLP-BAT-001",
        "product_name": "Batom Matte Rosé",
        "on_hand": 10,
        "available": 8,
        "low_stock_threshold": 2,
        "lots": [],
    }
    assert set(Reservation.objects.values_list("state", flat=True)) == {"active"}


def test_one_short_line_rejects_the_whole_order_and_reserves_nothing(catalog_data):
    before = levels()
    deliver(placed("CO-2", [("BLP-BAT-001", 2), ("URG-MSC-001", 6)]), handlers=HANDLERS)
    assert levels() == before
    [rejected] = published("catalog.stock_rejected")
    assert rejected.payload == {
        "order_number": "CO-2",
        "reason": "insufficient_stock",
        "lines": [{"sku": "URG-MSC-001", "requested": 6, "available": 5}],
    }
    assert published("catalog.stock_reserved") == []
    assert published("catalog.stock_changed") == []
    assert set(Reservation.objects.values_list("state", flat=True)) == {"rejected"}


def test_unknown_sku_rejects_the_order(catalog_data):
    before = levels()
    deliver(placed("CO-3", [("BLP-BAT-001", 1), ("NO-SUCH", 1)]), handlers=HANDLERS)
    assert levels() == before
    [rejected] = published("catalog.stock_rejected")
    assert rejected.payload["reason"] == "unknown_sku"
    assert rejected.payload["lines"] == [{"sku": "NO-SUCH", "requested": 1, "available": 0}]


def test_same_order_placed_twice_with_another_event_id_reserves_once(catalog_data):
    deliver(placed("CO-4", [("BLP-BAT-001", 3)]), handlers=HANDLERS)
    assert deliver(placed("CO-4", [("BLP-BAT-001", 3)]), handlers=HANDLERS)
    assert levels()["BLP-BAT-001"] == (10, 3)
    assert len(published("catalog.stock_reserved")) == 1


def test_rejected_order_placed_again_stays_rejected_even_when_stock_arrived(catalog_data):
    deliver(placed("CO-5", [("URG-PRT-050", 1)]), handlers=HANDLERS)
    Stock.objects.filter(variant__sku="URG-PRT-050").update(on_hand=10)
    deliver(placed("CO-5", [("URG-PRT-050", 1)]), handlers=HANDLERS)
    assert levels()["URG-PRT-050"] == (10, 0)
    assert len(published("catalog.stock_rejected")) == 1
    assert published("catalog.stock_reserved") == []


def test_duplicate_event_id_is_applied_once(catalog_data):
    event = placed("CO-6", [("BLP-GLS-001", 1)])
    assert deliver(event, handlers=HANDLERS, event_id="00000000-0000-0000-0000-000000000006")
    assert not deliver(event, handlers=HANDLERS, event_id="00000000-0000-0000-0000-000000000006")
    assert levels()["BLP-GLS-001"] == (20, 1)


def test_payment_commits_the_reservation_once(catalog_data):
    deliver(placed("CO-7", [("BLP-BAT-001", 2)]), handlers=HANDLERS)
    deliver(paid("CO-7", [("BLP-BAT-001", 2)]), handlers=HANDLERS)
    deliver(paid("CO-7", [("BLP-BAT-001", 2)]), handlers=HANDLERS)
    assert levels()["BLP-BAT-001"] == (8, 0)
    assert list(Reservation.objects.values_list("state", flat=True)) == ["committed"]
    assert [e.payload["on_hand"] for e in published("catalog.stock_changed")] == [10, 8]
    assert ledger() == [("BLP-BAT-001", "sale", -2, 8, "CO-7")]


@pytest.mark.parametrize("kind", ["cancelled", "expired"])
def test_cancel_or_expiry_releases_the_reservation_once(catalog_data, kind):
    deliver(placed("CO-8", [("BLP-BAT-001", 4), ("BLP-GLS-001", 1)]), handlers=HANDLERS)
    lines = [("BLP-BAT-001", 4), ("BLP-GLS-001", 1)]
    if kind == "cancelled":
        event = cancelled("CO-8", lines)
    else:
        event = OrderExpired(order_number="CO-8", lines=[Line(sku=s, quantity=q) for s, q in lines], expired_at=NOW)
    deliver(event, handlers=HANDLERS)
    deliver(event, handlers=HANDLERS)
    assert levels()["BLP-BAT-001"] == (10, 0)
    assert levels()["BLP-GLS-001"] == (20, 0)
    expected_state = "released" if kind == "cancelled" else "expired"
    assert set(Reservation.objects.values_list("state", flat=True)) == {expected_state}
    assert len(published("catalog.stock_changed")) == 4
    assert ledger() == []  # a released hold moves no units on hand


def test_paid_order_cancelled_before_shipping_puts_units_back_on_hand(catalog_data):
    deliver(placed("CO-9", [("BLP-BAT-001", 2)]), handlers=HANDLERS)
    deliver(paid("CO-9", [("BLP-BAT-001", 2)]), handlers=HANDLERS)
    deliver(cancelled("CO-9", [("BLP-BAT-001", 2)], was_paid=True), handlers=HANDLERS)
    assert levels()["BLP-BAT-001"] == (10, 0)
    assert list(Reservation.objects.values_list("state", flat=True)) == ["released"]
    assert ledger() == [("BLP-BAT-001", "sale", -2, 8, "CO-9"), ("BLP-BAT-001", "cancellation", 2, 10, "CO-9")]


def test_overdue_reservations_are_released_by_the_expiry_command(catalog_data):
    deliver(placed("CO-10", [("BLP-BAT-001", 2)], minutes=-1), handlers=HANDLERS)
    deliver(placed("CO-11", [("BLP-BAT-001", 3)], minutes=30), handlers=HANDLERS)
    out = StringIO()
    call_command("reservation_expire_overdue", stdout=out)
    assert "1 order" in out.getvalue()
    assert levels()["BLP-BAT-001"] == (10, 3)
    assert dict(Reservation.objects.values_list("order_number", "state")) == {"CO-10": "expired", "CO-11": "active"}
    call_command("reservation_expire_overdue", stdout=StringIO())
    assert levels()["BLP-BAT-001"] == (10, 3)


def test_payment_after_expiry_takes_the_units_again_when_still_there(catalog_data):
    deliver(placed("CO-12", [("BLP-BAT-001", 2)], minutes=-1), handlers=HANDLERS)
    call_command("reservation_expire_overdue", stdout=StringIO())
    deliver(paid("CO-12", [("BLP-BAT-001", 2)]), handlers=HANDLERS)
    assert levels()["BLP-BAT-001"] == (8, 0)
    assert list(Reservation.objects.values_list("state", flat=True)) == ["committed"]
    assert ledger() == [("BLP-BAT-001", "sale", -2, 8, "CO-12")]
    assert published("catalog.stock_commit_failed") == []


def test_cancellation_that_overtakes_its_placement_stops_a_late_reservation(catalog_data):
    before = levels()
    deliver(cancelled("CO-13", [("BLP-BAT-001", 2)]), handlers=HANDLERS)
    deliver(placed("CO-13", [("BLP-BAT-001", 2)]), handlers=HANDLERS)
    assert levels() == before
    assert list(Reservation.objects.values_list("state", flat=True)) == ["released"]
    assert published() == []


def test_a_late_payment_of_a_cancelled_order_commits_nothing_and_says_so(catalog_data):
    deliver(placed("CO-14", [("BLP-BAT-001", 2)]), handlers=HANDLERS)
    deliver(cancelled("CO-14", [("BLP-BAT-001", 2)], was_paid=True), handlers=HANDLERS)
    assert deliver(paid("CO-14", [("BLP-BAT-001", 2)]), handlers=HANDLERS)
    assert levels()["BLP-BAT-001"] == (10, 0)
    assert list(Reservation.objects.values_list("state", flat=True)) == ["released"]
    [failed] = published("catalog.stock_commit_failed")
    assert failed.key == "CO-14"
    assert failed.payload == {
        "order_number": "CO-14",
        "reason": "reservation_released",
        "lines": [{"sku": "BLP-BAT-001", "quantity": 2, "on_hand": 10}],
    }
    assert ledger() == []


def test_a_redelivered_payment_after_a_paid_order_was_cancelled_takes_nothing_again(catalog_data):
    deliver(placed("CO-15", [("BLP-BAT-001", 2)]), handlers=HANDLERS)
    deliver(paid("CO-15", [("BLP-BAT-001", 2)]), handlers=HANDLERS)
    deliver(cancelled("CO-15", [("BLP-BAT-001", 2)], was_paid=True), handlers=HANDLERS)
    assert levels()["BLP-BAT-001"] == (10, 0)
    assert deliver(paid("CO-15", [("BLP-BAT-001", 2)]), handlers=HANDLERS)  # another event id
    assert levels()["BLP-BAT-001"] == (10, 0)
    assert list(Reservation.objects.values_list("state", flat=True)) == ["released"]
    assert ledger() == [("BLP-BAT-001", "sale", -2, 8, "CO-15"), ("BLP-BAT-001", "cancellation", 2, 10, "CO-15")]


def test_a_cancelled_order_whose_reservation_had_expired_takes_nothing_on_a_late_payment(catalog_data):
    deliver(placed("CO-19", [("BLP-BAT-001", 2)], minutes=-1), handlers=HANDLERS)
    call_command("reservation_expire_overdue", stdout=StringIO())
    deliver(cancelled("CO-19", [("BLP-BAT-001", 2)]), handlers=HANDLERS)
    assert list(Reservation.objects.values_list("state", flat=True)) == ["released"]
    deliver(paid("CO-19", [("BLP-BAT-001", 2)]), handlers=HANDLERS)
    assert levels()["BLP-BAT-001"] == (10, 0)
    [failed] = published("catalog.stock_commit_failed")
    assert failed.payload["reason"] == "reservation_released"


def test_a_payment_after_expiry_whose_units_were_sold_publishes_stock_commit_failed(catalog_data):
    deliver(placed("CO-16", [("URG-MSC-001", 4), ("BLP-BAT-001", 1)], minutes=-1), handlers=HANDLERS)
    call_command("reservation_expire_overdue", stdout=StringIO())
    deliver(placed("CO-17", [("URG-MSC-001", 3)]), handlers=HANDLERS)  # another shopper takes 3 of the 5
    deliver(paid("CO-16", [("URG-MSC-001", 4), ("BLP-BAT-001", 1)]), handlers=HANDLERS)
    assert levels()["URG-MSC-001"] == (5, 3)
    assert levels()["BLP-BAT-001"] == (9, 0)  # the line that can be covered leaves the shelf for the order
    states = dict(Reservation.objects.filter(order_number="CO-16").values_list("sku", "state"))
    assert states == {"BLP-BAT-001": "committed", "URG-MSC-001": "expired"}
    [failed] = published("catalog.stock_commit_failed")
    assert failed.payload == {
        "order_number": "CO-16",
        "reason": "insufficient_stock",
        "lines": [{"sku": "URG-MSC-001", "quantity": 4, "on_hand": 5}],
    }


def test_a_payment_for_an_order_catalog_never_reserved_publishes_stock_commit_failed(catalog_data):
    deliver(placed("CO-18", [("URG-PRT-050", 1)]), handlers=HANDLERS)  # rejected: nothing on hand
    assert deliver(paid("CO-18", [("URG-PRT-050", 1)]), handlers=HANDLERS)
    assert levels()["URG-PRT-050"] == (0, 0)
    [failed] = published("catalog.stock_commit_failed")
    assert failed.payload == {
        "order_number": "CO-18",
        "reason": "not_reserved",
        "lines": [{"sku": "URG-PRT-050", "quantity": 1, "on_hand": 0}],
    }


def test_a_boleto_order_is_held_for_its_days_long_window_counted_from_the_reservation(catalog_data):
    # orders asks for 4 days and 10 minutes (boleto: 3 days to pay + 1 day of bank grace + grace); the
    # absolute reserve_until was computed when the order was placed, long before this late delivery.
    event = placed("CO-BOL", [("BLP-BAT-001", 1)], minutes=1).model_copy(
        update={"reserve_for_seconds": 4 * 86400 + 600, "payment_method": "boleto"}
    )
    before = timezone.now()
    assert deliver(event, handlers=HANDLERS)
    [reservation] = Reservation.objects.filter(order_number="CO-BOL")
    assert before + timedelta(days=4, minutes=10) <= reservation.expires_at
    assert reservation.expires_at <= timezone.now() + timedelta(days=4, minutes=10)
    [reserved] = published("catalog.stock_reserved")
    assert reserved.payload["expires_at"].startswith(reservation.expires_at.isoformat()[:16])


def test_an_event_without_a_duration_keeps_its_absolute_reserve_until(catalog_data):
    assert deliver(placed("CO-OLD", [("BLP-BAT-001", 1)], minutes=30), handlers=HANDLERS)
    [reservation] = Reservation.objects.filter(order_number="CO-OLD")
    assert reservation.expires_at == NOW + timedelta(minutes=30)


@pytest.mark.parametrize("lines", [[("BLP-BAT-001", 1)], [("BLP-BAT-001", 1), ("URG-MSC-001", 1), ("BLP-GLS-001", 2)]])
def test_reserving_and_committing_an_order_take_a_fixed_number_of_statements_whatever_its_lines(
    catalog_data, lines, django_assert_num_queries
):
    # The consumer's savepoint (inside the test's transaction) and its inbox row; the variants and whether
    # the order was seen, together; the stock rows locked and their lots; the stock rows saved (and the
    # lots, one statement more, when the units are in lots: these are not); the reservations and what they
    # hold; the in_stock check; the answer and every stock_changed in one insert.
    with django_assert_num_queries(11):
        assert deliver(placed("CO-FIX", lines), handlers=HANDLERS)
    # The savepoint and inbox; the reservations locked, their stock rows and lots, what they hold; the stock
    # rows saved, the ledger's movements, the reservations marked; the events (no in_stock check: selling
    # held units leaves every available count as it was).
    with django_assert_num_queries(11):
        assert deliver(paid("CO-FIX", lines), handlers=HANDLERS)
    assert set(Reservation.objects.filter(order_number="CO-FIX").values_list("state", flat=True)) == {"committed"}
    assert len(published("catalog.stock_changed")) == 2 * len(lines)


def test_an_order_of_unknown_skus_placed_twice_is_answered_once(catalog_data):
    # no variant row carries "seen already" then: the reservations are asked on their own
    assert deliver(placed("CO-GHOST", [("NO-SUCH", 1)]), handlers=HANDLERS)
    assert deliver(placed("CO-GHOST", [("NO-SUCH", 1)]), handlers=HANDLERS)  # another event id, same order
    assert [e.payload["reason"] for e in published("catalog.stock_rejected")] == ["unknown_sku"]
    assert list(Reservation.objects.filter(order_number="CO-GHOST").values_list("state", flat=True)) == ["rejected"]
