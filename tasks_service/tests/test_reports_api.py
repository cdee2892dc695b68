"""The staff-only reports API of the contract: list and CSV download; 401 without a token, 403 for
shoppers, 404 for an unknown report."""

from __future__ import annotations

from datetime import date

import pytest

from common.testing.tokens import auth_header
from tasks.reports.models import Report, ReportStatus
from tasks.reports.services.production import report_produce

pytestmark = pytest.mark.django_db

REPORTS = "/api/tasks/reports"
STAFF = auth_header(user_id=11, email="bia@cosmeticos.co", is_staff=True, groups=["Merchandiser"])


@pytest.fixture
def reports():
    older = report_produce(kind="sales", period_start=date(2026, 1, 14), period_end=date(2026, 1, 14))
    newer = report_produce(kind="low_stock", period_start=date(2026, 1, 12), period_end=date(2026, 1, 18))
    Report.objects.create(kind="sales", period_start=date(2026, 1, 15), period_end=date(2026, 1, 15))  # running
    return newer, older


def test_reports_list_needs_a_token(client, reports):
    response = client.get(REPORTS)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_reports_list_is_refused_to_shoppers(client, reports):
    response = client.get(REPORTS, **auth_header(user_id=7, email="ana@example.com"))
    assert response.status_code == 403
    assert response.json() == {"detail": "Só para a equipe.", "code": "permission_denied"}


def test_reports_list_shows_finished_reports_most_recent_first(client, reports):
    newer, older = reports

    response = client.get(REPORTS, **STAFF)

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": report.pk,
            "kind": report.kind,
            "period_start": report.period_start.isoformat(),
            "period_end": report.period_end.isoformat(),
            "created_at": report.created_at.isoformat(),
            "download_url": f"http://testserver/api/tasks/reports/{report.pk}/download",
        }
        for report in [newer, older]
    ]


def test_report_download_answers_the_csv(client, reports):
    _, older = reports

    response = client.get(f"{REPORTS}/{older.pk}/download", **STAFF)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="sales-2026-01-14-2026-01-14.csv"'
    assert b"".join(response.streaming_content).decode() == (
        "date,currency,orders,gross_revenue,refunds,refunded_amount,net_revenue,average_order_value\n"
        "2026-01-14,BRL,0,0.00,0,0.00,0.00,0.00\n"
        "total,BRL,0,0.00,0,0.00,0.00,0.00\n"
        "\n"
        "rank,sku,product,quantity,revenue\n"
    )


def test_report_download_is_refused_without_token_and_to_shoppers(client, reports):
    _, older = reports
    assert client.get(f"{REPORTS}/{older.pk}/download").status_code == 401
    assert client.get(f"{REPORTS}/{older.pk}/download", **auth_header(user_id=7)).status_code == 403


def test_unknown_or_unfinished_report_download_is_404(client, reports):
    running = Report.objects.get(status=ReportStatus.RUNNING)
    for report_id in [running.pk, 999_999]:
        response = client.get(f"{REPORTS}/{report_id}/download", **STAFF)
        assert response.status_code == 404
        assert response.json() == {"detail": "Relatório não encontrado.", "code": "report_not_found"}


def test_admin_download_serves_the_csv_to_staff_who_may_view_reports(client, reports, django_user_model):
    from django.contrib.auth.models import Group

    _, older = reports
    user = django_user_model.objects.create_user("bia@cosmeticos.co", "bia@cosmeticos.co", "x", is_staff=True)
    client.force_login(user)
    assert client.get(f"/admin/reports/report/{older.pk}/download/").status_code == 403

    user.groups.add(Group.objects.get(name="Merchandiser"))
    response = client.get(f"/admin/reports/report/{older.pk}/download/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"date,currency,orders")


def test_reports_list_query_count_does_not_grow_with_the_number_of_reports(client, django_assert_max_num_queries):
    for day in range(1, 21):
        report_produce(kind="sales", period_start=date(2026, 2, day), period_end=date(2026, 2, day))
    client.get(REPORTS, **STAFF)  # warms the known-user cache of the token check

    with django_assert_max_num_queries(1):
        response = client.get(REPORTS, **STAFF)

    assert len(response.json()) == 20
