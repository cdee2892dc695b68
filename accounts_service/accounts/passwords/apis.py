"""``password-reset`` and ``password-reset/confirm``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from accounts.passwords import services
from accounts.passwords.schemas import PasswordResetConfirmIn, PasswordResetIn
from common.api import ErrorOut, UnprocessableOut
from common.ratelimit import rate_limited

router = Router(tags=["passwords"])


@router.post("/password-reset", response={202: None, 429: ErrorOut}, auth=None)
@rate_limited("password_reset")
def password_reset(request: HttpRequest, payload: PasswordResetIn):
    """Always 202, whether or not the email has an account (no account enumeration)."""
    services.password_reset_request(email=payload.email)
    return Status(202, None)


@router.post(
    "/password-reset/confirm", response={204: None, 400: ErrorOut, 422: UnprocessableOut, 429: ErrorOut}, auth=None
)
@rate_limited("password_reset_confirm")
def password_reset_confirm(request: HttpRequest, payload: PasswordResetConfirmIn):
    services.password_reset_confirm(uid=payload.uid, token=payload.token, new_password=payload.new_password)
    return Status(204, None)
