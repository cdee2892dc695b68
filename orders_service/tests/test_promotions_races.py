"""Voucher usage limits under concurrent checkouts, on PostgreSQL (threads released together by a barrier,
one connection each): the voucher row lock is what keeps the count."""

from decimal import Decimal

import pytest
from django.test import Client

from orders.orders.models import Order
from orders.promotions.models import CartVoucher, Voucher, VoucherUse
from tests.conftest import CART, add_line, cart_headers, checkout, new_cart
from tests.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_thirty_concurrent_checkouts_with_a_voucher_limited_to_ten_uses_make_ten_discounted_orders(postgresql, catalog):
    Voucher.objects.create(code="DEZ", name="Dez usos", kind="fixed", value=Decimal("10.00"), usage_limit=10)
    carts = [cart_headers(new_cart(Client())["token"]) for _ in range(30)]
    for headers in carts:
        assert add_line(Client(), headers, "SERUM-30", 1).status_code == 201
        response = Client().post(f"{CART}/vouchers", {"code": "DEZ"}, content_type="application/json", **headers)
        assert response.status_code == 201, response.content

    answers = run_together(30, lambda i: checkout(Client(), carts[i], key=f"dez-{i}", email=f"c{i}@example.com"))

    statuses = sorted(response.status_code for response in answers)
    assert statuses == [201] * 10 + [409] * 20
    assert {r.json()["code"] for r in answers if r.status_code == 409} == {"voucher_not_applicable"}
    assert Order.objects.count() == 10
    discounted = Order.objects.filter(discount_total=Decimal("10.00"))
    assert discounted.count() == 10
    # each pays its cart less the R$ 10,00 (plus the quoted shipping, the same cart to the same CEP)
    assert {(o.subtotal, o.total - o.shipping) for o in discounted} == {(Decimal("89.90"), Decimal("79.90"))}
    assert Voucher.objects.get().uses_count == 10
    assert VoucherUse.objects.filter(released_at__isnull=True).count() == 10


def test_a_cancel_racing_new_checkouts_gives_back_exactly_one_use(postgresql, catalog):
    Voucher.objects.create(code="UM", name="Um uso", kind="percent", value=Decimal("10"), usage_limit=1)
    first = cart_headers(new_cart(Client())["token"])
    add_line(Client(), first, "SERUM-30", 1)
    Client().post(f"{CART}/vouchers", {"code": "UM"}, content_type="application/json", **first)
    order = checkout(Client(), first, key="um-0", email="a@example.com").json()
    waiting = [cart_headers(new_cart(Client())["token"]) for _ in range(5)]
    for headers in waiting:
        add_line(Client(), headers, "SERUM-30", 1)
        Voucher.objects.filter(code="UM").update(uses_count=0)  # let the code onto the cart ...
        Client().post(f"{CART}/vouchers", {"code": "UM"}, content_type="application/json", **headers)
    Voucher.objects.filter(code="UM").update(uses_count=1)  # ... then restore the real count

    def race(index):
        if index == 0:
            url = f"/api/orders/orders/{order['number']}/cancel"
            return Client().post(url, HTTP_X_ORDER_TOKEN=order["access_token"]).status_code
        return checkout(Client(), waiting[index - 1], key=f"um-{index}", email=f"w{index}@example.com").status_code

    answers = run_together(6, race)

    assert answers[0] == 200
    voucher = Voucher.objects.get()
    live_uses = VoucherUse.objects.filter(released_at__isnull=True).count()
    assert voucher.uses_count == live_uses <= 1
    assert answers[1:].count(201) == Order.objects.exclude(status="cancelled").count() == live_uses


def test_a_code_applied_while_the_cart_is_checked_out_waits_for_the_checkout_and_is_not_left_behind(
    monkeypatch, postgresql, catalog
):
    """Checkout is held after locking the cart (before pricing it); the code's apply, on its own connection,
    must wait on that lock (``pg_stat_activity``), then find the cart emptied: a 409, no code on the cart.
    Without the lock the code went on the cart the checkout had priced without it: the shopper saw it
    applied, the order never had it."""
    from orders.checkout import services as checkout_services
    from tests.test_returns_races import Pause, in_thread, wait_until_blocked_or_done

    Voucher.objects.create(code="DEZ", name="Dez reais", kind="fixed", value=Decimal("10.00"))
    headers = cart_headers(new_cart(Client())["token"])
    assert add_line(Client(), headers, "SERUM-30", 1).status_code == 201
    pause = Pause(monkeypatch, checkout_services, "variants_by_sku")  # called under the cart's lock

    placing = in_thread(lambda: checkout(Client(), headers, key="held", email="a@example.com"))
    assert pause.arrived.wait(30)
    applying = in_thread(
        lambda: Client().post(f"{CART}/vouchers", {"code": "DEZ"}, content_type="application/json", **headers)
    )
    wait_until_blocked_or_done(applying)
    assert not applying.done()  # it waits on the cart's lock (before: on the cart's key, to insert the code)
    pause.release.set()

    assert placing.result(30).status_code == 201
    refused = applying.result(30)
    assert refused.status_code == 409, refused.content  # without the lock: 201, the code on the emptied cart
    assert refused.json()["code"] == "voucher_not_applicable"
    assert not CartVoucher.objects.exists()
    assert Order.objects.get().discount_total == Decimal("0.00")
