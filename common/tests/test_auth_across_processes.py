"""Deactivation and a removed group reach every process of a service at once: another process applies
``accounts.user_access_changed`` and the very next check in this process sees it (real processes,
PostgreSQL and Redis). Before, a 30-second per-process cache kept accepting the deactivated user."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection

from common.auth.backends import shadow_user_sync
from common.auth.errors import UserInactive
from common.auth.known_users import known_user_apply
from common.auth.tokens import authenticate_access_token
from common.testing.tokens import issue_access_token

COMMON_DIR = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.django_db(transaction=True)

MARA = {"user_id": 7, "email": "mara@cosmeticos.co", "full_name": "Mara Dias", "is_staff": True}


def _apply_in_another_process(**changes) -> None:
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "COMMONTEST_DATABASE_URL": url,
        "KNOWN_USER_CACHE_PREFIX": django_settings.KNOWN_USER_CACHE_PREFIX,
        "PYTHONPATH": str(COMMON_DIR),
    }
    fields = {**MARA, "is_active": True, "groups": ["Merchandiser"], **changes}
    result = subprocess.run(
        [sys.executable, "-m", "tests.auth_apply_change", json.dumps(fields)],
        cwd=COMMON_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and "applied" in result.stdout, result.stderr[-2000:]


@pytest.fixture
def mara_known_and_checked_here(postgresql, redis_url) -> str:
    """Mara is known active in the Merchandiser group, and this process has just checked her token."""
    known_user_apply(**MARA, is_active=True, groups=["Merchandiser"], changed_at=datetime(2026, 1, 1, tzinfo=UTC))
    token = issue_access_token(user_id=7, email=MARA["email"], is_staff=True, groups=("Merchandiser",))
    assert authenticate_access_token(token).groups == ("Merchandiser",)
    return token


def test_a_user_deactivated_in_another_process_is_refused_here_at_once(mara_known_and_checked_here):
    _apply_in_another_process(is_active=False)
    with pytest.raises(UserInactive):
        authenticate_access_token(mara_known_and_checked_here)


def test_a_group_removed_in_another_process_is_gone_here_at_once(mara_known_and_checked_here):
    shadow_user_sync(email=MARA["email"], is_staff=True, is_superuser=False, groups=("Merchandiser",))
    _apply_in_another_process(groups=[])
    assert authenticate_access_token(mara_known_and_checked_here).groups == ()
    shadow = get_user_model().objects.get(username=MARA["email"])
    assert list(shadow.groups.values_list("name", flat=True)) == []
