"""Real Celery processes against real Redis: a worker runs a task the test published and the test sees
its effect; two Beat processes (django-celery-beat's database scheduler) fire the same due schedule
and the report is produced once."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks

from common.observability.context import bound_ids
from tasks.emails.models import EmailKind, EmailLog, EmailStatus
from tasks.emails.tasks import email_send_task
from tasks.reports.models import Report, ReportStatus
from tests.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_real_worker_sends_the_email_and_logs_the_correlation_id(celery_processes):
    log = EmailLog.objects.create(
        kind=EmailKind.ORDER_SHIPPED,
        dedup_key="CO-3001",
        recipient="ana@example.com",
        context={"order_number": "CO-3001", "tracking_code": "BR999"},
    )
    celery_processes.worker()

    with bound_ids(correlation_id="corr-3001"):
        celery_processes.broker.publish(email_send_task, args=[log.pk])
        celery_processes.broker.publish(email_send_task, args=[log.pk])  # a duplicated message

    wait_until(lambda: EmailLog.objects.filter(pk=log.pk, status=EmailStatus.SENT).exists())
    wait_until(lambda: celery_processes.log("worker").count("tasks.emails.send") >= 4)  # 2 received, 2 done
    log.refresh_from_db()
    assert (log.status, log.attempts) == (EmailStatus.SENT, 1)
    mail_files = list(celery_processes.mail_dir.glob("*.log"))
    assert len(mail_files) == 1
    assert "Subject: Pedido CO-3001 enviado" in mail_files[0].read_text()
    worker_lines = [json.loads(line) for line in celery_processes.log("worker").splitlines() if line.startswith("{")]
    sent = [line for line in worker_lines if line.get("message") == "email sent"]
    assert [(line["email_log_id"], line["correlation_id"]) for line in sent] == [(log.pk, "corr-3001")]


def test_two_beat_processes_firing_the_same_schedule_produce_the_report_once(celery_processes):
    """As in production, each Beat holds the schedule in memory and fires it when it comes due.

    The schedule is created once both Beats run; each reloads it (the change is announced), and it comes
    due a few seconds later in both, like the 06:00 sales report would.
    """
    PeriodicTask.objects.update(enabled=False)
    PeriodicTasks.update_changed()  # Beat notices changes only against a timestamp it read at start
    celery_processes.beat("beat-a")
    celery_processes.beat("beat-b")
    celery_processes.worker()
    for beat in ("beat-a", "beat-b"):
        wait_until(lambda beat=beat: "beat: Starting..." in celery_processes.log(beat))

    every_hour, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.HOURS)
    PeriodicTask.objects.create(
        name="Sales report due shortly",
        task="tasks.reports.produce",
        kwargs=json.dumps({"kind": "sales", "date_iso": "2026-01-15"}),
        interval=every_hour,
        queue=celery_processes.broker.queue,
        last_run_at=timezone.now() - timedelta(hours=1) + timedelta(seconds=8),
    )
    PeriodicTasks.update_changed()

    # Both Beats fired (two requests reached the report row); one produced it.
    wait_until(lambda: Report.objects.filter(generation_requests=2, status=ReportStatus.DONE).exists())
    report = Report.objects.get()
    assert (report.kind, report.period_start, report.period_end) == ("sales", date(2026, 1, 15), date(2026, 1, 15))
    assert (report.attempts, report.generation_requests) == (1, 2)
    for beat in ("beat-a", "beat-b"):
        assert "Sending due task Sales report due shortly (tasks.reports.produce)" in celery_processes.log(beat)
    assert len(list((celery_processes.tmp_path / "media" / "reports").rglob("*.csv"))) == 1
