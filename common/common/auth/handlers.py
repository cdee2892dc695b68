"""Event handlers of ``common.auth``: listed in each consuming service's ``config/event_handlers.py``."""

from __future__ import annotations

from common.auth.known_users import known_user_apply
from common.events.contracts.accounts import UserAccessChanged
from common.events.envelope import Envelope


def user_access_changed(event: UserAccessChanged, envelope: Envelope) -> None:
    """Store the user's access flags; idempotent, and an older event never overwrites a newer one.

    A local admin shadow user (admin single sign-on) follows at once: deactivated in accounts means
    logged out of this service's admin on the next request, a group removed there means its permissions
    are gone here on the next request.
    """
    applied = known_user_apply(
        user_id=event.user_id,
        email=event.email,
        full_name=event.full_name,
        is_active=event.is_active,
        is_staff=event.is_staff,
        groups=list(event.groups),
        changed_at=envelope.occurred_at,
    )
    if applied:
        from common.auth.backends import shadow_user_access_apply  # imports auth models: not at import time

        shadow_user_access_apply(
            email=event.email, is_active=event.is_active, is_staff=event.is_staff, groups=list(event.groups)
        )
