"""Reads of users."""

from __future__ import annotations

from accounts.users.models import User


def user_group_names(*, user: User) -> list[str]:
    """The user's group names, sorted (they travel in tokens and events)."""
    return sorted(user.groups.values_list("name", flat=True))


def user_access_snapshot(*, user: User) -> tuple:
    """What other services are told about a user; a change of it is announced."""
    return (user.email, user.full_name, user.is_active, user.is_staff, tuple(user_group_names(user=user)))
