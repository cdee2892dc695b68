"""Reads and writes of the ``KnownUser`` read model, with a short per-process cache for ``JWTAuth``."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction

_cache: dict[int, tuple[float, KnownAccess | None]] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class KnownAccess:
    is_active: bool
    is_staff: bool


def known_access(*, user_id: int) -> KnownAccess | None:
    """The user's last announced access flags, or None when this service never heard of them.

    Cached for ``KNOWN_USER_CACHE_SECONDS`` (default 30) so a token check costs no query most of the time;
    the handler forgets the entry at once in the process that applied the change.
    """
    from common.auth.models import KnownUser

    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(user_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    row = KnownUser.objects.filter(user_id=user_id).values_list("is_active", "is_staff").first()
    access = KnownAccess(is_active=row[0], is_staff=row[1]) if row else None
    with _cache_lock:
        _cache[user_id] = (now + getattr(settings, "KNOWN_USER_CACHE_SECONDS", 30), access)
    return access


def forget_cached_access(user_id: int | None = None) -> None:
    """Drop one user's cached flags (or all of them, for tests)."""
    with _cache_lock:
        if user_id is None:
            _cache.clear()
        else:
            _cache.pop(user_id, None)


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
    forget_cached_access(user_id)
    return True


def known_user_emails_in_group(*, group: str) -> list[str]:
    """Emails of the active users in ``group`` (e.g. ``Merchandiser``), sorted; for report mailing lists."""
    from common.auth.models import KnownUser

    rows = KnownUser.objects.filter(is_active=True).values_list("email", "groups")
    return sorted(email for email, groups in rows if group in groups)
