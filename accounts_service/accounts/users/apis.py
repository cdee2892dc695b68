"""Registration and the signed-in user's own account: ``register``, ``me``, ``me/logout-all``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from accounts.tokens.auth import AccessTokenAuth
from accounts.users import services
from accounts.users.schemas import LoggedOutOut, MeOut, MePatchIn, RegisteredOut, RegisterIn
from accounts.users.services import user_logout_everywhere
from common.api import ErrorOut, UnprocessableOut
from common.ratelimit import rate_limited

router = Router(tags=["users"])


def _me(user) -> dict:
    return {"id": user.pk, "email": user.email, "full_name": user.full_name, "is_staff": user.is_staff}


@router.post("/register", response={201: RegisteredOut, 409: ErrorOut, 422: UnprocessableOut, 429: ErrorOut}, auth=None)
@rate_limited("register")
def register(request: HttpRequest, payload: RegisterIn):
    """Create a shopper account (409 ``email_taken``; 422 ``weak_password`` from Django's validators)."""
    user = services.user_register(email=payload.email, password=payload.password, full_name=payload.full_name)
    return Status(201, {"id": user.pk, "email": user.email, "full_name": user.full_name})


@router.get("/me", response={200: MeOut, 401: ErrorOut}, auth=AccessTokenAuth())
def me(request: HttpRequest):
    return _me(request.auth)


@router.patch("/me", response={200: MeOut, 401: ErrorOut}, auth=AccessTokenAuth())
def me_update(request: HttpRequest, payload: MePatchIn):
    return _me(services.user_profile_update(user=request.auth, full_name=payload.full_name))


@router.post("/me/logout-all", response={200: LoggedOutOut, 401: ErrorOut}, auth=AccessTokenAuth())
def me_logout_everywhere(request: HttpRequest):
    """Blacklist every refresh token of the caller (every device); access tokens expire within 5 minutes."""
    return {"revoked_refresh_tokens": user_logout_everywhere(user=request.auth)}
