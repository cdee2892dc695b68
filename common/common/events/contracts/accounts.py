"""Events published by the accounts service."""

from __future__ import annotations

from common.events.contracts.base import EventContract, contract


@contract("accounts.user_registered", version=1, producer="accounts", consumers=("tasks",))
class UserRegistered(EventContract):
    """A shopper created an account; tasks sends the welcome email."""

    user_id: int
    email: str
    full_name: str


@contract("accounts.password_reset_requested", version=1, producer="accounts", consumers=("tasks",))
class PasswordResetRequested(EventContract):
    """A known account asked for a password reset (superseded by v2: the link in clear, read for events in flight)."""

    user_id: int
    email: str
    full_name: str
    reset_url: str
    expires_at: str


@contract("accounts.password_reset_requested", version=2, producer="accounts", consumers=("tasks",))
class PasswordResetRequestedSealed(EventContract):
    """A known account asked for a password reset; tasks emails the one-time link, sealed end to end.

    ``reset_url_sealed`` is the link encrypted with ``common.sealing`` (Fernet, ``EVENT_SEALING_KEYS``):
    the outbox, the broker, the audit topic and tasks' email log never hold a usable link.
    """

    user_id: int
    email: str
    full_name: str
    reset_url_sealed: str
    expires_at: str


@contract(
    "accounts.user_access_changed",
    version=1,
    producer="accounts",
    consumers=("catalog", "orders", "tasks"),
)
class UserAccessChanged(EventContract):
    """A user was registered, (de)activated, or their staff flag or groups changed.

    Every other service keeps it in ``common.auth.KnownUser``: a deactivated user's tokens are refused
    at once, and tasks finds the ``Merchandiser`` group's emails there.
    """

    user_id: int
    email: str
    full_name: str
    is_active: bool
    is_staff: bool
    groups: list[str]
