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
    """A known account asked for a password reset; tasks emails the one-time link."""

    user_id: int
    email: str
    full_name: str
    reset_url: str
    expires_at: str
