"""The events table of ``docs/architecture.md``, generated from the contract registry.

``scripts/render_event_docs.py`` writes it between the ``<!-- events:start -->`` and
``<!-- events:end -->`` markers; a test fails when the committed block differs from the registry.
"""

from __future__ import annotations

from common.events.contracts import REGISTRY, EventContract
from common.events.routing import route_description

START_MARKER = "<!-- events:start -->"
END_MARKER = "<!-- events:end -->"
SUITE_CONTRACTS_PACKAGE = "common.events.contracts."


def suite_contracts() -> list[type[EventContract]]:
    """The registered contracts of the suite (test-only contracts registered elsewhere are left out)."""
    return [
        contract
        for _key, contract in sorted(REGISTRY.items())
        if contract.__module__.startswith(SUITE_CONTRACTS_PACKAGE)
    ]


def render_events_table() -> str:
    lines = [
        "| event type | version | producer | consumers | transport / route | description |",
        "|---|---|---|---|---|---|",
    ]
    for contract in suite_contracts():
        description = contract.DESCRIPTION.replace("|", "\\|")
        lines.append(
            f"| `{contract.TYPE}` | {contract.VERSION} | {contract.PRODUCER} | {', '.join(contract.CONSUMERS)} "
            f"| {route_description(contract.TYPE)} | {description} |"
        )
    return "\n".join(lines)


def replace_events_block(document: str, table: str) -> str:
    """``document`` with the text between the markers replaced by ``table``."""
    start, end = document.index(START_MARKER), document.index(END_MARKER)
    if end < start:
        raise ValueError("the events end marker comes before the start marker")
    return f"{document[: start + len(START_MARKER)]}\n{table}\n{document[end:]}"
