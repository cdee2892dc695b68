"""Run as its own process by test_auth_across_processes: apply one ``accounts.user_access_changed`` the
way this service's consumer does (``python -m tests.auth_apply_change '<json fields>'``)."""

from __future__ import annotations

import json
import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    from django.conf import settings

    from common.auth.handlers import user_access_changed
    from common.events.contracts.accounts import UserAccessChanged
    from common.events.testing import deliver

    settings.KNOWN_USER_CACHE_PREFIX = os.environ["KNOWN_USER_CACHE_PREFIX"]
    event = UserAccessChanged(**json.loads(sys.argv[1]))
    assert deliver(event, handlers={"accounts.user_access_changed": user_access_changed})
    print("applied")


if __name__ == "__main__":
    main()
