"""Celery tasks of the email app: send one logged email, with bounded retries and backoff."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.template import TemplateDoesNotExist, TemplateSyntaxError

from tasks.emails.services import EMAIL_SEND_TASK, email_requeue_stalled, email_send


@shared_task(
    name=EMAIL_SEND_TASK,
    autoretry_for=(Exception,),
    dont_autoretry_for=(TemplateDoesNotExist, TemplateSyntaxError),  # a broken template stays broken
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def email_send_task(email_log_id: int) -> bool:
    """Send the logged email once (the claim in ``email_send`` makes a duplicate message a no-op)."""
    return email_send(email_log_id=email_log_id)


@shared_task(name="tasks.emails.requeue_stalled")
def email_requeue_stalled_task() -> int:
    """Re-enqueue emails pending for over 10 minutes or abandoned mid-send (Beat runs it every 10 minutes)."""
    return email_requeue_stalled(older_than=timedelta(minutes=10))
