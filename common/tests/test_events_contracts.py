"""The contract registry against the services: producers and consumers exist and agree with the
``HANDLERS`` tables, and the events table of ``docs/architecture.md`` is generated from the registry.

The services' tables are read by path and parsed (not imported: each imports its own Django apps).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from common.events.docs import END_MARKER, START_MARKER, render_events_table, replace_events_block, suite_contracts
from common.events.routing import STREAM_TYPES

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("catalog", "accounts", "orders", "tasks")

# (service, event type) pairs whose contract names the service as consumer but whose handler is not
# written yet. Empty: every table is complete, so a consumer without a handler fails. While a new
# contract's handler is being written, list the pair here (and remove it with the handler).
AWAITING_HANDLERS: set[tuple[str, str]] = set()

# A service consumes an event it publishes only to build one of its read models from its own stream, never
# to send itself work: catalog's MongoDB search log is written from catalog.search_performed (a search's
# request then makes one write, and a search made while MongoDB is down is logged when it is back).
OWN_STREAM_PROJECTIONS = {"catalog.search_performed"}


def handled_types(service: str) -> set[str]:
    """The string keys of ``HANDLERS`` in ``<service>_service/config/event_handlers.py``."""
    path = REPO_ROOT / f"{service}_service" / "config" / "event_handlers.py"
    for node in ast.parse(path.read_text()).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if isinstance(target, ast.Name) and target.id == "HANDLERS":
            assert isinstance(node.value, ast.Dict), f"{path}: HANDLERS must be a dict literal"
            keys = node.value.keys
            assert all(isinstance(key, ast.Constant) and isinstance(key.value, str) for key in keys), (
                f"{path}: HANDLERS keys must be event type strings"
            )
            return {key.value for key in keys}
    raise AssertionError(f"{path} has no HANDLERS table")


def consumers_by_type() -> dict[str, set[str]]:
    consumers: dict[str, set[str]] = {}
    for contract in suite_contracts():
        consumers.setdefault(contract.TYPE, set()).update(contract.CONSUMERS)
    return consumers


def test_every_event_has_an_existing_producer_and_existing_consumers_other_than_itself_but_its_projections():
    for contract in suite_contracts():
        assert contract.PRODUCER in SERVICES, contract.TYPE
        assert (REPO_ROOT / f"{contract.PRODUCER}_service" / "manage.py").exists(), contract.TYPE
        assert contract.CONSUMERS, f"{contract.TYPE} has no consumer"
        assert set(contract.CONSUMERS) <= set(SERVICES), contract.TYPE
        assert contract.PRODUCER not in contract.CONSUMERS or contract.TYPE in OWN_STREAM_PROJECTIONS, contract.TYPE
        assert set(contract.CONSUMERS) - {contract.PRODUCER}, f"{contract.TYPE} has no consumer but its producer"
        assert contract.TYPE.startswith(f"{contract.PRODUCER}."), contract.TYPE
        assert contract.DESCRIPTION, f"{contract.TYPE} needs a docstring"


def test_a_service_projects_only_streams_of_its_own():
    assert OWN_STREAM_PROJECTIONS <= STREAM_TYPES  # a stream is a record of facts, not a command


def test_every_stream_in_the_routing_table_is_a_registered_event():
    assert set(consumers_by_type()) >= STREAM_TYPES


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_handles_only_events_whose_contract_lists_it_as_consumer(service):
    consumers = consumers_by_type()

    unknown = {event_type for event_type in handled_types(service) if event_type not in consumers}
    not_listed = {event_type for event_type in handled_types(service) if service not in consumers.get(event_type, ())}

    assert unknown == set(), f"{service} handles unregistered event types"
    assert not_listed == set(), f"{service} handles events whose contract does not list it as a consumer"


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_listed_as_consumer_has_a_handler_unless_it_is_awaited(service):
    expected = {event_type for event_type, consumers in consumers_by_type().items() if service in consumers}

    missing = {(service, event_type) for event_type in expected - handled_types(service)}

    assert missing <= AWAITING_HANDLERS, f"{service} is a listed consumer of these but has no handler"


def test_the_events_table_in_the_architecture_doc_is_up_to_date():
    document = (REPO_ROOT / "docs" / "architecture.md").read_text()

    assert START_MARKER in document
    assert END_MARKER in document
    assert replace_events_block(document, render_events_table()) == document, (
        "docs/architecture.md is out of date: run `uv run python scripts/render_event_docs.py`"
    )


def test_the_events_table_lists_every_event_with_its_route():
    table = render_events_table()

    assert table.count("\n") == len(suite_contracts()) + 1
    assert "| `orders.order_placed` | 1 | orders | catalog, tasks | RabbitMQ `cosmeticos.events`" in table
    assert "| `catalog.product_updated` | 1 | catalog | orders | Kafka `catalog.products` (compacted" in table
    assert "commontest." not in table
