"""Verifying accounts' access tokens: RS256 only, our issuer and audience, an access token, a live user."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

import jwt
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common.auth.errors import InvalidToken, TokenExpired, UserInactive
from common.auth.jwks import ALGORITHM, key_set
from common.auth.known_users import known_access


@dataclass(frozen=True, slots=True)
class TokenUser:
    """The caller as the access token describes them (``request.auth`` behind ``JWTAuth``)."""

    id: int
    email: str
    is_staff: bool
    groups: tuple[str, ...]

    @property
    def is_authenticated(self) -> bool:
        return True


def decode_access_token(token: str) -> dict[str, Any]:
    """The verified claims of an access token; raises ``InvalidToken`` or ``TokenExpired``.

    The algorithm is pinned before any key is looked up, so ``alg: none`` and HS256 (even one signed with
    the public key as the HMAC secret) never reach signature checking.
    """
    header = _unverified_header(token)
    if header.get("alg") != ALGORITHM:
        raise InvalidToken(_("The access token is not signed with RS256."))
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise InvalidToken(_("The access token names no signing key."))
    key = key_set.key_for(kid)
    try:
        claims = jwt.decode(
            token,
            key.key,
            algorithms=[ALGORITHM],
            audience=settings.JWT_AUDIENCE,
            issuer=settings.JWT_ISSUER,
            leeway=getattr(settings, "JWT_LEEWAY_SECONDS", 0),
            options={"require": ["exp", "iat", "iss", "aud", "jti"]},
        )
    except jwt.ExpiredSignatureError:
        raise TokenExpired()
    except jwt.InvalidAudienceError:
        raise InvalidToken(_("The access token is meant for another audience."))
    except jwt.InvalidIssuerError:
        raise InvalidToken(_("The access token comes from another issuer."))
    except jwt.InvalidTokenError:
        raise InvalidToken()
    if claims.get("token_type") != "access":
        raise InvalidToken(_("Not an access token."))
    return claims


def _unverified_header(token: str) -> dict[str, Any]:
    """The JOSE header, read cheaply (PyJWT parses the whole token again when it verifies it)."""
    segment = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, binascii.Error):
        raise InvalidToken(_("The access token is malformed."))
    if not isinstance(header, dict):
        raise InvalidToken(_("The access token is malformed."))
    return header


def token_user_from_claims(claims: dict[str, Any]) -> TokenUser:
    try:
        user_id = int(claims["user_id"])
    except (KeyError, TypeError, ValueError):
        raise InvalidToken(_("The access token names no user."))
    groups = claims.get("groups") or []
    if not isinstance(groups, list) or not all(isinstance(group, str) for group in groups):
        raise InvalidToken(_("The access token's groups are malformed."))
    return TokenUser(
        id=user_id,
        email=str(claims.get("email", "")),
        is_staff=claims.get("is_staff") is True,
        groups=tuple(groups),
    )


def authenticate_access_token(token: str) -> TokenUser:
    """Verify the token and refuse a user that accounts has announced as deactivated."""
    user = token_user_from_claims(decode_access_token(token))
    access = known_access(user_id=user.id)
    if access is not None and not access.is_active:
        raise UserInactive()
    if access is not None:
        # Rights withdrawn since the token was issued count at once: staff lost means shopper rights only,
        # a group removed is gone (a group added arrives with the next token).
        is_staff = user.is_staff and access.is_staff
        groups = tuple(group for group in user.groups if group in access.groups)
        if (is_staff, groups) != (user.is_staff, user.groups):
            user = TokenUser(id=user.id, email=user.email, is_staff=is_staff, groups=groups)
    return user
