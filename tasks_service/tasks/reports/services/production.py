"""Producing a report once per (kind, period): claim the row, build the CSV, store it, mail it.

Beat may fire twice (two Beat processes, a retry, a restart): the unique (kind, period) row is created
by exactly one caller, and a compare-and-set on ``claim_token`` decides who builds it. A claim older
than ``REPORT_CLAIM_LEASE_SECONDS`` (a crashed worker) or a failed report can be claimed again.

A report built before its period ended (today's, asked for by hand) is provisional: the next request
rebuilds it, and only a final report is mailed. Freezing the provisional one made the next morning's
"yesterday" report keep the morning's zeros.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from common.auth.groups import MERCHANDISER_GROUP
from common.auth.known_users import known_user_emails_in_group
from tasks.emails.models import EmailKind
from tasks.emails.services import email_log_record
from tasks.reports.csv_builders import BUILDERS
from tasks.reports.models import Report, ReportStatus
from tasks.reports.periods import period_closes_at

logger = logging.getLogger(__name__)


def report_claim(*, kind: str, period_start: date, period_end: date) -> tuple[Report, uuid.UUID | None]:
    """Create or take over the report row; the token is None when it is done or someone else holds it."""
    token, now = uuid.uuid4(), timezone.now()
    with transaction.atomic():
        report, created = Report.objects.get_or_create(
            kind=kind,
            period_start=period_start,
            period_end=period_end,
            defaults={"claim_token": token, "claimed_at": now, "attempts": 1, "generation_requests": 1},
        )
    if created:
        return report, token
    stale = now - timedelta(seconds=settings.REPORT_CLAIM_LEASE_SECONDS)
    closes_at = period_closes_at(start=period_start, end=period_end)
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(generation_requests=F("generation_requests") + 1)
        taken = Report.objects.filter(
            Q(status=ReportStatus.FAILED)
            | Q(status=ReportStatus.RUNNING, claimed_at__lt=stale)
            | Q(status=ReportStatus.DONE, completed_at__lt=closes_at),  # provisional: build it again
            pk=report.pk,
        ).update(status=ReportStatus.RUNNING, claim_token=token, claimed_at=now, attempts=F("attempts") + 1)
    report.refresh_from_db()
    return report, (token if taken else None)


def report_produce(*, kind: str, period_start: date, period_end: date) -> Report:
    """Produce the report of ``kind`` for the period unless it exists; return the row either way."""
    if kind not in BUILDERS:
        raise ValueError(f"unknown report kind {kind!r}; known: {', '.join(BUILDERS)}")
    report, token = report_claim(kind=kind, period_start=period_start, period_end=period_end)
    log_extra = {"report_id": report.pk, "kind": kind, "period_start": str(period_start)}
    if token is None:
        logger.info("report already produced or in progress", extra={**log_extra, "status": report.status})
        return report
    try:
        content, row_count = BUILDERS[kind](start=period_start, end=period_end)
    except Exception as exc:
        Report.objects.filter(pk=report.pk, claim_token=token).update(
            status=ReportStatus.FAILED, claim_token=None, last_error=repr(exc)[:2000]
        )
        logger.exception("report failed", extra=log_extra)
        raise
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.claim_token != token:
            logger.warning("report claim lost to another worker", extra=log_extra)
            return report
        if report.file:
            report.file.delete(save=False)  # a provisional build's CSV
        report.file.save(report.file_name, ContentFile(content.encode("utf-8")), save=False)
        report.status, report.row_count = ReportStatus.DONE, row_count
        report.claim_token, report.completed_at, report.last_error = None, timezone.now(), ""
        report.save()
        if report.is_final:
            report_email_merchandisers(report=report)
    logger.info("report produced", extra={**log_extra, "row_count": row_count})
    return report


def report_email_merchandisers(*, report: Report) -> int:
    """Mail the report (CSV attached) to every active member of the Merchandiser group, once each."""
    recipients = known_user_emails_in_group(group=MERCHANDISER_GROUP)
    for recipient in recipients:
        email_log_record(
            kind=EmailKind.REPORT_READY,
            dedup_key=str(report.uuid),
            recipient=recipient,
            report=report,
            context={
                "report_kind": report.kind,
                "period_start": report.period_start.isoformat(),
                "period_end": report.period_end.isoformat(),
                "file_name": report.file_name,
                "row_count": report.row_count,
            },
        )
    return len(recipients)


def report_delete_old(*, older_than: timedelta) -> int:
    """Delete reports (rows and CSV files) whose period ended before the retention window."""
    cutoff = timezone.localdate() - older_than
    count = 0
    for report in Report.objects.filter(period_end__lt=cutoff):
        with transaction.atomic():
            if report.file:
                report.file.delete(save=False)
            report.delete()
            count += 1
    return count
