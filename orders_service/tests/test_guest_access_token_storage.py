"""A guest order's access token is handed out in clear once and stored nowhere readable.

The order keeps its SHA-256 (compared in constant time) and a sealed copy for the emails; the
``orders.order_paid`` and resend events carry it sealed; the idempotency record keeps the checkout answer
with the token sealed, and a replay of the same key answers the same token in clear.
"""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from common.events.testing import published
from common.sealing import unseal
from orders.orders.models import Order
from orders.orders.services import order_confirmation_resend
from tests.conftest import add_line, cart_headers, checkout, new_cart, pay

pytestmark = pytest.mark.django_db


def every_row_as_text() -> str:
    """Every row of every table of orders' database, as PostgreSQL renders it to JSON."""
    texts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT row_to_json(t)::text FROM "{table}" t')
            texts += [row[0] for row in cursor.fetchall()]
    return "\n".join(texts)


def test_the_guests_token_is_readable_in_no_row_of_the_database(client, catalog):
    headers = cart_headers(new_cart(client)["token"])
    add_line(client, headers, "SERUM-30", 1)
    answer = checkout(client, headers, key="token-nowhere", email="bia@example.com").json()
    token = answer["access_token"]
    catalog.process()
    pay(client, answer)
    order_confirmation_resend(order=Order.objects.get(), actor="support:lia")

    assert len(token) >= 40
    assert token not in every_row_as_text()  # order, outbox payloads, idempotency record, history, sessions
    order = Order.objects.get()
    assert order.access_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert unseal(order.access_token_sealed) == token
    [paid] = published("orders.order_paid")
    [resend] = published("orders.order_confirmation_resend_requested")
    for envelope in (paid, resend):
        assert envelope.version == 2 and "access_token" not in envelope.payload
        assert unseal(envelope.payload["access_token_sealed"]) == token


def test_a_replay_of_the_same_key_answers_the_same_token_in_clear(client, catalog):
    headers = cart_headers(new_cart(client)["token"])
    add_line(client, headers, "SERUM-30", 1)
    first = checkout(client, headers, key="token-replay", email="bia@example.com")
    again = checkout(client, headers, key="token-replay", email="bia@example.com")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert first.json()["access_token"] not in every_row_as_text()


def test_the_emailed_link_opens_the_order_status_page_and_a_near_miss_does_not(client, catalog):
    headers = cart_headers(new_cart(client)["token"])
    add_line(client, headers, "SERUM-30", 1)
    answer = checkout(client, headers, key="token-link", email="bia@example.com").json()
    catalog.process()
    pay(client, answer)
    [paid] = published("orders.order_paid")
    token = unseal(paid.payload["access_token_sealed"])  # what tasks puts in the confirmation link

    page = client.get(f"/pedidos/{answer['number']}/", {"token": token})
    assert page.status_code == 200 and answer["number"] in page.content.decode()
    assert client.get(f"/api/orders/orders/{answer['number']}", HTTP_X_ORDER_TOKEN=token).json()["status"] == "paid"
    near_miss = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(f"/pedidos/{answer['number']}/", {"token": near_miss}).status_code == 404
    assert (
        client.get(f"/pedidos/{answer['number']}/", {"token": Order.objects.get().access_token_hash}).status_code == 404
    )


def test_after_a_key_rotation_the_reseal_command_lets_the_old_key_go(client, catalog, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.EVENT_SEALING_KEYS = [old]
    headers = cart_headers(new_cart(client)["token"])
    add_line(client, headers, "SERUM-30", 1)
    first = checkout(client, headers, key="token-rotation", email="bia@example.com").json()

    settings.EVENT_SEALING_KEYS = [new, old]
    out = StringIO()
    call_command("order_access_tokens_reseal", stdout=out)
    assert out.getvalue().strip() == "resealed the guest access token of 1 order(s) and 1 stored answer(s)"

    settings.EVENT_SEALING_KEYS = [new]  # the old key dropped
    assert unseal(Order.objects.get().access_token_sealed) == first["access_token"]
    assert checkout(client, headers, key="token-rotation", email="bia@example.com").json() == first
