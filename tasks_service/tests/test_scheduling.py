"""Default Beat schedules (created once, then owned by the admin), the Merchandiser group's rights,
and housekeeping."""

from __future__ import annotations

import io
import os
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from tasks.emails.models import EmailLog, EmailStatus
from tasks.reports.models import Report
from tasks.reports.services.production import report_produce
from tasks.scheduling.tasks import housekeeping_task

pytestmark = pytest.mark.django_db


def test_migrations_create_the_default_schedules_in_sao_paulo_time():
    schedules = {
        task.name: (task.task, task.kwargs, str(task.crontab.minute), str(task.crontab.hour), task.crontab.day_of_week)
        for task in PeriodicTask.objects.filter(crontab__isnull=False).select_related("crontab")
    }
    assert schedules == {
        "Daily sales report": ("tasks.reports.produce", '{"kind": "sales"}', "0", "6", "*"),
        "Weekly low-stock report": ("tasks.reports.produce", '{"kind": "low_stock"}', "0", "7", "1"),
        "Daily search analytics report": ("tasks.reports.produce", '{"kind": "search_analytics"}', "30", "6", "*"),
        "Daily expiring-lots report": ("tasks.reports.produce", '{"kind": "expiring_lots"}', "15", "7", "*"),
        "Housekeeping": ("tasks.scheduling.housekeeping", "{}", "15", "3", "*"),
        "Reconcile stock levels": ("tasks.reports.reconcile_stock", "{}", "40", "*", "*"),
    }
    assert {str(c.timezone) for c in CrontabSchedule.objects.all()} == {"America/Sao_Paulo"}
    stalled = PeriodicTask.objects.get(name="Resend stalled emails")
    assert (stalled.task, stalled.interval.every, stalled.interval.period) == (
        "tasks.emails.requeue_stalled",
        10,
        "minutes",
    )


def test_setup_periodic_tasks_is_idempotent_and_keeps_admin_edits():
    sales = PeriodicTask.objects.get(name="Daily sales report")
    sales.crontab = CrontabSchedule.objects.create(minute="30", hour="5", timezone="America/Sao_Paulo")
    sales.save()
    PeriodicTask.objects.filter(name="Housekeeping").delete()
    before = PeriodicTask.objects.count()

    out = io.StringIO()
    call_command("setup_periodic_tasks", stdout=out)
    call_command("setup_periodic_tasks", stdout=io.StringIO())

    assert PeriodicTask.objects.count() == before + 1
    assert PeriodicTask.objects.filter(name="Housekeeping").count() == 1
    sales.refresh_from_db()
    assert (sales.crontab.minute, sales.crontab.hour) == ("30", "5")
    assert "Housekeeping: created" in out.getvalue()
    assert "Daily sales report: exists (left as edited)" in out.getvalue()


def test_merchandisers_may_edit_schedules_and_view_reports_but_not_emails(django_user_model):
    user = django_user_model.objects.create_user("bia@cosmeticos.co", "bia@cosmeticos.co", "x", is_staff=True)
    user.groups.add(Group.objects.get(name="Merchandiser"))

    assert user.has_perm("django_celery_beat.change_periodictask")
    assert user.has_perm("django_celery_beat.add_crontabschedule")
    assert user.has_perm("reports.view_report")
    assert not user.has_perm("reports.change_report")
    assert not user.has_perm("emails.view_emaillog")


def test_merchandiser_edits_a_schedule_in_the_admin(client, django_user_model):
    user = django_user_model.objects.create_user("bia@cosmeticos.co", "bia@cosmeticos.co", "x", is_staff=True)
    user.groups.add(Group.objects.get(name="Merchandiser"))
    client.force_login(user)
    task = PeriodicTask.objects.get(name="Daily sales report")

    response = client.get(f"/admin/django_celery_beat/periodictask/{task.pk}/change/")

    assert response.status_code == 200
    assert b"Daily sales report" in response.content


def test_housekeeping_deletes_reports_and_sent_emails_past_retention(settings):
    old = report_produce(kind="sales", period_start=date(2020, 1, 1), period_end=date(2020, 1, 1))
    old_path = old.file.path
    recent_day = timezone.localdate() - timedelta(days=1)
    recent = report_produce(kind="sales", period_start=recent_day, period_end=recent_day)
    old_sent = EmailLog.objects.create(
        kind="welcome", dedup_key="user:1", recipient="a@example.com", status=EmailStatus.SENT
    )
    old_failed = EmailLog.objects.create(
        kind="welcome", dedup_key="user:2", recipient="b@example.com", status=EmailStatus.FAILED
    )
    fresh_sent = EmailLog.objects.create(
        kind="welcome", dedup_key="user:3", recipient="c@example.com", status=EmailStatus.SENT
    )
    EmailLog.objects.filter(pk__in=[old_sent.pk, old_failed.pk]).update(created_at=timezone.now() - timedelta(days=400))

    result = housekeeping_task.delay().get()

    assert result == {"reports_deleted": 1, "email_logs_deleted": 1}
    assert list(Report.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not os.path.exists(old_path)
    assert sorted(EmailLog.objects.values_list("pk", flat=True)) == sorted([old_failed.pk, fresh_sent.pk])


def test_a_new_crontab_in_the_admin_starts_in_sao_paulo_time(admin_client):
    page = admin_client.get("/admin/django_celery_beat/crontabschedule/add/")
    assert page.status_code == 200
    assert '<option value="America/Sao_Paulo" selected>' in page.content.decode()
