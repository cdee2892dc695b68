"""Celery tasks of the reports app: produce one report (fired by Beat or by hand); reconcile stock levels."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import date

from celery import shared_task
from django.core.exceptions import ImproperlyConfigured

from tasks.reports.catalog_client import CatalogUnavailable, stock_level_pages
from tasks.reports.periods import report_period
from tasks.reports.services.production import report_produce
from tasks.reports.services.read_models import stock_levels_reconcile

logger = logging.getLogger(__name__)


@shared_task(
    name="tasks.reports.produce",
    autoretry_for=(Exception,),
    dont_autoretry_for=(ValueError, ImproperlyConfigured),  # retrying will not fix these
    retry_backoff=30,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=3,
)
def report_produce_task(kind: str, date_iso: str | None = None) -> int:
    """Produce the ``kind`` report for the period containing ``date_iso`` (default: yesterday, local).

    Safe to run twice: the second run finds the report and does nothing. Returns the report id.
    """
    day = date.fromisoformat(date_iso) if date_iso else None
    period_start, period_end = report_period(kind=kind, day=day)
    return report_produce(kind=kind, period_start=period_start, period_end=period_end).pk


@shared_task(
    name="tasks.reports.reconcile_stock",
    autoretry_for=(CatalogUnavailable,),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=3,
)
def stock_levels_reconcile_task() -> dict:
    """Backfill and repair the low-stock read model from catalog (Beat, hourly, and once when Beat starts)."""
    result = stock_levels_reconcile(pages=stock_level_pages())
    logger.info("stock levels reconciled", extra={"reconciliation": asdict(result)})  # "created" is a LogRecord field
    return asdict(result)
