#!/usr/bin/env python3
"""Orders' own CPU per guest checkout, in one process, against another source tree: resolves a few per cent.

    eval "$(scripts/start_test_infra.sh)"
    uv run python bench/orders_requests.py                                 # this tree alone
    uv run python bench/orders_requests.py --baseline /tmp/before          # git worktree add /tmp/before <commit>
    uv run python bench/orders_requests.py --baseline /tmp/before --rounds 6 --checkouts 300

The checkout benchmark (``bench/run.py --only checkout``) runs the whole pipeline on both cores, and its CPU
per checkout moves by 10-20 % between rounds on this shared machine: it cannot tell a 3 % change. Here one
process per round and tree runs orders' own project through Django's test client (every middleware, Ninja,
the services, PostgreSQL): ``--checkouts`` times a guest's new cart, one line, the checkout and the order's
read (``GET orders/{number}``), and prints the process CPU per checkout. The trees take turns round by round;
the figure is the median of the rounds. What it leaves out is the same for both: no relay or consumer runs (the
outbox rows wait), catalog is not running (its stock check is refused at once, and the line is added as
orders does when catalog is down), and nothing is paid.

Its database is ``<BENCH_DATABASE_PREFIX>orders_requests`` (created and migrated here; the orders it writes
are left for the next run to ignore).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.lib.environment import REPO_ROOT, ensure_database, with_path
from bench.lib.turns import in_turns, run_in_tree

SKU = "BENCH-REQ-0001"
ADDRESS = {
    "full_name": "Bench Buyer",
    "line1": "Rua Augusta",
    "number": "100",
    "line2": "",
    "neighborhood": "Consolação",
    "city": "São Paulo",
    "state": "SP",
    "postal_code": "01304-000",
    "country": "BR",
    "phone": "+5511999990000",
}


def closed_port() -> int:
    """A loopback port nothing listens on (catalog's stock check is refused there at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def child(checkouts: int, warmup: int) -> dict:
    """In the tree on ``sys.path``: the checkouts through the test client; CPU per checkout."""
    import django

    django.setup()
    from decimal import Decimal

    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from orders.products.models import ProductVariant

    call_command("migrate", verbosity=0)
    ProductVariant.objects.update_or_create(
        sku=SKU,
        defaults={
            "product_id": 1,
            "product_slug": "batom-bench",
            "product_name": "Batom Bench",
            "variant_name": "Vermelho",
            "price": Decimal("49.90"),
            "published": True,
            "source_occurred_at": timezone.now(),
        },
    )
    client = Client()

    def checkout() -> None:
        cart = client.post("/api/orders/cart")
        assert cart.status_code == 201, cart.content
        token = {"HTTP_X_CART_TOKEN": cart.json()["token"]}
        added = client.post(
            "/api/orders/cart/lines", {"sku": SKU, "quantity": 1}, content_type="application/json", **token
        )
        assert added.status_code == 201, added.content
        placed = client.post(
            "/api/orders/checkout",
            {"email": f"bench-{uuid.uuid4().hex[:10]}@example.com", "shipping_address": ADDRESS},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
            **token,
        )
        assert placed.status_code == 201, placed.content
        order = placed.json()
        read = client.get(f"/api/orders/orders/{order['number']}", HTTP_X_ORDER_TOKEN=order["access_token"])
        assert read.status_code == 200, read.content

    for _ in range(warmup):
        checkout()
    started = time.process_time()
    for _ in range(checkouts):
        checkout()
    return {"cpu_ms_per_checkout": (time.process_time() - started) * 1000 / checkouts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="another checkout of this repository, run in turns")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--checkouts", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        print(json.dumps(child(arguments.checkouts, arguments.warmup)))
        return 0
    if not os.environ.get("ORDERS_DATABASE_URL"):
        raise SystemExit('set ORDERS_DATABASE_URL first: eval "$(scripts/start_test_infra.sh)"')
    database = f"{os.environ.get('BENCH_DATABASE_PREFIX', 'bench_')}orders_requests"
    url = with_path(os.environ["ORDERS_DATABASE_URL"], f"/{database}")
    ensure_database(url)
    env = {
        **os.environ,
        "ORDERS_DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "IGNORE_DOTENV": "1",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SANDBOX_WEBHOOK_SECRET": secrets.token_urlsafe(32),
        "CATALOG_URL": f"http://127.0.0.1:{closed_port()}",
        "RABBITMQ_URL": "",
        "KAFKA_BOOTSTRAP_SERVERS": "",
        "REDIS_URL": "",
        "LOG_LEVEL": "WARNING",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP, as the checkout benchmark's servers
        "RATE_LIMITS_ENABLED": "false",  # every shopper from one address, as there
    }
    trees = [("after", REPO_ROOT)] + ([("before", arguments.baseline.resolve())] if arguments.baseline else [])
    print(
        f"[orders-requests] {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average "
        f"{os.getloadavg()[0]:.2f}, {arguments.rounds} rounds x {arguments.checkouts} checkouts per tree",
        flush=True,
    )
    figures: dict[str, list[float]] = {label: [] for label, _tree in trees}
    child_arguments = ["--checkouts", str(arguments.checkouts), "--warmup", str(arguments.warmup)]
    for round_index, label, tree in in_turns(trees[::-1], arguments.rounds):  # "before" first, as it always was
        figure = run_in_tree(__file__, tree, "orders_service", child_arguments, env)["cpu_ms_per_checkout"]
        figures[label].append(figure)
        print(f"[orders-requests]   round {round_index + 1} {label}: {figure:.2f} ms per checkout", flush=True)
    print()
    print("| tree | CPU per checkout, orders (median) | rounds |")
    print("|---|---:|---|")
    for label, values in figures.items():
        print(f"| {label} | {statistics.median(values):.2f} ms | {', '.join(f'{v:.2f}' for v in values)} |")
    if arguments.baseline:
        after, before = statistics.median(figures["after"]), statistics.median(figures["before"])
        print(f"\nafter / before: {after / before:.3f} ({100 * (after - before) / before:+.1f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
