"""Token endpoints: ``token``, ``token/refresh``, ``logout``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from accounts.tokens import services
from accounts.tokens.schemas import RefreshIn, TokenObtainIn, TokenPairOut
from common.api import ErrorOut
from common.ratelimit import rate_limited

router = Router(tags=["tokens"])


@router.post("/token", response={200: TokenPairOut, 401: ErrorOut, 429: ErrorOut}, auth=None)
@rate_limited("login")
def token_obtain(request: HttpRequest, payload: TokenObtainIn):
    """Email and password for an access token (5 minutes) and a refresh token (1 day, single use)."""
    pair = services.token_obtain(request=request, email=payload.email, password=payload.password)
    return {"access": pair.access, "refresh": pair.refresh}


@router.post("/token/refresh", response={200: TokenPairOut, 401: ErrorOut}, auth=None)
def token_refresh(request: HttpRequest, payload: RefreshIn):
    """A new pair for a refresh token; the presented refresh token stops working."""
    pair = services.token_refresh(refresh=payload.refresh)
    return {"access": pair.access, "refresh": pair.refresh}


@router.post("/logout", response={204: None, 401: ErrorOut}, auth=None)
def logout(request: HttpRequest, payload: RefreshIn):
    """Blacklist the refresh token: it is refused from then on."""
    services.token_logout(refresh=payload.refresh)
    return Status(204, None)
