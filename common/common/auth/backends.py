"""Admin single sign-on: other services' admins log in with an accounts email and password.

``AccountsBackend`` posts the credentials to accounts' token endpoint, verifies the access token it
gets back (JWKS, like any API call) and keeps a local shadow user: username = email, ``is_staff`` and
``is_superuser`` from the token, local groups named like the token's ``groups`` claim, no usable local
password. Add to a service's settings::

    AUTHENTICATION_BACKENDS = ["common.auth.backends.AccountsBackend"]
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from common.api import ApiError
from common.auth.tokens import decode_access_token, token_user_from_claims
from common.http import http_client
from common.ratelimit import client_address

logger = logging.getLogger(__name__)


def token_endpoint_url() -> str:
    return f"{settings.ACCOUNTS_URL.rstrip('/')}/api/accounts/token"


def request_tokens(*, email: str, password: str, client_address: str | None = None) -> httpx.Response:
    """POST the credentials to accounts (bounded timeout). A seam for tests.

    The admin user's own address goes along in ``X-Forwarded-For``, so accounts (with
    ``TRUSTED_PROXY_HEADER`` set) locks out and rate-limits that person, not this whole service.
    """
    headers = {"X-Forwarded-For": client_address} if client_address else {}
    return http_client().post(
        token_endpoint_url(),
        json={"email": email, "password": password},
        headers=headers,
        timeout=getattr(settings, "ACCOUNTS_TIMEOUT_SECONDS", 5.0),
    )


class AccountsBackend(ModelBackend):
    """Authenticate against accounts; permissions then come from the local groups (``ModelBackend``)."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ):
        email = (username or kwargs.get("email") or "").strip().lower()
        if not email or not password:
            return None
        try:
            address = client_address(request) if request is not None else None
            response = request_tokens(email=email, password=password, client_address=address)
        except httpx.HTTPError as exc:
            logger.warning("accounts unreachable for admin login", extra={"error": str(exc)})
            return None
        if response.status_code == 429:
            raise PermissionDenied(_("Too many failed logins; try again later."))
        if response.status_code != 200:
            return None
        try:
            claims = decode_access_token(response.json()["access"])
            token_user = token_user_from_claims(claims)
        except (ApiError, KeyError, ValueError):
            logger.warning("accounts returned a token this service cannot verify")
            return None
        return shadow_user_sync(
            email=token_user.email or email,
            is_staff=token_user.is_staff,
            is_superuser=claims.get("is_superuser") is True,
            groups=token_user.groups,
        )


def shadow_user_sync(*, email: str, is_staff: bool, is_superuser: bool, groups: tuple[str, ...]):
    """Create or update the local user mirroring an accounts user (never with a usable password)."""
    user_model = get_user_model()
    username_field = user_model.USERNAME_FIELD
    with transaction.atomic():
        user, _created = user_model.objects.get_or_create(**{username_field: email})
        if hasattr(user, "email"):
            user.email = email
        user.is_staff = is_staff
        user.is_superuser = is_superuser
        user.is_active = True
        user.set_unusable_password()
        user.save()
        local_groups = [Group.objects.get_or_create(name=name)[0] for name in sorted(set(groups))]
        user.groups.set(local_groups)
    return user


def shadow_user_access_apply(*, email: str, is_active: bool, is_staff: bool, groups: list[str] | None = None) -> int:
    """Mirror accounts' active/staff flags and groups on the local shadow user, if any (only users without
    a usable local password are shadows); returns how many rows changed. A deactivated user's admin
    session ends; a removed group's permissions are gone on the admin's next request.
    """
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

    user_model = get_user_model()
    shadows = user_model.objects.filter(
        **{user_model.USERNAME_FIELD: email.strip().lower()}, password__startswith=UNUSABLE_PASSWORD_PREFIX
    )
    changes = {"is_active": is_active, "is_staff": is_staff}
    if not is_staff:
        changes["is_superuser"] = False
    with transaction.atomic():
        changed = shadows.update(**changes)
        if groups is not None:
            local_groups = [Group.objects.get_or_create(name=name)[0] for name in sorted(set(groups))]
            for shadow in shadows:
                shadow.groups.set(local_groups)
    return changed
