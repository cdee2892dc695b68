"""Sealed fields: secrets that ride in events (a live password-reset link) encrypted end to end.

The producer seals the value before it enters the outbox; only the consumer that must use it (tasks'
email send) unseals it, at the last moment. The outbox row, the broker message, the Kafka audit topic,
dead letters, ``EmailLog.context`` and the admin all hold an opaque Fernet token.

Keys: ``EVENT_SEALING_KEYS``, comma-separated Fernet keys shared by the producing and the consuming
service (a secret, like ``SECRET_KEY``). The first one seals; every one unseals, so a rotation is:
put the new key first in both services, keep the old one second until the sealed messages have expired
(a reset link lives an hour; dead letters a week), then drop it. Unset (developer machine, e2e run on
one host), a key file in ``VAR_DIR`` is generated on first use and shared by the services of that host.
Generate a key with ``python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'``.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

SEALED_SUFFIX = "_sealed"


class SealBroken(Exception):
    """The value was not sealed with any of our keys (tampered, or a key dropped too early)."""


def _key_file() -> Path:
    return Path(settings.VAR_DIR) / "secrets" / "event-sealing.key"


def _local_key() -> bytes:
    path = _key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process of this host won the race
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(Fernet.generate_key())
    return path.read_bytes().strip()


def sealing_keys() -> list[bytes]:
    configured = getattr(settings, "EVENT_SEALING_KEYS", None) or []
    return [key.encode() if isinstance(key, str) else key for key in configured] or [_local_key()]


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in sealing_keys()])


def seal(value: str) -> str:
    """An opaque, authenticated token carrying ``value`` (readable only with one of our keys)."""
    return _fernet().encrypt(value.encode()).decode()


def unseal(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError, TypeError) as exc:
        raise SealBroken("a sealed value could not be opened with the configured keys") from exc


def reseal(token: str) -> str:
    """``token`` sealed again with the first key (a rotation: values sealed with an older key that must outlive it)."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except (InvalidToken, ValueError, TypeError) as exc:
        raise SealBroken("a sealed value could not be opened with the configured keys") from exc


def unsealed(context: dict) -> dict:
    """``context`` with every ``<name>_sealed`` entry replaced by ``<name>`` in clear (for rendering only)."""
    opened = {}
    for name, value in context.items():
        if name.endswith(SEALED_SUFFIX) and isinstance(value, str):
            opened[name[: -len(SEALED_SUFFIX)]] = unseal(value)
        else:
            opened[name] = value
    return opened
