"""manage.py create_merchandiser."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.users.models import User
from common.events.testing import published

pytestmark = pytest.mark.django_db


def _run(*args) -> list[str]:
    out = StringIO()
    call_command("create_merchandiser", *args, stdout=out)
    return out.getvalue().splitlines()


def test_create_merchandiser_creates_a_staff_user_in_the_group_and_prints_the_credentials():
    lines = _run("Demo@Cosmeticos.co", "--password", "demo-password-2026")
    assert lines == ["Merchandiser created (staff): email=demo@cosmeticos.co", "password=demo-password-2026"]
    user = User.objects.get()
    assert (user.email, user.is_staff, user.is_superuser, user.is_active) == ("demo@cosmeticos.co", True, False, True)
    assert list(user.groups.values_list("name", flat=True)) == ["Merchandiser"]
    assert user.check_password("demo-password-2026")
    [event] = published("accounts.user_access_changed")
    assert (event.payload["is_staff"], event.payload["groups"]) == (True, ["Merchandiser"])


def test_without_a_password_a_random_one_is_set_and_printed():
    lines = _run("mara@cosmeticos.co")
    password = lines[1].removeprefix("password=")
    assert len(password) >= 16
    assert User.objects.get().check_password(password)


def test_superuser_flag_makes_a_superuser():
    assert _run("root@cosmeticos.co", "--password", "p" * 12, "--superuser")[0] == (
        "Merchandiser created (superuser, staff): email=root@cosmeticos.co"
    )
    assert User.objects.get().is_superuser is True


def test_running_it_again_updates_the_user_and_announces_nothing_new():
    _run("demo@cosmeticos.co", "--password", "first-password-1")
    assert _run("demo@cosmeticos.co") == [
        "Merchandiser updated (staff): email=demo@cosmeticos.co",
        "password unchanged",
    ]
    assert User.objects.get().check_password("first-password-1")
    assert len(published("accounts.user_access_changed")) == 1


def test_an_existing_shopper_becomes_a_merchandiser(make_user):
    make_user(email="ana@example.com")
    _run("ana@example.com")
    user = User.objects.get()
    assert user.is_staff is True
    assert list(user.groups.values_list("name", flat=True)) == ["Merchandiser"]


def test_an_invalid_email_is_a_command_error():
    with pytest.raises(CommandError):
        _run("not-an-email")
    assert User.objects.count() == 0


def test_group_puts_the_staff_user_in_customer_support_instead():
    lines = _run("suporte@cosmeticos.co", "--password", "suporte-senha-2026", "--group", "Customer support")
    assert lines[0] == "Customer support created (staff): email=suporte@cosmeticos.co"
    assert list(User.objects.get().groups.values_list("name", flat=True)) == ["Customer support"]
    [event] = published("accounts.user_access_changed")
    assert event.payload["groups"] == ["Customer support"]


def test_an_unknown_group_is_refused():
    with pytest.raises(CommandError):
        _run("x@cosmeticos.co", "--group", "Admins")
    assert User.objects.count() == 0
