"""Issuing, rotating and revoking tokens. Refresh tokens are single-use: a row lock makes it so; a used
one presented again revokes its whole family (every token rotated from the same login)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.http import HttpRequest
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.tokens.errors import InvalidCredentials, InvalidRefreshToken, LockedOut
from accounts.tokens.models import RevokedTokenFamily
from accounts.tokens.signing import FAMILY_CLAIM, AccountsRefreshToken
from accounts.users.models import User, normalize_email
from accounts.users.selectors import user_group_names

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str


def tokens_for_user(*, user: User, family: str | None = None) -> TokenPair:
    """A new refresh token (recorded as outstanding) and its access token with the user's claims.

    ``family`` is kept across rotations; a login starts a new one.
    """
    refresh = AccountsRefreshToken.for_user(user)
    refresh[FAMILY_CLAIM] = family or uuid.uuid4().hex
    access = refresh.access_token
    access["email"] = user.email
    access["is_staff"] = user.is_staff
    access["is_superuser"] = user.is_superuser
    access["groups"] = user_group_names(user=user)
    return TokenPair(access=str(access), refresh=str(refresh))


def token_obtain(*, request: HttpRequest, email: str, password: str) -> TokenPair:
    """Check the credentials (through django-axes, which counts failures) and issue a token pair."""
    user = authenticate(request, username=normalize_email(email), password=password)
    if getattr(request, "axes_locked_out", False):
        raise LockedOut()
    if user is None:
        raise InvalidCredentials()
    # As a session login would: records last_login, and django-axes clears the account's failures.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return tokens_for_user(user=user)


def _decode_refresh(raw: str) -> AccountsRefreshToken:
    try:
        # verify=False skips simplejwt's claim checks and blacklist query (the lock below decides);
        # the signature is still checked by KeyRingTokenBackend.
        token = AccountsRefreshToken(raw, verify=False)
        token.check_exp()
        token.verify_token_type()
    except TokenError:
        raise InvalidRefreshToken()
    return token


def token_refresh(*, refresh: str) -> TokenPair:
    """Rotate: blacklist the presented refresh token and issue a new pair in the same family.

    The outstanding-token row is locked first, so of two concurrent refreshes with the same token the
    second waits, then finds it blacklisted and fails: a refresh token works at most once. A used token
    presented again is theft (or a replay): the whole family is revoked, the holder of the newest
    descendant included, and everybody logs in again.
    """
    token = _decode_refresh(refresh)
    jti, family = token["jti"], token.family
    with transaction.atomic():
        outstanding = OutstandingToken.objects.select_for_update(of=("self",)).filter(jti=jti).order_by("pk").first()
        if outstanding is None or RevokedTokenFamily.objects.filter(family=family).exists():
            raise InvalidRefreshToken()
        reused = BlacklistedToken.objects.filter(token=outstanding).exists()
        if not reused:
            user = outstanding.user
            if user is None or not user.is_active:
                raise InvalidRefreshToken()
            BlacklistedToken.objects.create(token=outstanding)
            return tokens_for_user(user=user, family=family)
    token_family_revoke(family=family, user_id=outstanding.user_id, reason=RevokedTokenFamily.Reason.REUSE)
    logger.warning("refresh token reused: token family revoked", extra={"user_id": outstanding.user_id})
    raise InvalidRefreshToken()


def token_family_revoke(*, family: str, user_id: int | None, reason: str) -> None:
    """Refuse every refresh token of ``family`` from now on (idempotent)."""
    RevokedTokenFamily.objects.get_or_create(family=family, defaults={"user_id": user_id, "reason": reason})


def token_logout(*, refresh: str) -> None:
    """Blacklist one refresh token and end its family (idempotent for a token we issued)."""
    token = _decode_refresh(refresh)
    with transaction.atomic():
        outstanding = (
            OutstandingToken.objects.select_for_update(of=("self",)).filter(jti=token["jti"]).order_by("pk").first()
        )
        if outstanding is None:
            raise InvalidRefreshToken()
        BlacklistedToken.objects.get_or_create(token=outstanding)
        token_family_revoke(family=token.family, user_id=outstanding.user_id, reason=RevokedTokenFamily.Reason.LOGOUT)
