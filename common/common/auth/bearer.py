"""Django Ninja auth classes for the other services: ``auth=JWTAuth()`` or ``auth=StaffJWTAuth()``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from common.auth.errors import InvalidToken, StaffRequired
from common.auth.tokens import TokenUser, authenticate_access_token


class JWTAuth(HttpBearer):
    """``Authorization: Bearer <access token>``; ``request.auth`` becomes a :class:`TokenUser`.

    No header: 401 ``not_authenticated``; a refused token: 401 with a specific code (``invalid_token``,
    ``token_expired``, ``user_inactive``).
    """

    def authenticate(self, request: HttpRequest, token: str) -> TokenUser:
        return authenticate_access_token(token)


class StaffJWTAuth(JWTAuth):
    """Like :class:`JWTAuth`, and the user must be staff (403 ``permission_denied`` otherwise)."""

    def authenticate(self, request: HttpRequest, token: str) -> TokenUser:
        user = super().authenticate(request, token)
        if not user.is_staff:
            raise StaffRequired()
        return user


def optional_user(request: HttpRequest) -> TokenUser | None:
    """The signed-in caller on an endpoint open to guests: None without an Authorization header.

    A header that is present but not a valid bearer token is an error (401), never a silent guest.
    """
    header = request.headers.get("Authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken(_("The Authorization header is not a bearer token."))
    return authenticate_access_token(token.strip())
