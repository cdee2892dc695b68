"""Bearer auth of accounts' own endpoints: the access token is checked with the local key ring (no JWKS
round trip to ourselves) and ``request.auth`` is the live ``User`` row, so a deactivated user is refused.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer
from rest_framework_simplejwt.exceptions import ExpiredTokenError, TokenError

from accounts.tokens.signing import AccountsAccessToken
from accounts.users.models import User
from common.auth.errors import InvalidToken, TokenExpired, UserInactive


class AccessTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User:
        try:
            access = AccountsAccessToken(token)
        except ExpiredTokenError:
            raise TokenExpired()
        except TokenError:
            raise InvalidToken()
        try:
            user = User.objects.get(pk=int(access["user_id"]))
        except (KeyError, TypeError, ValueError, User.DoesNotExist):
            raise InvalidToken()
        if not user.is_active:
            raise UserInactive()
        return user
