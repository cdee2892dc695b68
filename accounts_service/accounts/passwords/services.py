"""Password reset: a one-time link by email (sent by tasks), never revealing whether an account exists."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from accounts.users.models import User, normalize_email
from accounts.users.services import password_check, user_logout_everywhere
from common.api import ApiError
from common.events import publish
from common.events.contracts.accounts import PasswordResetRequestedSealed
from common.sealing import seal


class InvalidResetToken(ApiError):
    status, code, detail = 400, "invalid_token", _("This password reset link is invalid or has expired.")


def password_reset_url(*, user: User) -> str:
    """The storefront page that posts uid/token to ``password-reset/confirm``."""
    query = urlencode(
        {"uid": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}
    )
    return f"{settings.STOREFRONT_URL.rstrip('/')}{settings.PASSWORD_RESET_PATH}?{query}"


def password_reset_request(*, email: str) -> None:
    """Publish ``accounts.password_reset_requested`` (v2, the link sealed) for an active account; do nothing
    otherwise.

    At most one email per account per ``PASSWORD_RESET_THROTTLE_SECONDS`` (someone else's inbox is
    not a target); the answer is the same 202 either way.
    """
    user = User.objects.filter(email=normalize_email(email), is_active=True).first()
    if user is None:
        return
    throttle = settings.PASSWORD_RESET_THROTTLE_SECONDS
    if throttle and not cache.add(f"password-reset:{user.email}", 1, timeout=throttle):
        return
    expires_at = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    with transaction.atomic():
        publish(
            PasswordResetRequestedSealed(
                user_id=user.pk,
                email=user.email,
                full_name=user.full_name,
                reset_url_sealed=seal(password_reset_url(user=user)),
                expires_at=expires_at.isoformat(),
            ),
            key=str(user.pk),
        )


def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    """Set the new password if the token is valid. The token dies with the old password hash (single use)
    or after ``PASSWORD_RESET_TIMEOUT``; every session (refresh token) of the user is revoked.
    """
    try:
        user_id = int(force_str(urlsafe_base64_decode(uid)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        raise InvalidResetToken()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if user is None or not default_token_generator.check_token(user, token):
            raise InvalidResetToken()
        password_check(password=new_password, user=user)
        user.set_password(new_password)
        user.save(update_fields=["password"])
        user_logout_everywhere(user=user)
    return user
