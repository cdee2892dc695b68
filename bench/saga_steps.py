"""Catalog's CPU per saga step in one process: ``order_placed`` (the reservation) and ``order_paid`` (the
commit) handed to ``handle_envelopes`` in batches, as the consumer does under checkout load.

    eval "$(scripts/start_test_infra.sh)"
    uv run python bench/run.py --only checkout --rounds 1 --variants 2000   # seeds bench_catalog once
    uv run python bench/saga_steps.py                   # 6 rounds x 300 orders, batches of 3
    uv run python bench/saga_steps.py --baseline /tmp/before   # the same against another tree, in turns

The pipeline benchmark's per-event figure moves by a quarter between rounds on this shared machine; here the
steps run alone, on the benchmark's seeded catalog database (``bench_catalog``, the SKUs with the most free
units), one process per round and tree, and each figure is the median of the rounds (process CPU time). The
orders it reserves and commits stay in that database, as the checkout benchmark's do; the events they
publish are deleted from its outbox (no relay runs here, and the next checkout run's relay would send them).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child(arguments: argparse.Namespace) -> None:
    """One round in this process (run by the parent with the tree's catalog_service on sys.path)."""
    import time
    import uuid
    from datetime import timedelta
    from decimal import Decimal

    import django

    django.setup()
    from django.db.models import Max
    from django.utils import timezone

    from catalog.inventory.models import Stock
    from common.events.consumer import handle_envelopes
    from common.events.contracts.common_types import PricedLine
    from common.events.contracts.orders import OrderPaid, OrderPlaced
    from common.events.outbox.models import OutboxMessage
    from common.events.testing import envelope_of
    from config.event_handlers import HANDLERS

    skus = list(
        Stock.objects.order_by("-on_hand").values_list("variant__sku", flat=True)[: max(4, arguments.lines * 4)]
    )
    now = timezone.now()
    run = uuid.uuid4().hex[:8]

    def events(index: int):
        lines = [
            PricedLine(sku=sku, quantity=1, name=sku, unit_price=Decimal("10.00"), line_total=Decimal("10.00"))
            for sku in sorted({skus[(index + n) % len(skus)] for n in range(arguments.lines)})
        ]
        total = sum((line.line_total for line in lines), Decimal(0))
        common = dict(
            order_number=f"SAGA-{run}-{index:05d}", email="ana@example.com", user_id=1, lines=lines,
            subtotal=total, shipping=Decimal(0), total=total, currency="BRL",
        )  # fmt: skip
        placed = OrderPlaced(**common, placed_at=now, reserve_until=now + timedelta(minutes=30))
        return envelope_of(placed, key=common["order_number"]), envelope_of(
            OrderPaid(**common, paid_at=now), key=common["order_number"]
        )

    pairs = [events(index) for index in range(arguments.warmup + arguments.orders)]
    last_row = OutboxMessage.objects.aggregate(last=Max("id"))["last"] or 0
    batch = arguments.batch
    figures = {}
    for step, position in (("reservation", 0), ("commit", 1)):
        envelopes = [pair[position] for pair in pairs]
        warm, measured = envelopes[: arguments.warmup], envelopes[arguments.warmup :]
        for start in range(0, len(warm), batch):
            handle_envelopes(warm[start : start + batch], handlers=HANDLERS)
        started = time.process_time()
        for start in range(0, len(measured), batch):
            assert all(handle_envelopes(measured[start : start + batch], handlers=HANDLERS))
        figures[step] = 1000 * (time.process_time() - started) / len(measured)
    OutboxMessage.objects.filter(id__gt=last_row).delete()  # no relay runs here: nobody else gets these answers
    print(json.dumps(figures))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="another checkout of this repository, run in turns")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--batch", type=int, default=3, help="events per handle_envelopes call")
    parser.add_argument("--lines", type=int, default=1, help="lines per order")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments)
        return 0

    sys.path.insert(0, str(ROOT))
    from bench.lib.environment import bench_env
    from bench.lib.turns import in_turns, run_in_tree

    trees = {"after": ROOT} | ({"before": Path(arguments.baseline).resolve()} if arguments.baseline else {})
    env = {
        **bench_env(dict(os.environ)),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "LOG_LEVEL": "WARNING",
    }
    results: dict[str, dict[str, list[float]]] = {name: {"reservation": [], "commit": []} for name in trees}
    print(f"[saga-steps] {arguments.rounds} rounds x {arguments.orders} orders of {arguments.lines} line(s), "
          f"batches of {arguments.batch}, load average {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    for round_index, name, tree in in_turns(list(trees.items()), arguments.rounds):
        figures = run_in_tree(str(Path(__file__).resolve()), tree, "catalog_service", sys.argv[1:], env)
        for step, value in figures.items():
            results[name][step].append(value)
        print(f"[saga-steps]   round {round_index + 1} {name}: "
              + ", ".join(f"{step} {value:.2f} ms" for step, value in figures.items()), flush=True)  # fmt: skip
    print("\n| tree | reservation, ms of CPU per order | commit | rounds |\n|---|---:|---:|---|")
    for name, steps in results.items():
        rounds = "; ".join(f"{r:.2f}/{c:.2f}" for r, c in zip(steps["reservation"], steps["commit"], strict=True))
        reservation, commit = statistics.median(steps["reservation"]), statistics.median(steps["commit"])
        print(f"| {name} | {reservation:.2f} | {commit:.2f} | {rounds} |")
    if arguments.baseline:
        for step in ("reservation", "commit"):
            ratio = statistics.median(results["after"][step]) / statistics.median(results["before"][step])
            print(f"{step}: after / before {ratio:.3f} ({100 * (ratio - 1):+.1f} %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
