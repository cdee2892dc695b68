"""Client CPU of orders' per-checkout statements, the queryset against the statement built once, in one process.

    eval "$(scripts/start_test_infra.sh)"
    uv run python bench/run.py --only checkout --rounds 1 --variants 2000   # creates and migrates bench_orders
    uv run python bench/orders_statements.py            # 8 interleaved rounds x 800 statements

Each pair runs the same statement both ways on the benchmark's orders database (``bench_orders``), the two taking
turns round by round; each figure is the median of the rounds (process CPU time, microseconds). Nothing is
written: the rows they look up and update do not exist.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--statements", type=int, default=800)
    arguments = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from bench.lib.environment import bench_env
    from bench.lib.turns import compare_in_process

    os.environ.update(bench_env(dict(os.environ)))
    os.environ.update({"SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_SETTINGS_MODULE": "config.settings"})
    sys.path.insert(0, str(ROOT / "orders_service"))
    import django

    django.setup()
    from common.updates import values_update
    from orders.checkout.models import IdempotencyKey
    from orders.payments.models import PaymentTransaction
    from orders.payments.webhooks import _CHARGE_RECORDED

    completed = {
        "state": "completed",
        "response_status": 201,
        "response_body": {"number": "CO-1"},
        "completed_at": None,
    }

    def charge_queryset(index: int):
        return PaymentTransaction.objects.filter(
            order_id=-1 - index, kind=PaymentTransaction.Kind.CHARGE, provider_reference="ch_bench"
        ).exists()

    def charge_compiled(index: int):
        return _CHARGE_RECORDED.first(order_id=-1 - index, reference="ch_bench") is not None

    def claim_queryset(index: int):
        return IdempotencyKey.objects.filter(pk=-1 - index, claim_version=1, state="in_progress").update(**completed)

    def claim_built_once(index: int):
        return values_update(
            IdempotencyKey, values=completed, where={"pk": -1 - index, "claim_version": 1, "state": "in_progress"}
        )

    pairs = {
        "a webhook's duplicate-charge check": (("queryset exists()", charge_queryset), ("compiled", charge_compiled)),
        "checkout's claim completion": (("queryset update()", claim_queryset), ("values_update", claim_built_once)),
    }
    print(f"[bench] {arguments.rounds} rounds x {arguments.statements} statements, "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    for what, variants in pairs.items():
        compare_in_process(what, variants, rounds=arguments.rounds, count=arguments.statements)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
