"""The signing key ring: one private key signs, the public keys of recently retired keys still verify.

- The signing key is PEM text in ``settings.JWT_PRIVATE_KEY`` or the file ``settings.JWT_PRIVATE_KEY_PATH``;
  when neither exists the file is generated (first start of `make run`; ``var/`` is never committed).
- Rotation has two steps, so no verifier ever meets a ``kid`` it has not seen: ``rotate_jwt_keys --stage``
  writes the next private key to ``settings.JWT_NEXT_KEY_PATH``; it is published in the JWKS at once but
  signs nothing. ``rotate_jwt_keys --activate``, once the next key has been published for
  ``JWT_NEXT_KEY_MIN_PUBLISHED_SECONDS`` (longer than any verifier caches the JWKS), moves the current
  public key to ``settings.JWT_RETIRED_KEYS_PATH`` and signs with the next one. A retired key is published
  until access tokens signed with it have expired, and accepted here for refresh tokens until those have.
- ``rotate_jwt_keys --revoke=KID`` is the emergency: the key leaves the JWKS now (a current key is replaced
  by a fresh one at once, without the wait); verifiers drop it at their next JWKS refresh (seconds).
- ``kid`` is the RFC 7638 thumbprint of the public key, so it needs no storage and never collides.

Every worker process re-reads the files when their modification time changes, so a rotation reaches all
gunicorn workers without a restart.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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
class NextKey:
    kid: str
    public_key: rsa.RSAPublicKey
    staged_at: datetime


@dataclass(frozen=True)
class KeyRing:
    kid: str
    private_key: rsa.RSAPrivateKey
    retired: tuple[RetiredKey, ...]
    next: NextKey | None = None

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
        """The current key, the next one (published before it signs) and retired keys whose access tokens
        may still be in use."""
        now = now or timezone.now()
        access_lifetime = token_lifetimes()[0]
        candidates = [(self.private_key.public_key(), self.kid)]
        if self.next is not None:
            candidates.append((self.next.public_key, self.next.kid))
        candidates += [(k.public_key, k.kid) for k in self.retired if k.retired_at + access_lifetime > now]
        keys, seen = [], set()
        for public_key, kid in candidates:  # an activation in progress may name one key twice
            if kid not in seen:
                seen.add(kid)
                keys.append(public_jwk(public_key, kid))
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


def _next_path() -> Path:
    return Path(settings.JWT_NEXT_KEY_PATH)


def _read_next(path: Path) -> NextKey | None:
    try:
        pem, staged = path.read_bytes(), path.stat().st_mtime
    except FileNotFoundError:
        return None
    public_key = _load_private(pem).public_key()
    return NextKey(kid=key_id(public_key), public_key=public_key, staged_at=datetime.fromtimestamp(staged, tz=UTC))


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
    next_path = _next_path()
    signature = (
        env_pem,
        str(private_path),
        _mtime(private_path),
        str(retired_path),
        _mtime(retired_path),
        str(next_path),
        _mtime(next_path),
    )
    with _lock:
        if _cached is not None and _cached[0] == signature:
            return _cached[1]
        private_key = _load_private(env_pem.encode() if env_pem else private_path.read_bytes())
        ring = KeyRing(
            kid=key_id(private_key.public_key()),
            private_key=private_key,
            retired=_read_retired(retired_path),
            next=None if env_pem else _read_next(next_path),
        )
        _cached = (signature, ring)
        return ring


class RotationRefused(RuntimeError):
    """The step cannot run now (key from the environment, nothing staged, staged too recently)."""


def _refuse_env_key() -> None:
    if settings.JWT_PRIVATE_KEY:
        raise RotationRefused(
            "the signing key comes from JWT_PRIVATE_KEY: rotate it in the secret store (or use JWT_PRIVATE_KEY_PATH)"
        )


def _write_retired(keys: list[RetiredKey]) -> None:
    entries = [
        {"kid": key.kid, "public_pem": public_pem(key.public_key), "retired_at": key.retired_at.isoformat()}
        for key in keys
    ]
    _write_atomically(_retired_path(), json.dumps(entries, indent=2).encode(), replace=True)


def keyring_stage() -> str:
    """Publish the next signing key (it signs nothing yet); idempotent: returns the staged kid."""
    _refuse_env_key()
    ring = current_keyring()
    if ring.next is not None:
        return ring.next.kid
    _write_atomically(_next_path(), private_pem(generate_private_key()), replace=False)
    return current_keyring().next.kid


def keyring_activate(*, now: datetime | None = None, force: bool = False) -> tuple[str, str]:
    """Sign with the staged key; the current one is retired. Returns (old kid, new kid).

    Refused until the staged key has been published for ``JWT_NEXT_KEY_MIN_PUBLISHED_SECONDS``, so every
    verifier has it before the first token it signs (``force`` skips the wait: emergencies only).
    The retired list is written before the new private key, so at every instant the JWKS holds every key
    a live token may name. Retired keys past the refresh lifetime are dropped.
    """
    _refuse_env_key()
    now = now or timezone.now()
    ring = current_keyring()
    if ring.next is None:
        raise RotationRefused("no next key is staged: run rotate_jwt_keys --stage first")
    wait = timedelta(seconds=settings.JWT_NEXT_KEY_MIN_PUBLISHED_SECONDS) - (now - ring.next.staged_at)
    if wait > timedelta(0) and not force:
        raise RotationRefused(
            f"the next key {ring.next.kid} has been published for too short a time: activate it in "
            f"{math.ceil(wait.total_seconds())} s, when every verifier has fetched it"
        )
    refresh_lifetime = token_lifetimes()[1]
    kept = [key for key in ring.retired if key.retired_at + refresh_lifetime > now]
    kept.append(RetiredKey(kid=ring.kid, public_key=ring.private_key.public_key(), retired_at=now))
    _write_retired(kept)
    os.replace(_next_path(), _private_key_path())
    return ring.kid, current_keyring().kid


def keyring_revoke(*, kid: str, now: datetime | None = None) -> str:
    """Withdraw ``kid`` at once (a leaked key): it leaves the JWKS and verifies nothing here any more.

    A revoked current key is replaced by a fresh key signing at once (no wait: tokens it signs are
    refused by verifiers until their next JWKS refresh, which is the lesser harm). Returns what was done.
    """
    _refuse_env_key()
    ring = current_keyring()
    if ring.next is not None and ring.next.kid == kid:
        _next_path().unlink(missing_ok=True)
        return f"Revoked the staged next key {kid}."
    if any(key.kid == kid for key in ring.retired):
        _write_retired([key for key in ring.retired if key.kid != kid])
        return f"Revoked retired key {kid}."
    if kid == ring.kid:
        if ring.next is None:
            _write_atomically(_next_path(), private_pem(generate_private_key()), replace=False)
        os.replace(_next_path(), _private_key_path())  # the revoked key is not retired: it just goes
        return f"Revoked the signing key {kid}; signing with new key {current_keyring().kid}."
    raise RotationRefused(f"no key {kid} in the ring")


def keyring_rotate(*, now: datetime | None = None) -> tuple[str, str]:
    """Stage and activate at once (tests and emergencies): verifiers may refuse the new kid for a moment."""
    keyring_stage()
    return keyring_activate(now=now, force=True)
