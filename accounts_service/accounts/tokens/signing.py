"""simplejwt token classes signing with the key ring (RS256, ``kid`` header, ``iss``/``aud``).

simplejwt's stock backend knows one key pair; ours signs with the current key and verifies with any
key still in the ring, which is what lets ``rotate_jwt_keys`` run without logging anybody out.
"""

from __future__ import annotations

from typing import Any

import jwt
from django.conf import settings
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenBackendExpiredToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.tokens.keys import current_keyring

ALGORITHM = "RS256"


class KeyRingTokenBackend(TokenBackend):
    def __init__(self) -> None:
        super().__init__(ALGORITHM)

    def encode(self, payload: dict[str, Any]) -> str:
        ring = current_keyring()
        claims = {**payload, "iss": settings.JWT_ISSUER, "aud": settings.JWT_AUDIENCE}
        return jwt.encode(claims, ring.private_key, algorithm=ALGORITHM, headers={"kid": ring.kid})

    def decode(self, token: Any, verify: bool = True) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise TokenBackendError("Token is invalid") from exc
        if header.get("alg") != ALGORITHM:
            raise TokenBackendError("Token is invalid")
        key = current_keyring().verifying_key(str(header.get("kid", "")))
        if key is None:
            raise TokenBackendError("Token is invalid")
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=settings.JWT_AUDIENCE,
                issuer=settings.JWT_ISSUER,
                leeway=getattr(settings, "JWT_LEEWAY_SECONDS", 0),
                # The signature is always checked, whatever simplejwt's ``verify`` says: a caller may skip
                # simplejwt's claim checks (refresh does, to decide under a row lock), never the signature.
                options={"require": ["exp", "iat", "iss", "aud", "jti"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenBackendExpiredToken("Token is expired") from exc
        except jwt.InvalidTokenError as exc:
            raise TokenBackendError("Token is invalid") from exc


token_backend = KeyRingTokenBackend()


class AccountsAccessToken(AccessToken):
    @property
    def token_backend(self) -> TokenBackend:
        return token_backend


FAMILY_CLAIM = "family"


class AccountsRefreshToken(RefreshToken):
    """A refresh token carrying its ``family``: the id of the login every rotation descends from."""

    access_token_class = AccountsAccessToken
    no_copy_claims = (*RefreshToken.no_copy_claims, FAMILY_CLAIM)

    @property
    def token_backend(self) -> TokenBackend:
        return token_backend

    @property
    def family(self) -> str:
        """The family claim; a token issued before families existed is a family of its own (its jti)."""
        return str(self.payload.get(FAMILY_CLAIM) or self["jti"])
