"""A Pix or boleto charge is created at the PSP after the commit, outside any transaction, exactly once.

Catalog's ``stock_reserved`` commits the session ``creating``; the Mercado Pago call runs after the commit
under ``X-Idempotency-Key: session-<token>``, and the housekeeping loop retries a session still
``creating`` (a timeout, an outage, a crash) under the same key, so the PSP makes one charge.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from orders.orders.models import Order
from orders.payments.models import PaymentSession
from orders.payments.providers.mercadopago import MercadoPagoProvider
from tests.test_payment_methods import CPF, order_of, place


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("method", ["pix", "boleto"])
def test_the_psp_charge_is_asked_for_after_the_commit_outside_any_transaction(
    postgresql, client, catalog, mercadopago, monkeypatch, method
):
    committed_when_asked = []

    def look_at_the_database(request):
        # On the fake PSP's thread, a connection of its own: it sees only what orders has committed.
        try:
            row = PaymentSession.objects.filter(order__number=request["body"]["external_reference"]).values_list(
                "status", "order__status"
            )
            committed_when_asked.append(row.first())
        finally:
            connection.close()

    mercadopago.on_request = look_at_the_database
    in_transaction_when_called = []
    original = MercadoPagoProvider.create_session

    def create_session(self, *, spec):
        in_transaction_when_called.append(connection.in_atomic_block)
        return original(self, spec=spec)

    monkeypatch.setattr(MercadoPagoProvider, "create_session", create_session)

    answer = place(client, catalog, key=f"after-commit-{method}", payment_method=method, document=CPF).json()

    assert in_transaction_when_called == [False]
    assert committed_when_asked == [("creating", "awaiting_payment")]
    [request] = mercadopago.requests
    session = Order.objects.get(number=answer["number"]).payment_session
    assert request["headers"]["x-idempotency-key"] == f"session-{session.token}"
    assert (session.status, session.provider_reference) == ("open", next(iter(mercadopago.payments)))
    assert order_of(client, answer)["payment"][method] is not None


@pytest.mark.django_db
def test_a_charge_whose_answer_timed_out_is_retried_by_the_housekeeping_loop_and_made_once(
    client, catalog, mercadopago
):
    mercadopago.stall_payment_seconds = 1.5  # the PSP makes the charge; its answer outlives the 0.5 s timeout
    answer = place(client, catalog, key="pix-timeout", payment_method="pix", document=CPF).json()

    session = Order.objects.get(number=answer["number"]).payment_session
    assert (session.status, session.provider_attempts, session.provider_reference) == ("creating", 1, "")
    assert "não respondeu" in session.provider_error
    waiting = order_of(client, answer)
    assert (waiting["status"], waiting["payment"]["status"], waiting["payment"]["pix"]) == (
        "awaiting_payment",
        "creating",
        None,
    )

    call_command("order_expire_overdue")  # the housekeeping loop's round

    session.refresh_from_db()
    [payment_id] = mercadopago.payments  # one charge at the PSP
    assert (session.status, session.provider_reference, session.provider_attempts) == ("open", payment_id, 2)
    keys = [r["headers"]["x-idempotency-key"] for r in mercadopago.requests if r["path"] == "/v1/payments"]
    assert keys == [f"session-{session.token}", f"session-{session.token}"]
    opened = order_of(client, answer)["payment"]
    assert (opened["status"], opened["pix"]["copy_paste"]) == ("open", session.pix_copy_paste)
    call_command("order_expire_overdue")  # nothing left to open, nothing asked again
    assert len(mercadopago.requests) == 2


@pytest.mark.django_db
def test_a_psp_outage_leaves_the_session_creating_until_a_round_opens_it(client, catalog, mercadopago):
    mercadopago.fail_next = (500, {"message": "internal_error", "error": "internal_error", "status": 500})
    answer = place(client, catalog, key="boleto-outage", payment_method="boleto", document=CPF).json()

    session = Order.objects.get(number=answer["number"]).payment_session
    assert (session.status, mercadopago.payments) == ("creating", {})
    assert order_of(client, answer)["payment"]["boleto"] is None

    call_command("order_expire_overdue")
    session.refresh_from_db()
    [payment_id] = mercadopago.payments
    assert (session.status, session.provider_reference) == ("open", payment_id)
    assert order_of(client, answer)["payment"]["boleto"]["digitable_line"] == session.boleto_digitable_line


@pytest.mark.django_db
def test_the_session_the_provider_opened_is_answered_as_stored_without_reading_it_again(
    client, catalog, mercadopago, django_assert_num_queries
):
    from orders.payments.models import PaymentSession
    from orders.payments.services import payment_session_provider_open

    mercadopago.stall_payment_seconds = 1.5  # the first answer times out: the session stays ``creating``
    answer = place(client, catalog, key="pix-open-once", payment_method="pix", document=CPF).json()
    session_id = Order.objects.get(number=answer["number"]).payment_session.pk
    mercadopago.stall_payment_seconds = 0

    with django_assert_num_queries(2):  # the session with its order, the conditional update
        opened = payment_session_provider_open(session_id=session_id)

    stored = PaymentSession.objects.get(pk=session_id)
    assert (opened.status, opened.provider_attempts) == ("open", 2)
    assert {f: v for f, v in opened.__dict__.items() if f != "_state"} == {
        f: v for f, v in stored.__dict__.items() if f != "_state"
    }
