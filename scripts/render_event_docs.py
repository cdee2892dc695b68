#!/usr/bin/env python
"""Write the events table (from the contract registry) into docs/architecture.md between its markers.

uv run python scripts/render_event_docs.py          # rewrite the block
uv run python scripts/render_event_docs.py --check  # exit 1 when the block is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from common.events.docs import END_MARKER, START_MARKER, render_events_table, replace_events_block

ARCHITECTURE = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the block is up to date")
    arguments = parser.parse_args()
    if not ARCHITECTURE.exists():
        ARCHITECTURE.write_text(f"# Architecture\n\n{START_MARKER}\n{END_MARKER}\n")
    current = ARCHITECTURE.read_text()
    updated = replace_events_block(current, render_events_table())
    if arguments.check:
        if updated != current:
            print(f"{ARCHITECTURE} events table is out of date: run scripts/render_event_docs.py", file=sys.stderr)
            return 1
        return 0
    if updated != current:
        ARCHITECTURE.write_text(updated)
        print(f"updated the events table in {ARCHITECTURE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
