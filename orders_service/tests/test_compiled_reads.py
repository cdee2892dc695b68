"""The compiled reads of every request (``common.compiled_queries``) equal their querysets, row for row."""

import pytest

from orders.carts.models import Cart, CartLine
from orders.carts.selectors import cart_lines
from orders.carts.services import _GUEST_CART
from orders.orders.models import Order
from orders.orders.selectors import ORDER_BY_NUMBER, ORDER_HISTORY, ORDER_LINES
from orders.products.models import ProductVariant
from orders.products.selectors import variant_by_sku
from tests.conftest import add_line, cart_headers, new_cart

pytestmark = pytest.mark.django_db


def fields(instance) -> dict:
    return {
        name: value for name, value in instance.__dict__.items() if name not in ("_state", "_prefetched_objects_cache")
    }


def test_the_order_with_its_payment_session_lines_and_history_are_the_querysets(guest_order):
    number = guest_order["number"]
    expected = Order.objects.select_related("payment_session").get(number=number)

    order = ORDER_BY_NUMBER.first(number=number)

    assert fields(order) == fields(expected)
    assert fields(order.payment_session) == fields(expected.payment_session)  # joined, not read again
    assert [fields(line) for line in ORDER_LINES(order_id=order.pk)] == [fields(line) for line in expected.lines.all()]
    assert [fields(change) for change in ORDER_HISTORY(order_id=order.pk)] == [
        fields(change) for change in expected.history.all()
    ]
    assert [c.to_status for c in ORDER_HISTORY(order_id=order.pk)] == ["pending", "awaiting_payment"]
    assert ORDER_BY_NUMBER.first(number="CO-0000-000000") is None


def test_a_guest_cart_its_lines_and_a_variant_are_the_querysets(client, catalog):
    token = new_cart(client)["token"]
    add_line(client, cart_headers(token), "SERUM-30", 2)
    add_line(client, cart_headers(token), "BATOM-RED", 1)
    cart = Cart.objects.get(token=token)

    assert fields(_GUEST_CART.first(token=cart.token)) == fields(cart)
    assert [fields(line) for line in cart_lines(cart=cart)] == [
        fields(line) for line in CartLine.objects.filter(cart=cart).order_by("id")
    ]
    assert fields(variant_by_sku(sku="SERUM-30")) == fields(ProductVariant.objects.get(sku="SERUM-30"))
    assert variant_by_sku(sku="NAO-EXISTE") is None


def test_a_signed_in_shoppers_cart_is_never_found_as_a_guest_cart(client, catalog):
    cart = Cart.objects.create(user_id=7)

    assert _GUEST_CART.first(token=cart.token) is None


def test_the_saga_steps_locked_order_and_the_opened_sessions_read_are_the_querysets(guest_order):
    from django.db import transaction

    from orders.orders.services import order_locked
    from orders.payments.models import PaymentSession
    from orders.payments.services import _SESSION_WITH_ORDER

    expected = Order.objects.select_related("payment_session").get(number=guest_order["number"])
    with transaction.atomic():
        locked = order_locked(number=guest_order["number"])
        assert fields(locked) == fields(expected)
        assert fields(locked.payment_session) == fields(expected.payment_session)  # joined, not read again
    session = _SESSION_WITH_ORDER.first(pk=expected.payment_session.pk)
    assert fields(session) == fields(PaymentSession.objects.get(pk=session.pk))
    assert fields(session.order) == fields(expected)


def test_the_long_polls_status_read_is_the_querysets(guest_order):
    from orders.orders.selectors import _status_of

    order = Order.objects.get(number=guest_order["number"])
    assert _status_of(order.pk) == Order.objects.filter(pk=order.pk).values_list("status", flat=True).get()
    assert _status_of(-1) is None


def test_the_lines_that_took_lots_are_the_querysets(guest_order):
    from orders.orders.models import OrderLine
    from orders.orders.services import _LINES_OF_SKUS

    number = guest_order["number"]
    skus = sorted(OrderLine.objects.filter(order__number=number).values_list("sku", flat=True))
    found = _LINES_OF_SKUS(number=number, skus=[*skus, "NO-SUCH"])
    assert [fields(line) for line in found] == [
        fields(line) for line in OrderLine.objects.filter(order__number=number, sku__in=skus).order_by("id")
    ]
    assert found and _LINES_OF_SKUS(number="CO-0000-000000", skus=skus) == []


def test_a_recorded_charge_is_found_as_the_queryset_finds_it(guest_order):
    from orders.payments.models import PaymentTransaction
    from orders.payments.services import payment_record
    from orders.payments.webhooks import _CHARGE_RECORDED

    order = Order.objects.get(number=guest_order["number"])
    assert _CHARGE_RECORDED.first(order_id=order.pk, reference="ch_1") is None
    payment_record(
        order_id=order.pk,
        provider="sandbox",
        kind=PaymentTransaction.Kind.REFUND,  # another kind with the same reference is not a charge
        succeeded=True,
        amount=order.total,
        currency="BRL",
        reference="ch_1",
    )
    assert _CHARGE_RECORDED.first(order_id=order.pk, reference="ch_1") is None
    charge = payment_record(
        order_id=order.pk,
        provider="sandbox",
        kind=PaymentTransaction.Kind.CHARGE,
        succeeded=True,
        amount=order.total,
        currency="BRL",
        reference="ch_1",
    )
    expected = PaymentTransaction.objects.filter(
        order_id=order.pk, kind=PaymentTransaction.Kind.CHARGE, provider_reference="ch_1"
    ).first()
    assert expected.pk == charge.pk == _CHARGE_RECORDED.first(order_id=order.pk, reference="ch_1").pk
    assert _CHARGE_RECORDED.first(order_id=order.pk, reference="ch_2") is None
    assert _CHARGE_RECORDED.first(order_id=order.pk + 1, reference="ch_1") is None
