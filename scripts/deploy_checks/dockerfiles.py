#!/usr/bin/env python3
"""Writes (or with --check, compares) each service's Dockerfile from docker/Dockerfile.template.

The four images differ only by service name and port; one template keeps them from drifting apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {"catalog": 8001, "accounts": 8002, "orders": 8003, "tasks": 8004}


def render(service: str, port: int) -> str:
    template = (ROOT / "docker" / "Dockerfile.template").read_text()
    return template.replace("@SERVICE@", service).replace("@PORT@", str(port))


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for service, port in SERVICES.items():
        target = ROOT / f"{service}_service" / "Dockerfile"
        text = render(service, port)
        if check:
            if not target.exists() or target.read_text() != text:
                stale.append(str(target.relative_to(ROOT)))
        else:
            target.write_text(text)
    if stale:
        print(f"out of date with docker/Dockerfile.template: {', '.join(stale)}; run {sys.argv[0]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
