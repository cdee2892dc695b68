"""Partial refunds (by amount or lines, Pix devolução too), their idempotency, and chargebacks on the order."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User

from common.api import ApiError
from orders.orders.models import Order
from orders.orders.refunds import order_refund_partial
from orders.orders.services import order_cancel
from orders.payments.models import PaymentDispute, PaymentTransaction, SandboxCharge, SandboxRefund
from orders.payments.providers import sandbox as sandbox_provider
from orders.payments.providers.base import RefundFailed
from orders.payments.sandbox.services import sandbox_dispute_close, sandbox_dispute_open
from orders.payments.services import payment_refunds_retry
from tests.conftest import deliver_webhooks, pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order(client, guest_order, catalog):
    pay(client, guest_order)
    order = Order.objects.get(number=guest_order["number"])
    assert order.status == "paid"  # 2 x SERUM-30 at 89.90 + 12.90 shipping = 192.70
    return order


def refunds():
    return list(PaymentTransaction.objects.filter(kind="refund").values_list("amount", "status"))


def test_a_partial_refund_by_amount_goes_back_once_and_leaves_the_status(paid_order):
    [refund] = order_refund_partial(order=paid_order, actor="lia", reason="frete atrasado", amount=Decimal(20))
    assert (refund.amount, refund.status) == (Decimal("20.00"), "succeeded")
    assert list(SandboxRefund.objects.values_list("amount", flat=True)) == [Decimal("20.00")]
    paid_order.refresh_from_db()
    assert paid_order.status == "paid"
    assert paid_order.history.last().note == "reembolso parcial de R$ 20,00: frete atrasado"


def test_a_partial_refund_by_lines_refunds_their_price(paid_order):
    order_refund_partial(order=paid_order, actor="support:lia", reason="avariado", lines={"SERUM-30": 1})
    assert refunds() == [(Decimal("89.90"), "succeeded")]
    assert "(1 x SERUM-30)" in paid_order.history.last().note


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"lines": {"SERUM-30": 3}}, "refund_lines_invalid"),
        ({"lines": {"BATOM-RED": 1}}, "refund_lines_invalid"),
        ({"amount": Decimal("192.70")}, "use_cancel_for_full_refund"),
        ({"amount": Decimal("0")}, "refund_exceeds_payment"),
        ({"amount": Decimal("10"), "reason": " "}, "refund_reason_required"),
    ],
)
def test_bad_partial_refunds_are_refused_with_a_code_and_move_nothing(paid_order, kwargs, code):
    kwargs = {"reason": "motivo", **kwargs}
    with pytest.raises(ApiError) as caught:
        order_refund_partial(order=paid_order, actor="support:lia", **kwargs)
    assert caught.value.code == code
    assert refunds() == [] and SandboxRefund.objects.count() == 0


def test_refunds_never_exceed_the_payment_even_after_delivery(paid_order):
    Order.objects.filter(pk=paid_order.pk).update(status="delivered")
    order_refund_partial(order=paid_order, actor="support:lia", reason="devolução", amount=Decimal("150"))
    with pytest.raises(ApiError) as caught:
        order_refund_partial(order=paid_order, actor="support:lia", reason="de novo", amount=Decimal("50"))
    assert caught.value.code == "refund_exceeds_payment"
    order_refund_partial(order=paid_order, actor="support:lia", reason="o resto", amount=Decimal("42.70"))
    assert sum(SandboxRefund.objects.values_list("amount", flat=True)) == Decimal("192.70")


def test_cancelling_after_a_partial_refund_gives_back_only_the_rest(paid_order):
    order_refund_partial(order=paid_order, actor="support:lia", reason="brinde faltando", amount=Decimal("50"))
    order_cancel(order=paid_order, actor="support:lia", reason="cliente desistiu")
    assert sorted(refunds()) == [(Decimal("50.00"), "succeeded"), (Decimal("142.70"), "succeeded")]
    assert Order.objects.get(pk=paid_order.pk).status == "refunded"


def test_a_refund_whose_answer_was_lost_is_retried_under_its_key_and_refunds_once(paid_order, monkeypatch):
    real_refund = sandbox_provider.SandboxProvider.refund

    def refund_then_lose_the_answer(self, **kwargs):
        real_refund(self, **kwargs)  # the PSP moved the money ...
        raise RefundFailed("timeout")  # ... but its answer never arrived

    monkeypatch.setattr(sandbox_provider.SandboxProvider, "refund", refund_then_lose_the_answer)
    [refund] = order_refund_partial(order=paid_order, actor="support:lia", reason="avaria", amount=Decimal("30"))
    assert refund.status == "pending"
    monkeypatch.setattr(sandbox_provider.SandboxProvider, "refund", real_refund)
    assert payment_refunds_retry() == 1
    assert payment_refunds_retry() == 0
    assert list(SandboxRefund.objects.values_list("amount", flat=True)) == [Decimal("30.00")]
    refund.refresh_from_db()
    assert (refund.status, refund.provider_reference) == ("succeeded", SandboxRefund.objects.get().reference)


def test_a_pix_order_is_refunded_in_part_as_a_pix_devolucao(client, catalog, settings):
    from tests.test_payment_methods import CPF, order_of, page_post, place

    answer = place(client, catalog, key="pix-refund", payment_method="pix", document=CPF).json()
    page_post(client, order_of(client, answer), {"action": "pix_simulate"})
    deliver_webhooks(client)
    order = Order.objects.get(number=answer["number"])
    order_refund_partial(order=order, actor="support:lia", reason="produto trocado", amount=Decimal("10"))
    refund = SandboxRefund.objects.get()
    assert (refund.charge.method, refund.amount) == ("pix", Decimal("10.00"))


def test_a_chargeback_is_recorded_on_the_order_once_and_its_outcome_too(client, paid_order):
    charge = SandboxCharge.objects.get(succeeded=True)
    webhook = sandbox_dispute_open(charge=charge, reason="fraude alegada")
    assert deliver_webhooks(client) == 1
    dispute = PaymentDispute.objects.get()
    assert (dispute.order_id, dispute.amount, dispute.status, dispute.reason) == (
        paid_order.pk,
        Decimal("192.70"),
        "open",
        "fraude alegada",
    )
    assert "contestação (chargeback)" in paid_order.history.last().note
    type(webhook).objects.filter(pk=webhook.pk).update(delivered_at=None)  # the PSP sends it again
    deliver_webhooks(client)
    assert PaymentDispute.objects.count() == 1
    sandbox_dispute_close(charge=charge, outcome="lost")
    deliver_webhooks(client)
    assert PaymentDispute.objects.get().status == "lost"
    assert Order.objects.get(pk=paid_order.pk).status == "paid"  # support decides what happens next


def test_support_refunds_part_of_an_order_from_the_admin_and_sees_chargebacks(client, paid_order):
    user = User.objects.create_user("lia", "lia@cosmeticos.co", "x", is_staff=True)
    user.groups.add(Group.objects.get(name="Customer support"))
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    base = {"action": "refund_partially", "_selected_action": [paid_order.pk]}
    form = client.post("/admin/orders/order/", base)
    assert "Reembolso parcial do pedido" in form.content.decode()
    missing_reason = client.post("/admin/orders/order/", {**base, "apply": "1", "amount": "15.00"})
    assert missing_reason.status_code == 200 and refunds() == []
    done = client.post("/admin/orders/order/", {**base, "apply": "1", "lines": "SERUM-30=1", "reason": "avaria"})
    assert done.status_code == 302
    assert refunds() == [(Decimal("89.90"), "succeeded")]
    sandbox_dispute_open(charge=SandboxCharge.objects.get(succeeded=True))
    deliver_webhooks(client)
    page = client.get(f"/admin/orders/order/{paid_order.pk}/change/").content.decode()
    assert "Contestações (chargebacks)" in page and "dp_" in page
