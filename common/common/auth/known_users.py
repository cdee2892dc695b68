"""Reads and writes of the ``KnownUser`` read model, with a cache every process of the service shares.

``JWTAuth`` asks :func:`known_access` on every request. The answer is cached in the shared Django cache
(Redis whenever ``REDIS_URL`` is set), never in one process's memory: the handler that applies
``accounts.user_access_changed`` writes the new flags into that cache after its commit, so the next
request in *every* process of the service sees a deactivation or a removed group. Without a shared cache
(embedded SQLite runs) each request reads the row. The bound is therefore the event's way from accounts
to this service's consumer, not a cache lifetime.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction

logger = logging.getLogger(__name__)

_UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class KnownAccess:
    is_active: bool
    is_staff: bool
    groups: tuple[str, ...] = ()


def _shared_cache():
    """The cache all processes of the service share, or None (a per-process cache would be a lie)."""
    cache = caches["default"]
    return None if isinstance(cache, LocMemCache) else cache


def _cache_key(user_id: int) -> str:
    return f"{getattr(settings, 'KNOWN_USER_CACHE_PREFIX', '')}known-user:{user_id}"


def _encoded(access: KnownAccess | None):
    return _UNKNOWN if access is None else (access.is_active, access.is_staff, list(access.groups))


def _decoded(value) -> KnownAccess | None:
    if value == _UNKNOWN:
        return None
    is_active, is_staff, groups = value
    return KnownAccess(is_active=is_active, is_staff=is_staff, groups=tuple(groups))


def known_access(*, user_id: int) -> KnownAccess | None:
    """The user's last announced access flags and groups, or None when this service never heard of them.

    One shared-cache read per request most of the time; a miss reads the row and fills the cache with
    ``add`` (never overwriting what a concurrent handler wrote after its commit).
    """
    from common.auth.models import KnownUser

    cache, key = _shared_cache(), _cache_key(user_id)
    if cache is not None:
        try:
            hit = cache.get(key)
        except Exception as exc:  # a cache outage must not refuse logins: the database answers
            logger.warning("known-user cache unavailable", extra={"error": repr(exc)})
            cache, hit = None, None
        if hit is not None:
            return _decoded(hit)
    row = KnownUser.objects.filter(user_id=user_id).values_list("is_active", "is_staff", "groups").first()
    access = KnownAccess(is_active=row[0], is_staff=row[1], groups=tuple(row[2] or ())) if row else None
    if cache is not None:
        try:
            cache.add(key, _encoded(access), timeout=getattr(settings, "KNOWN_USER_CACHE_SECONDS", 300))
        except Exception as exc:
            logger.warning("known-user cache unavailable", extra={"error": repr(exc)})
    return access


def _publish_access(user_id: int, access: KnownAccess) -> None:
    cache = _shared_cache()
    if cache is not None:
        cache.set(_cache_key(user_id), _encoded(access), timeout=getattr(settings, "KNOWN_USER_CACHE_SECONDS", 300))


def forget_cached_access(user_id: int | None = None) -> None:
    """Drop one user's cached flags (tests give each test its own ``KNOWN_USER_CACHE_PREFIX`` instead of
    flushing a cache other processes use, so ``None`` drops nothing)."""
    cache = _shared_cache()
    if cache is not None and user_id is not None:
        cache.delete(_cache_key(user_id))


def known_user_apply(
    *,
    user_id: int,
    email: str,
    full_name: str,
    is_active: bool,
    is_staff: bool,
    groups: list[str],
    changed_at: datetime,
) -> bool:
    """Store a user's announced state unless a newer change was applied already; True when stored."""
    from common.auth.models import KnownUser

    with transaction.atomic():
        current = KnownUser.objects.select_for_update().filter(user_id=user_id).first()
        if current is not None and current.changed_at > changed_at:
            return False
        KnownUser.objects.update_or_create(
            user_id=user_id,
            defaults={
                "email": email,
                "full_name": full_name,
                "is_active": is_active,
                "is_staff": is_staff,
                "groups": sorted(set(groups)),
                "changed_at": changed_at,
            },
        )
        access = KnownAccess(is_active=is_active, is_staff=is_staff, groups=tuple(sorted(set(groups))))
        # Dropped now (this transaction reads its own row) and written again after the commit, which also
        # overwrites anything a concurrent reader put back from the row as it was before the commit.
        forget_cached_access(user_id)
        transaction.on_commit(lambda: _publish_access(user_id, access))
    return True


def known_user_emails_in_group(*, group: str) -> list[str]:
    """Emails of the active users in ``group`` (e.g. ``Merchandiser``), sorted; for report mailing lists."""
    from common.auth.models import KnownUser

    rows = KnownUser.objects.filter(is_active=True).values_list("email", "groups")
    return sorted(email for email, groups in rows if group in groups)
