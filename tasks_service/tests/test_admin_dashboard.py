"""The tasks admin's home (last reports, failed emails, a 30-day sales chart from the sales read model)
and running a report for any period from the admin."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from common.auth.groups import MERCHANDISER_GROUP
from common.events.testing import deliver
from config.event_handlers import HANDLERS
from tasks.emails.models import EmailLog, EmailStatus
from tasks.reports.dashboard import last_days_sales
from tasks.reports.models import Report
from tasks.reports.periods import local_today
from tests.conftest import order_paid

pytestmark = pytest.mark.django_db


def paid_on(number: str, day, price: str):
    at = datetime.combine(day, time(14, 0), tzinfo=timezone.get_default_timezone())
    deliver(order_paid(number, lines=[("SKU-1", "Batom", 1, price)], shipping="0.00", paid_at=at), handlers=HANDLERS)


@pytest.fixture
def merchandiser_client(client, django_user_model):
    user = django_user_model.objects.create_user("bia@cosmeticos.co", "", "x", is_staff=True)
    user.groups.add(Group.objects.get(name=MERCHANDISER_GROUP))
    client.force_login(user)
    return client


def test_the_home_shows_30_days_of_sales_as_an_svg_chart_and_the_last_reports(merchandiser_client):
    today = local_today()
    paid_on("CO-1", today, "1234.50")
    paid_on("CO-2", today - timedelta(days=3), "100.00")
    paid_on("CO-3", today - timedelta(days=40), "999.00")  # outside the 30 days

    series = last_days_sales()
    assert len(series) == 30 and series[-1].day == today
    assert [(d.orders, str(d.net)) for d in series if d.orders] == [(1, "100.00"), (1, "1234.50")]

    page = merchandiser_client.get("/admin/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Vendas dos últimos 30 dias: R$ 1.334,50 (2 pedidos)" in html
    assert "<svg" in html and html.count("<rect") == 30
    assert f"{today:%d/%m}: R$ 1.234,50 (1 pedido)" in html
    assert "E-mails com falha" not in html  # merchandisers do not see the email log


def test_failed_emails_show_on_the_home_of_who_may_see_them(admin_client):
    EmailLog.objects.create(kind="welcome", dedup_key="user:1", recipient="ana@example.com", status=EmailStatus.FAILED)
    html = admin_client.get("/admin/").content.decode()
    assert "E-mails com falha: 1" in html and "ana@example.com" in html


def test_a_merchandiser_runs_a_report_for_any_period(merchandiser_client):
    today = local_today()
    paid_on("CO-1", today - timedelta(days=10), "50.00")
    start, end = today - timedelta(days=14), today - timedelta(days=8)

    form = merchandiser_client.get("/admin/reports/report/run/")
    assert form.status_code == 200 and "Gerar relatório de um período" in form.content.decode()
    answer = merchandiser_client.post(
        "/admin/reports/report/run/", {"kind": "sales", "start": start.isoformat(), "end": end.isoformat()}
    )

    report = Report.objects.get()
    assert answer.status_code == 302 and answer["Location"].endswith(f"/admin/reports/report/{report.pk}/change/")
    assert (report.period_start, report.period_end, report.is_final) == (start, end, True)
    with report.file.open("rb") as csv_file:
        assert b"total,BRL,1,50.00" in csv_file.read()


def test_a_reversed_period_is_refused_in_portuguese(merchandiser_client):
    answer = merchandiser_client.post(
        "/admin/reports/report/run/", {"kind": "sales", "start": "2026-01-15", "end": "2026-01-10"}
    )
    assert answer.status_code == 200
    assert "A data final não pode ser anterior à inicial." in answer.content.decode()
    assert not Report.objects.exists()
