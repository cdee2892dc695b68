"""Access tokens for tests, signed by a throw-away RSA key generated once per test process.

Other services' tests need no accounts server: the ``jwt_jwks`` fixture of
``common.testing.pytest_plugin`` (autouse) points ``settings.JWT_JWKS`` at this key's public half.

    response = client.get("/api/orders/orders", **auth_header(user_id=7, email="bia@example.com"))
"""

from __future__ import annotations

import functools
import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

TEST_KID = "test-signing-key"


@functools.cache
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(private_key: rsa.RSAPrivateKey | None = None, *, kid: str = TEST_KID) -> dict[str, Any]:
    key = private_key or signing_key()
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


def jwks() -> dict[str, Any]:
    """The JWKS holding the test key's public half."""
    return {"keys": [public_jwk()]}


def access_claims(
    user_id: int = 1, email: str = "ana@example.com", is_staff: bool = False, groups=(), **overrides: Any
) -> dict[str, Any]:
    """The claims accounts puts in an access token; an override of ``None`` removes that claim."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "token_type": "access",
        "exp": now + 300,
        "iat": now,
        "jti": uuid.uuid4().hex,
        "user_id": str(user_id),
        "email": email,
        "is_staff": is_staff,
        "is_superuser": False,
        "groups": list(groups),
        "iss": settings.JWT_ISSUER,
        "aud": settings.JWT_AUDIENCE,
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def issue_access_token(
    user_id: int = 1, email: str = "ana@example.com", is_staff: bool = False, groups=(), **overrides: Any
) -> str:
    """An RS256 access token signed by the test key, as accounts would issue it."""
    claims = access_claims(user_id=user_id, email=email, is_staff=is_staff, groups=groups, **overrides)
    return jwt.encode(claims, signing_key(), algorithm="RS256", headers={"kid": TEST_KID})


def auth_header(
    user_id: int = 1, email: str = "ana@example.com", is_staff: bool = False, groups=(), **overrides: Any
) -> dict[str, str]:
    """``{"HTTP_AUTHORIZATION": "Bearer ..."}`` for Django's test client."""
    token = issue_access_token(user_id=user_id, email=email, is_staff=is_staff, groups=groups, **overrides)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
