"""Roles in the tasks admin: merchandisers and customer support see only their tables; the plumbing
(event inbox/outbox, dead letters, known users) is for superusers, even if a group was given its rights."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from common.auth.groups import CUSTOMER_SUPPORT_GROUP, MERCHANDISER_GROUP

pytestmark = pytest.mark.django_db

PLUMBING = [
    "/admin/outbox/outboxmessage/",
    "/admin/inbox/processedevent/",
    "/admin/inbox/deadletter/",
    "/admin/common_auth/knownuser/",
]


def staff_in(django_user_model, group: str):
    user = django_user_model.objects.create_user(f"{group[:4].lower()}@cosmeticos.co", "", "x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_a_merchandiser_sees_reports_schedules_and_read_models_not_emails_or_plumbing(client, django_user_model):
    user = staff_in(django_user_model, MERCHANDISER_GROUP)
    # Even a permission granted by mistake does not open the plumbing.
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_outboxmessage", "view_deadletter"]))
    client.force_login(user)

    index = client.get("/admin/").content.decode()
    for allowed in ["/admin/reports/report/", "/admin/reports/stocklevel/", "/admin/django_celery_beat/"]:
        assert allowed in index
    for hidden in [*PLUMBING, "/admin/emails/emaillog/"]:
        assert hidden not in index
        assert client.get(hidden).status_code == 403
    assert client.get("/admin/reports/stocklevel/").status_code == 200


def test_support_sees_the_email_log_only(client, django_user_model):
    client.force_login(staff_in(django_user_model, CUSTOMER_SUPPORT_GROUP))

    assert client.get("/admin/emails/emaillog/").status_code == 200
    for hidden in [*PLUMBING, "/admin/reports/report/", "/admin/django_celery_beat/periodictask/"]:
        assert client.get(hidden).status_code == 403


def test_a_superuser_sees_the_plumbing(admin_client):
    assert [admin_client.get(url).status_code for url in PLUMBING] == [200] * len(PLUMBING)


def test_the_stock_levels_list_is_emptiest_first_and_offers_no_delete(admin_client):
    from datetime import UTC, datetime

    from tasks.reports.models import StockLevel

    at = datetime(2026, 1, 10, tzinfo=UTC)
    for sku, available in [("B", 5), ("A", 9), ("C", 0)]:
        StockLevel.objects.create(
            sku=sku, product_name=sku, on_hand=available, available=available, low_stock_threshold=5, changed_at=at
        )
    page = admin_client.get("/admin/reports/stocklevel/")
    assert [row.sku for row in page.context["cl"].result_list] == ["C", "B", "A"]
    assert "delete_selected" not in page.content.decode()
