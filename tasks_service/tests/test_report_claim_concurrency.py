"""Two workers asking for the same report at the same instant, on PostgreSQL: one claim wins."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection

from tasks.reports.models import Report
from tasks.reports.services.production import report_claim

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_claims_of_one_report_give_exactly_one_token(postgresql):
    barrier = threading.Barrier(4)
    tokens = []

    def claim() -> None:
        try:
            barrier.wait(timeout=30)
            _, token = report_claim(kind="sales", period_start=date(2026, 1, 15), period_end=date(2026, 1, 15))
            tokens.append(token)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(tokens) == 4
    assert len([token for token in tokens if token is not None]) == 1
    report = Report.objects.get()
    assert (report.attempts, report.generation_requests) == (1, 4)
