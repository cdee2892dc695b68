"""Writes of the email log: record an email once, claim it, send it, resend it."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import signature
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from common.observability.context import current_correlation_id
from common.sealing import unsealed
from config.celery import CORRELATION_HEADER
from tasks.emails.models import EmailLog, EmailStatus
from tasks.emails.rendering import render_email

logger = logging.getLogger(__name__)


def email_log_record(
    *,
    kind: str,
    dedup_key: str,
    recipient: str,
    context: dict[str, Any],
    event_id=None,
    report=None,
    language: str | None = None,
) -> tuple[EmailLog, bool]:
    """Record an email to send and schedule its send after commit; a second call with the same
    (kind, dedup_key, recipient) returns the first row and schedules nothing."""
    with transaction.atomic():
        email_log, created = EmailLog.objects.get_or_create(
            kind=kind,
            dedup_key=dedup_key,
            recipient=recipient.strip().lower(),
            defaults={
                "context": context,
                "event_id": event_id,
                "report": report,
                "language": language or settings.EMAIL_DEFAULT_LANGUAGE,
                "correlation_id": current_correlation_id() or "",
            },
        )
        if created:
            email_log_enqueue_on_commit(email_log=email_log)
    return email_log, created


#: The Celery name of ``tasks.emails.tasks.email_send_task``.
EMAIL_SEND_TASK = "tasks.emails.send"


def email_log_enqueue_on_commit(*, email_log: EmailLog) -> None:
    """Hand the send to a Celery worker once the row is committed (robust: a broker outage only logs;
    housekeeping re-enqueues rows left pending)."""
    email_log_id, correlation_id = email_log.pk, email_log.correlation_id

    def enqueue() -> None:
        # By name: the task module imports this one (registered at start-up by EmailsConfig.ready).
        headers = {CORRELATION_HEADER: correlation_id} if correlation_id else {}
        signature(EMAIL_SEND_TASK, args=[email_log_id]).apply_async(headers=headers)

    transaction.on_commit(enqueue, robust=True)


def email_log_claim(*, email_log_id: int) -> bool:
    """Take the right to send: pending or failed rows, or a send abandoned past its lease. Atomic."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.EMAIL_SEND_LEASE_SECONDS)
    claimable = Q(status__in=[EmailStatus.PENDING, EmailStatus.FAILED]) | Q(
        status=EmailStatus.SENDING, claimed_at__lt=stale
    )
    updated = EmailLog.objects.filter(claimable, pk=email_log_id).update(
        status=EmailStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now, last_error=""
    )
    return updated == 1


def email_send(*, email_log_id: int) -> bool:
    """Send one logged email unless it is sent or being sent; True when this call sent it.

    Raises the mail backend's error after recording it (status failed), so the Celery task retries.
    """
    if not email_log_claim(email_log_id=email_log_id):
        logger.info("email already sent or being sent", extra={"email_log_id": email_log_id})
        return False
    email_log = EmailLog.objects.select_related("report").get(pk=email_log_id)
    try:
        context = unsealed(email_log.context)  # a sealed link is opened here, for this render only
        rendered = render_email(kind=email_log.kind, language=email_log.language, context=context)
        message = EmailMultiAlternatives(
            subject=rendered.subject,
            body=rendered.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email_log.recipient],
            headers={"X-Email-Log-Id": str(email_log.pk), "X-Correlation-Id": email_log.correlation_id or ""},
        )
        message.attach_alternative(rendered.html, "text/html")
        if email_log.report is not None and email_log.report.file:
            with email_log.report.file.open("rb") as csv_file:
                message.attach(email_log.report.file_name, csv_file.read(), "text/csv")
        message.send(fail_silently=False)
    except Exception as exc:
        EmailLog.objects.filter(pk=email_log_id).update(status=EmailStatus.FAILED, last_error=repr(exc)[:2000])
        logger.warning("email send failed", extra={"email_log_id": email_log_id, "error": repr(exc)})
        raise
    EmailLog.objects.filter(pk=email_log_id).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), subject=rendered.subject[:255]
    )
    logger.info("email sent", extra={"email_log_id": email_log_id, "kind": email_log.kind})
    return True


def email_resend(*, email_log: EmailLog) -> bool:
    """Send a logged email again (admin action): back to pending, handed to a worker after commit.

    An email a worker is sending right now is left alone (False), so a resend never doubles a send.
    """
    with transaction.atomic():
        updated = EmailLog.objects.filter(
            pk=email_log.pk, status__in=[EmailStatus.SENT, EmailStatus.FAILED, EmailStatus.PENDING]
        ).update(status=EmailStatus.PENDING, claimed_at=None)
        if updated:
            email_log_enqueue_on_commit(email_log=email_log)
    return bool(updated)


def email_requeue_stalled(*, older_than: timedelta) -> int:
    """Re-enqueue emails left pending (lost enqueue) or sending past the lease (crashed worker)."""
    now = timezone.now()
    stale_claim = now - timedelta(seconds=settings.EMAIL_SEND_LEASE_SECONDS)
    stalled = EmailLog.objects.filter(
        Q(status=EmailStatus.PENDING, created_at__lt=now - older_than)
        | Q(status=EmailStatus.SENDING, claimed_at__lt=stale_claim)
    )
    count = 0
    with transaction.atomic():
        for email_log in stalled.only("pk", "correlation_id"):
            email_log_enqueue_on_commit(email_log=email_log)
            count += 1
    return count


def email_log_delete_old(*, older_than: timedelta) -> int:
    """Delete sent email logs older than the retention period (housekeeping)."""
    deleted, _ = EmailLog.objects.filter(status=EmailStatus.SENT, created_at__lt=timezone.now() - older_than).delete()
    return deleted
