"""Celery tasks of the scheduling app: housekeeping."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings

from tasks.emails.services import email_log_delete_old
from tasks.reports.services.production import report_delete_old

logger = logging.getLogger(__name__)


@shared_task(name="tasks.scheduling.housekeeping", autoretry_for=(Exception,), retry_backoff=60, max_retries=3)
def housekeeping_task() -> dict[str, int]:
    """Delete reports (rows and files) and sent email logs older than their retention periods."""
    result = {
        "reports_deleted": report_delete_old(older_than=timedelta(days=settings.REPORT_RETENTION_DAYS)),
        "email_logs_deleted": email_log_delete_old(older_than=timedelta(days=settings.EMAIL_LOG_RETENTION_DAYS)),
    }
    logger.info("housekeeping done", extra=result)
    return result
