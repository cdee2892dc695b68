"""The accounts service's public keys (JWKS), fetched over HTTP and cached in the process.

``settings.JWT_JWKS`` (a JWKS dict) replaces fetching, for tests and air-gapped deployments. Otherwise
the keys come from ``settings.JWKS_URL`` (default ``{ACCOUNTS_URL}/.well-known/jwks.json``), are kept
for ``JWKS_CACHE_SECONDS`` (15) and refetched early when a token names an unknown ``kid``, at most once
per ``JWKS_MIN_REFETCH_SECONDS`` (5) so a flood of forged kids cannot turn into a flood of requests.

Bounds: a key accounts revokes stops verifying here within ``JWKS_CACHE_SECONDS`` (plus the JWKS answer's
``max-age``, 10 s, behind a caching proxy). While accounts is unreachable the last good keys keep
working for ``JWKS_MAX_STALE_SECONDS`` (300) after the last successful fetch, then every token is refused
(503 ``auth_unavailable``): a revoked key cannot live on through an outage. A rotated-in key is
published before it signs, so no refetch is needed for it.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

import httpx
import jwt
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common.auth.errors import InvalidToken, KeysUnavailable
from common.http import http_client

logger = logging.getLogger(__name__)

ALGORITHM = "RS256"


def jwks_url() -> str:
    return getattr(settings, "JWKS_URL", "") or f"{settings.ACCOUNTS_URL.rstrip('/')}/.well-known/jwks.json"


def parse_jwks(jwks: dict[str, Any]) -> dict[str, jwt.PyJWK]:
    """kid -> RS256 public key; keys of another type, without a kid or unparsable are skipped."""
    keys: dict[str, jwt.PyJWK] = {}
    for entry in jwks.get("keys", []):
        kid = entry.get("kid")
        if not isinstance(kid, str) or entry.get("kty") != "RSA" or entry.get("alg", ALGORITHM) != ALGORITHM:
            continue
        try:
            keys[kid] = jwt.PyJWK(entry, algorithm=ALGORITHM)
        except jwt.PyJWKError:
            logger.warning("skipping an unusable JWKS key", extra={"kid": kid})
    return keys


class KeySet:
    """Thread-safe, per-process cache of the JWKS."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")
        self._attempted_at = float("-inf")
        self._override_source: str | None = None
        self._override_keys: dict[str, jwt.PyJWK] = {}

    def clear(self) -> None:
        with self._lock:
            self._keys, self._fetched_at, self._attempted_at = {}, float("-inf"), float("-inf")
            self._override_source, self._override_keys = None, {}

    def key_for(self, kid: str) -> jwt.PyJWK:
        """The public key named ``kid``; raises ``InvalidToken`` when no published key has that id."""
        override = getattr(settings, "JWT_JWKS", None)
        key = self._from_override(override).get(kid) if override else self._from_url(kid)
        if key is None:
            raise InvalidToken(_("The access token was signed by an unknown key."))
        return key

    def _from_override(self, jwks: dict[str, Any]) -> dict[str, jwt.PyJWK]:
        source = json.dumps(jwks, sort_keys=True)
        with self._lock:
            if source != self._override_source:
                self._override_keys, self._override_source = parse_jwks(jwks), source
            return self._override_keys

    def _from_url(self, kid: str) -> jwt.PyJWK | None:
        now = time.monotonic()
        max_age = getattr(settings, "JWKS_CACHE_SECONDS", 15)
        min_interval = getattr(settings, "JWKS_MIN_REFETCH_SECONDS", 5)
        max_stale = getattr(settings, "JWKS_MAX_STALE_SECONDS", 300)
        with self._lock:
            stale = now - self._fetched_at > max_age
            unknown = kid not in self._keys
            if (stale or unknown) and now - self._attempted_at >= min_interval:
                self._refresh(now)
            if not self._keys or now - self._fetched_at > max_stale:
                raise KeysUnavailable()
            return self._keys.get(kid)

    def _refresh(self, now: float) -> None:
        """Fetch the JWKS; on failure keep the keys we had (a short accounts outage must not log everyone out)."""
        self._attempted_at = now
        url = jwks_url()
        timeout = getattr(settings, "JWKS_TIMEOUT_SECONDS", 2.0)
        try:
            response = http_client().get(url, timeout=timeout, follow_redirects=False)
            response.raise_for_status()
            keys = parse_jwks(response.json())
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("JWKS fetch failed", extra={"url": url, "error": str(exc)})
            return
        if keys:
            self._keys, self._fetched_at = keys, now


key_set = KeySet()
