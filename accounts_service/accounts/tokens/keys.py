"""The signing key ring: one private key signs, the public keys of recently retired keys still verify.

- The signing key is PEM text in ``settings.JWT_PRIVATE_KEY`` or the file ``settings.JWT_PRIVATE_KEY_PATH``;
  when neither exists the file is generated (first start of `make run`; ``var/`` is never committed).
- ``rotate_jwt_keys`` moves the current public key to ``settings.JWT_RETIRED_KEYS_PATH`` with the time of
  rotation and writes a new private key. A retired key is published in the JWKS until access tokens
  signed with it have expired, and accepted here for refresh tokens until those have expired too.
- ``kid`` is the RFC 7638 thumbprint of the public key, so it needs no storage and never collides.

Every worker process re-reads the files when their modification time changes, so a rotation reaches all
gunicorn workers without a restart.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.utils import timezone

KEY_SIZE = 2048


@dataclass(frozen=True)
class RetiredKey:
    kid: str
    public_key: rsa.RSAPublicKey
    retired_at: datetime


@dataclass(frozen=True)
class KeyRing:
    kid: str
    private_key: rsa.RSAPrivateKey
    retired: tuple[RetiredKey, ...]

    def verifying_key(self, kid: str, *, now: datetime | None = None) -> rsa.RSAPublicKey | None:
        """The public key for ``kid`` if tokens signed with it can still be valid (refresh lifetime)."""
        if kid == self.kid:
            return self.private_key.public_key()
        now = now or timezone.now()
        limit = token_lifetimes()[1]
        for key in self.retired:
            if key.kid == kid and key.retired_at + limit > now:
                return key.public_key
        return None

    def jwks(self, *, now: datetime | None = None) -> dict[str, Any]:
        """The current key plus retired keys whose access tokens may still be in use."""
        now = now or timezone.now()
        access_lifetime = token_lifetimes()[0]
        keys = [public_jwk(self.private_key.public_key(), self.kid)]
        keys += [public_jwk(k.public_key, k.kid) for k in self.retired if k.retired_at + access_lifetime > now]
        return {"keys": keys}


def token_lifetimes() -> tuple[timedelta, timedelta]:
    """(access, refresh) lifetimes, plus the leeway, from ``SIMPLE_JWT``."""
    config = settings.SIMPLE_JWT
    leeway = timedelta(seconds=getattr(settings, "JWT_LEEWAY_SECONDS", 0))
    return config["ACCESS_TOKEN_LIFETIME"] + leeway, config["REFRESH_TOKEN_LIFETIME"] + leeway


def key_id(public_key: rsa.RSAPublicKey) -> str:
    """RFC 7638 JWK thumbprint (SHA-256, base64url)."""
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(public_key, as_dict=True)
    canonical = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def public_jwk(public_key: rsa.RSAPublicKey, kid: str) -> dict[str, Any]:
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(public_key, as_dict=True)
    return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid, "n": jwk["n"], "e": jwk["e"]}


def generate_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def private_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_pem(key: rsa.RSAPublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _load_private(pem: bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("the JWT signing key must be an RSA private key")
    return key


def _write_atomically(path: Path, data: bytes, *, replace: bool) -> bool:
    """Write via a temporary file; with ``replace=False`` keep an existing file (another worker won)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if replace:
            os.replace(tmp, path)
            return True
        try:
            os.link(tmp, path)
            return True
        except FileExistsError:
            return False
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _private_key_path() -> Path:
    return Path(settings.JWT_PRIVATE_KEY_PATH)


def _retired_path() -> Path:
    return Path(settings.JWT_RETIRED_KEYS_PATH)


def _mtime(path: Path) -> tuple[int, int, int] | None:
    """Identity of a file's current content: inode, modification time and size (None when absent)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _read_retired(path: Path) -> tuple[RetiredKey, ...]:
    if not path.exists():
        return ()
    entries = json.loads(path.read_text())
    return tuple(
        RetiredKey(
            kid=entry["kid"],
            public_key=serialization.load_pem_public_key(entry["public_pem"].encode()),
            retired_at=datetime.fromisoformat(entry["retired_at"]),
        )
        for entry in entries
    )


_lock = threading.Lock()
_cached: tuple[tuple[Any, ...], KeyRing] | None = None


def current_keyring() -> KeyRing:
    """The key ring, re-read when the key files (or the settings naming them) change."""
    global _cached
    env_pem = settings.JWT_PRIVATE_KEY
    private_path, retired_path = _private_key_path(), _retired_path()
    if not env_pem and _mtime(private_path) is None:
        _write_atomically(private_path, private_pem(generate_private_key()), replace=False)
    signature = (env_pem, str(private_path), _mtime(private_path), str(retired_path), _mtime(retired_path))
    with _lock:
        if _cached is not None and _cached[0] == signature:
            return _cached[1]
        private_key = _load_private(env_pem.encode() if env_pem else private_path.read_bytes())
        ring = KeyRing(
            kid=key_id(private_key.public_key()), private_key=private_key, retired=_read_retired(retired_path)
        )
        _cached = (signature, ring)
        return ring


def keyring_rotate(*, now: datetime | None = None) -> tuple[str, str]:
    """Retire the current signing key and start signing with a new one; returns (old kid, new kid).

    The retired list is written before the new private key, so at every instant the JWKS holds every
    key a live token may name. Retired keys past the refresh lifetime are dropped.
    """
    if settings.JWT_PRIVATE_KEY:
        raise RuntimeError(
            "the signing key comes from JWT_PRIVATE_KEY: rotate it in the secret store (or use JWT_PRIVATE_KEY_PATH)"
        )
    now = now or timezone.now()
    ring = current_keyring()
    refresh_lifetime = token_lifetimes()[1]
    kept = [key for key in ring.retired if key.retired_at + refresh_lifetime > now]
    kept.append(RetiredKey(kid=ring.kid, public_key=ring.private_key.public_key(), retired_at=now))
    entries = [
        {"kid": key.kid, "public_pem": public_pem(key.public_key), "retired_at": key.retired_at.isoformat()}
        for key in kept
    ]
    _write_atomically(_retired_path(), json.dumps(entries, indent=2).encode(), replace=True)
    new_key = generate_private_key()
    _write_atomically(_private_key_path(), private_pem(new_key), replace=True)
    return ring.kid, key_id(new_key.public_key())
