"""The low-stock read model is complete: backfilled and reconciled from catalog's staff stock endpoint,
not only from the ``stock_changed`` events seen since tasks started.

Catalog and accounts are played by an HTTP server this test owns (real sockets, real timeouts): the
catalog side of the contract is tested in catalog's suite (``test_stock_levels_api.py``).
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from common.events.contracts.catalog import StockChanged
from common.events.testing import deliver, envelope_of
from config.event_handlers import HANDLERS
from tasks.reports.models import Report, StockLevel
from tasks.reports.selectors import low_stock_levels

pytestmark = pytest.mark.django_db

AS_OF = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)


class FakeUpstream:
    """Accounts' token endpoint and catalog's paged stock levels, recording what was asked."""

    def __init__(self, levels: list[dict]):
        self.levels = sorted(levels, key=lambda level: level["sku"])
        self.requests: list[tuple[str, dict, str]] = []
        self.stall_seconds = 0.0

    def answer(self, path: str, query: dict, authorization: str) -> tuple[int, dict]:
        self.requests.append((path, query, authorization))
        if path == "/api/accounts/token":
            return 200, {"access": "service-token", "refresh": "r"}
        if authorization != "Bearer service-token":
            return 401, {"detail": "Não autenticado.", "code": "not_authenticated"}
        time.sleep(self.stall_seconds)
        after, limit = query.get("after", [""])[0], int(query["limit"][0])
        page = [level for level in self.levels if level["sku"] > after][:limit]
        next_after = page[-1]["sku"] if len(page) == limit else None
        return 200, {"as_of": AS_OF.isoformat(), "items": page, "next_after": next_after}


@pytest.fixture
def upstream(settings):
    fake = FakeUpstream([])

    class Handler(BaseHTTPRequestHandler):
        def _reply(self):
            url = urlsplit(self.path)
            status, body = fake.answer(url.path, parse_qs(url.query), self.headers.get("Authorization", ""))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _reply

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.CATALOG_URL = settings.ACCOUNTS_URL = base
    settings.TASKS_SERVICE_EMAIL, settings.TASKS_SERVICE_PASSWORD = "tasks@cosmeticos.co", "service-secret"
    settings.TASKS_CATALOG_TIMEOUT_SECONDS = 1.0
    yield fake
    server.shutdown()
    server.server_close()


def level(sku: str, available: int, threshold: int = 5, name: str = "Batom") -> dict:
    return {
        "sku": sku,
        "product_name": name,
        "on_hand": available + 1,
        "available": available,
        "low_stock_threshold": threshold,
    }


def announce(sku: str, available: int, at: datetime, threshold: int = 5) -> None:
    event = StockChanged(
        sku=sku, product_name="Batom", on_hand=available + 1, available=available, low_stock_threshold=threshold
    )
    deliver(envelope_of(event).model_copy(update={"occurred_at": at}), handlers=HANDLERS)


def test_backfill_brings_every_low_stock_sku_catalog_has_not_only_the_ones_announced(upstream):
    # Catalog has 335 SKUs at or below threshold (seeded, never announced) and 40 well stocked.
    upstream.levels = sorted(
        [level(f"LOW-{n:03}", n % 5) for n in range(335)] + [level(f"OK-{n:03}", 50) for n in range(40)],
        key=lambda row: row["sku"],
    )
    announce("LOW-001", 1, datetime(2026, 1, 11, tzinfo=UTC))
    announce("LOW-002", 2, datetime(2026, 1, 11, tzinfo=UTC))
    assert low_stock_levels().count() == 2  # what the weekly report saw

    out = _call("reconcile_stock_levels")

    assert low_stock_levels().count() == 335
    assert StockLevel.objects.count() == 375
    assert "375 SKUs from catalog: 373 new, 0 corrected, 2 confirmed, 0 newer here; 0 removed" in out
    pages = [request for request in upstream.requests if request[0] == "/api/catalog/staff/stock-levels"]
    assert len(pages) == 1  # 375 SKUs fit in one page of 500
    call_command("run_report", "low_stock", "--date", "2026-01-14", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Report.objects.get().row_count == 335


def test_reconciliation_pages_corrects_keeps_newer_events_and_removes_skus_catalog_dropped(upstream):
    from tasks.reports.catalog_client import stock_level_pages
    from tasks.reports.services.read_models import stock_levels_reconcile

    upstream.levels = [level("A", 3), level("B", 10), level("C", 0), level("D", 7)]
    announce("A", 40, datetime(2026, 1, 10, tzinfo=UTC))  # lost a later change: catalog now says 3
    announce("B", 1, datetime(2026, 1, 12, 10, 0, tzinfo=UTC))  # announced after the page was read: newer
    announce("GONE", 0, datetime(2026, 1, 10, tzinfo=UTC))  # the variant no longer exists in catalog

    result = stock_levels_reconcile(pages=stock_level_pages(page_size=2))

    assert (result.created, result.corrected, result.newer_here, result.removed) == (2, 1, 1, 1)
    assert dict(StockLevel.objects.values_list("sku", "available")) == {"A": 3, "B": 1, "C": 0, "D": 7}
    queried = [request[1].get("after", [""])[0] for request in upstream.requests if "stock-levels" in request[0]]
    assert queried == ["", "B", "D"]  # keyset pages of 2, the last one empty
    # An older event delivered late cannot undo the reconciled level.
    announce("A", 40, datetime(2026, 1, 11, tzinfo=UTC))
    assert StockLevel.objects.get(sku="A").available == 3


def test_a_stalled_catalog_fails_within_the_timeout_and_changes_nothing(upstream):
    upstream.levels = [level("A", 3)]
    upstream.stall_seconds = 3.0
    with pytest.raises(CommandError, match="stock reconciliation failed: catalog stock levels: timed out"):
        _call("reconcile_stock_levels")  # the 1 s read timeout, not the 3 s stall
    assert StockLevel.objects.count() == 0


def test_without_a_service_account_the_command_says_what_is_missing(settings):
    settings.TASKS_SERVICE_EMAIL = ""
    with pytest.raises(CommandError, match="TASKS_SERVICE_EMAIL"):
        _call("reconcile_stock_levels")


def _call(*args) -> str:
    import io

    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_beat_task_reconciles_and_logs_its_counts(upstream, caplog):
    from tasks.reports.tasks import stock_levels_reconcile_task

    upstream.levels = [level("A", 3), level("B", 10)]
    with caplog.at_level("INFO", logger="tasks.reports.tasks"):
        counts = stock_levels_reconcile_task()  # Beat's hourly task, run in-process (it once failed on logging)
    assert StockLevel.objects.count() == 2 and counts["created"] == 2
    [record] = [r for r in caplog.records if r.getMessage() == "stock levels reconciled"]
    assert record.reconciliation["created"] == 2
