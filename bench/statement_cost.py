"""Client-side CPU of one short statement, Django's cursor per statement against the kept cursor, of a
consumer batch's inbox rows, one insert each against one insert for the batch, of one new row, the ORM's
``create`` against ``common.inserts.rows_insert`` (what checkout's order rows use), of a request's first
statement with ``CONN_HEALTH_CHECKS``, Django's ``SELECT 1`` before it against the socket check of
``common.db.postgresql``, and of the same statements with psycopg's client-side binding (Django's default)
against server-side binding (the connection's ``server_side_binding`` option; PostgreSQL only, the last two).

    eval "$(scripts/start_test_infra.sh)"
    uv run python bench/statement_cost.py               # 8 interleaved rounds x 3,000 statements
    uv run python bench/statement_cost.py --rounds 4 --statements 1000

The checkout benchmark cannot resolve a few per cent (its CPU per checkout moves by 25 % between rounds on
this shared machine), so the statement-level changes are measured here, in one process, the variants taking
turns round by round; each figure is the median of the rounds (process CPU time, microseconds). It runs the
common test project (``common/tests/settings.py``: PostgreSQL when ``COMMONTEST_DATABASE_URL`` is set) and
removes the inbox rows it wrote.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMON_DIR = ROOT / "common"
sys.path.insert(0, str(COMMON_DIR))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # DEBUG stays off: no query logging

BATCH = 3  # a batch's size under checkout load (2-3 events per delivery)


def main() -> int:
    parser = argparse.ArgumentParser(description="per-statement client CPU: Django's cursor vs the kept cursor")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--statements", type=int, default=3000)
    arguments = parser.parse_args()

    import django

    from bench.lib.turns import compare_in_process

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from tests.events.models import AppliedNote

    from common.cursors import statement_cursor
    from common.events.inbox.models import ProcessedEvent
    from common.inserts import insert_new, insert_once, rows_insert

    call_command("migrate", verbosity=0)
    sql = f"SELECT id, event_type FROM {ProcessedEvent._meta.db_table} WHERE id = %s"
    run_type = f"bench.statement_cost.{uuid.uuid4().hex[:8]}"

    def django_cursor(index: int):
        with connection.cursor() as cursor:
            cursor.execute(sql, [index])
            return cursor.fetchall()

    def kept_cursor(index: int):
        with statement_cursor() as cursor:
            cursor.execute(sql, [index])
            return cursor.fetchall()

    def rows() -> list[dict]:
        return [{"event_id": uuid.uuid4(), "event_type": run_type} for _ in range(BATCH)]

    def inbox_row_by_row(_index: int):
        with transaction.atomic():
            for values in rows():
                insert_once(ProcessedEvent, values=values, unique=("event_id",))

    def inbox_batch(_index: int):
        with transaction.atomic():
            insert_new(ProcessedEvent, rows=rows(), unique="event_id")

    def note(index: int) -> dict:
        return {"event_id": uuid.uuid4(), "event_type": run_type, "key": f"k-{index}", "text": "bench"}

    def orm_create(index: int):
        return AppliedNote.objects.create(**note(index))

    def one_row_insert(index: int):
        rows_insert([AppliedNote(**note(index))])

    pairs = {
        "statement": (("Django cursor per statement", django_cursor), ("kept cursor", kept_cursor)),
        f"inbox of a batch of {BATCH}": (("one insert per event", inbox_row_by_row), ("one insert", inbox_batch)),
        "one new row": (("ORM create", orm_create), ("rows_insert", one_row_insert)),
    }
    wrappers = []
    if connection.vendor == "postgresql":
        from django.db.backends.postgresql.base import DatabaseWrapper as DjangoDatabaseWrapper

        from common.db.postgresql.base import DatabaseWrapper

        checked = {**connection.settings_dict, "CONN_HEALTH_CHECKS": True, "CONN_MAX_AGE": 600}
        wrappers = [DjangoDatabaseWrapper(checked, alias="select-1"), DatabaseWrapper(checked, alias="socket")]

        def first_statement(database) -> Callable[[int], object]:
            def work(index: int):
                database.close_if_unusable_or_obsolete()  # a request ended, the next one starts
                with database.cursor() as cursor:
                    cursor.execute(sql, [index])
                    return cursor.fetchall()

            return work

        def bound(server_side: bool, work: Callable[[int], object]) -> Callable[[int], object]:
            """``work`` on a connection opened with this binding (reopened when its first call sees the other)."""
            options = connection.settings_dict["OPTIONS"]

            def run(index: int):
                if options.get("server_side_binding") is not server_side:
                    connection.close()
                    options["server_side_binding"] = server_side
                return work(index)

            return run

        for what, work in (
            ("a read by key", kept_cursor),
            ("one new row (rows_insert)", one_row_insert),
            ("one new row (ORM create)", orm_create),
        ):
            pairs[f"{what}, parameters bound"] = (
                ("client-side", bound(False, work)),
                ("server-side", bound(True, work)),
            )
        pairs[f"inbox of a batch of {BATCH}, parameters bound"] = (
            ("client-side", bound(False, inbox_batch)),
            ("server-side", bound(True, inbox_batch)),
        )
        pairs["a request's first statement"] = (
            ("SELECT 1 health check", first_statement(wrappers[0])),
            ("socket health check", first_statement(wrappers[1])),
        )
    print(
        f"[bench] {connection.vendor}, {arguments.rounds} rounds x {arguments.statements} statements "
        f"({arguments.statements // 10} batches), load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    try:
        for what, variants in pairs.items():
            count = arguments.statements // 10 if what.startswith("inbox") else arguments.statements
            compare_in_process(what, variants, rounds=arguments.rounds, count=count)
    finally:
        for database in wrappers:
            database.close()
        ProcessedEvent.objects.filter(event_type=run_type).delete()
        AppliedNote.objects.filter(event_type=run_type).delete()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
