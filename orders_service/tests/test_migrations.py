"""Data migrations of the orders app."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

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
