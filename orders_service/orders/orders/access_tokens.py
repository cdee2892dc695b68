"""A guest order's access token: handed out in clear once (checkout answer, confirmation email link), stored
only as its SHA-256 and, for the emails that must carry the link again, sealed (``common.sealing``).

The token is 32 random bytes, so a plain SHA-256 is enough (nothing to guess: no salt or slow hash needed);
a database dump, a staff member with view rights or a backup never holds a token that opens an order.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import transaction

from common.sealing import reseal, seal
from orders.orders.models import Order


@dataclass(frozen=True)
class IssuedAccessToken:
    token: str  # in clear: for the checkout answer only, never stored
    hash: str
    sealed: str


def access_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def access_token_issue() -> IssuedAccessToken:
    token = secrets.token_urlsafe(32)
    return IssuedAccessToken(token=token, hash=access_token_hash(token), sealed=seal(token))


def access_token_matches(*, stored_hash: str, presented: str | None) -> bool:
    """Whether ``presented`` is the token whose hash is stored (constant time; an empty hash matches nothing)."""
    if not stored_hash or not presented:
        return False
    return hmac.compare_digest(stored_hash, access_token_hash(presented.strip()))


def order_access_tokens_reseal() -> int:
    """Seal every order's stored guest token again with the first key of ``EVENT_SEALING_KEYS`` (after a
    rotation, so the old key can be dropped); returns how many."""

    count = 0
    for pk in Order.objects.exclude(access_token_sealed="").values_list("pk", flat=True).iterator():
        with transaction.atomic():
            order = Order.objects.select_for_update().only("access_token_sealed").get(pk=pk)
            Order.objects.filter(pk=pk).update(access_token_sealed=reseal(order.access_token_sealed))
        count += 1
    return count
