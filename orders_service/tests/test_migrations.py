"""Data migrations of the orders app."""

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from common.sealing import unseal
from orders.orders.services import order_number_next

BEFORE = ("orders", "0002_customer_support_group")
AFTER = ("orders", "0003_order_number_sequence")


@pytest.fixture
def back_to_the_latest_schema():
    """Leave the database fully migrated for the transactional tests that run after this one."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_number_sequence_continues_after_the_numbers_the_old_counter_handed_out(back_to_the_latest_schema):
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    old.get_model("orders", "OrderNumberCounter").objects.create(year=2026, last=41)
    old.get_model("orders", "Order").objects.create(
        number="CO-2026-000040", email="a@example.com", subtotal=1, shipping=0, total=1
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([AFTER])

    assert order_number_next(year=2026) == "CO-2026-000042"


@pytest.mark.django_db(transaction=True)
def test_existing_guest_tokens_are_hashed_and_sealed_and_their_stored_answers_sealed(back_to_the_latest_schema):
    before = [
        ("orders", "0008_order_discounts_and_gift_lines"),
        ("checkout", "0002_idempotency_key_claim_version"),
        ("outbox", "0002_outboxmessage_parking"),
    ]
    after = [
        ("orders", "0008_order_access_token_hashed_and_sealed"),
        ("checkout", "0003_idempotency_answer_access_token_sealed"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    order = old.get_model("orders", "Order").objects.create(
        number="CO-2026-000050", email="a@example.com", subtotal=1, shipping=0, total=1, access_token="guest-tok-50"
    )
    old.get_model("orders", "Order").objects.create(
        number="CO-2026-000051", email="b@example.com", user_id=7, subtotal=1, shipping=0, total=1
    )
    old.get_model("outbox", "OutboxMessage").objects.create(
        event_type="orders.order_paid",
        version=1,
        key="CO-2026-000050",
        envelope={
            "type": "orders.order_paid",
            "version": 1,
            "payload": {"order_number": "CO-2026-000050", "access_token": "guest-tok-50"},
        },
    )
    old.get_model("checkout", "IdempotencyKey").objects.create(
        key="k-50",
        fingerprint="f",
        state="completed",
        response_status=201,
        order_id=order.pk,
        response_body={"number": "CO-2026-000050", "access_token": "guest-tok-50"},
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)

    new = executor.loader.project_state(after).apps
    guest, signed_in = new.get_model("orders", "Order").objects.order_by("number")
    assert guest.access_token_hash == hashlib.sha256(b"guest-tok-50").hexdigest()
    assert unseal(guest.access_token_sealed) == "guest-tok-50"
    assert (signed_in.access_token_hash, signed_in.access_token_sealed) == ("", "")
    outbox = new.get_model("outbox", "OutboxMessage").objects.get(key="CO-2026-000050")
    assert (outbox.version, outbox.envelope["version"]) == (2, 2)
    assert "access_token" not in outbox.envelope["payload"]
    assert unseal(outbox.envelope["payload"]["access_token_sealed"]) == "guest-tok-50"
    body = new.get_model("checkout", "IdempotencyKey").objects.get(key="k-50").response_body
    assert "access_token" not in body and unseal(body["access_token_sealed"]) == "guest-tok-50"
