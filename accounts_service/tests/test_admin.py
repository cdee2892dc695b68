"""The users admin: search by email, filters, deactivate and log-out-everywhere actions, announced changes."""

import pytest
from django.contrib.auth.models import Group
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.tokens.services import tokens_for_user
from accounts.users.models import User
from common.events.testing import published

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    admin = make_user(email="root@cosmeticos.co", full_name="Root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def _listed(response) -> list[str]:
    return [user.email for user in response.context["cl"].result_list]


def test_users_are_searchable_by_email(admin_client, make_user):
    make_user(email="ana@example.com")
    make_user(email="bia@example.com")
    response = admin_client.get("/admin/users/user/?q=bia@")
    assert response.status_code == 200
    assert _listed(response) == ["bia@example.com"]


def test_users_filter_by_staff_active_and_group(admin_client, make_user):
    make_user(email="ana@example.com")
    make_user(email="old@example.com", is_active=False)
    mara = make_user(email="mara@example.com", is_staff=True)
    mara.groups.add(Group.objects.get(name="Merchandiser"))
    assert _listed(admin_client.get("/admin/users/user/?is_staff__exact=1")) == [
        "mara@example.com",
        "root@cosmeticos.co",
    ]
    assert _listed(admin_client.get("/admin/users/user/?is_active__exact=0")) == ["old@example.com"]
    group = Group.objects.get(name="Merchandiser")
    assert _listed(admin_client.get(f"/admin/users/user/?groups__id__exact={group.pk}")) == ["mara@example.com"]


def test_deactivate_action_deactivates_logs_out_and_announces(admin_client, make_user):
    ana = make_user(email="ana@example.com")
    tokens_for_user(user=ana)
    response = admin_client.post(
        "/admin/users/user/", {"action": "deactivate_users", "_selected_action": [ana.pk]}, follow=True
    )
    assert response.status_code == 200
    ana.refresh_from_db()
    assert ana.is_active is False
    assert BlacklistedToken.objects.filter(token__user=ana).count() == 1
    [event] = published("accounts.user_access_changed")
    assert event.payload == {
        "user_id": ana.pk,
        "email": "ana@example.com",
        "full_name": "Ana Souza",
        "is_active": False,
        "is_staff": False,
        "groups": [],
    }


def test_deactivating_an_inactive_user_announces_nothing(admin_client, make_user):
    old = make_user(email="old@example.com", is_active=False)
    admin_client.post("/admin/users/user/", {"action": "deactivate_users", "_selected_action": [old.pk]})
    assert published() == []


def test_log_out_everywhere_action_blacklists_every_refresh_token(admin_client, make_user):
    ana = make_user(email="ana@example.com")
    tokens_for_user(user=ana)
    tokens_for_user(user=ana)
    admin_client.post("/admin/users/user/", {"action": "log_out_everywhere", "_selected_action": [ana.pk]})
    assert BlacklistedToken.objects.filter(token__user=ana).count() == 2
    assert User.objects.get(pk=ana.pk).is_active is True


def _change_form(user: User, **changes) -> dict:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "groups": [],
        "user_permissions": [],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_granting_staff_and_a_group_in_the_admin_announces_the_new_access(admin_client, make_user):
    ana = make_user(email="ana@example.com")
    group = Group.objects.get(name="Customer support")
    response = admin_client.post(
        f"/admin/users/user/{ana.pk}/change/", _change_form(ana, is_staff="on", groups=[group.pk])
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    [event] = published("accounts.user_access_changed")
    assert (event.payload["is_staff"], event.payload["groups"]) == (True, ["Customer support"])


def test_saving_a_user_without_access_changes_announces_nothing(admin_client, make_user):
    ana = make_user(email="ana@example.com")
    response = admin_client.post(f"/admin/users/user/{ana.pk}/change/", _change_form(ana))
    assert response.status_code == 302
    assert published() == []


def test_the_staff_groups_exist_after_migrations():
    assert sorted(Group.objects.values_list("name", flat=True)) == ["Customer support", "Merchandiser"]
