"""Writes of the one admin sign-in: start a sign-on, issue and redeem its tickets, end it everywhere."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.signon.errors import InvalidTicket
from accounts.signon.models import AdminSignOn, AdminSignOnTicket
from accounts.tokens.services import tokens_for_user
from accounts.users.models import User


def _hash(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


def signon_start(*, user: User) -> AdminSignOn:
    """A new sign-on for ``user``, living as long as an admin session does."""
    return AdminSignOn.objects.create(
        sid=secrets.token_urlsafe(32),
        user=user,
        expires_at=timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE),
    )


def signon_ticket_issue(*, sign_on_sid: str, service: str) -> str:
    """A one-time ticket (valid ``SSO_TICKET_SECONDS``) that lets ``service``'s admin sign this person in."""
    ticket = secrets.token_urlsafe(32)
    AdminSignOnTicket.objects.create(
        ticket_hash=_hash(ticket),
        sign_on_id=sign_on_sid,
        service=service,
        expires_at=timezone.now() + timedelta(seconds=settings.SSO_TICKET_SECONDS),
    )
    return ticket


@dataclass(frozen=True)
class Redeemed:
    sid: str
    access: str  # an access token with the person's claims (email, is_staff, is_superuser, groups)
    expires_at: datetime


def signon_ticket_redeem(*, ticket: str, service: str) -> Redeemed:
    """Use a ticket once: the row is locked, so of two concurrent redeems only the first succeeds."""
    now = timezone.now()
    with transaction.atomic():
        row = (
            AdminSignOnTicket.objects.select_for_update(of=("self",))
            .select_related("sign_on__user")
            .filter(ticket_hash=_hash(ticket))
            .first()
        )
        if row is None or row.used_at is not None or row.expires_at <= now or row.service != service:
            raise InvalidTicket()
        sign_on = row.sign_on
        if sign_on.ended_at is not None or sign_on.expires_at <= now:
            raise InvalidTicket()
        user = sign_on.user
        if not (user.is_active and user.is_staff):
            raise InvalidTicket()
        row.used_at = now
        row.save(update_fields=["used_at"])
    return Redeemed(sid=sign_on.sid, access=tokens_for_user(user=user).access, expires_at=sign_on.expires_at)


def signon_end(*, sid: str) -> int:
    """Sign the person out of every admin: all of their open sign-ons end (idempotent); how many ended."""
    user_id = AdminSignOn.objects.filter(sid=sid).values_list("user_id", flat=True).first()
    if user_id is None:
        return 0
    return signon_end_for_user(user_id=user_id)


def signon_end_for_user(*, user_id: int) -> int:
    return AdminSignOn.objects.filter(user_id=user_id, ended_at__isnull=True).update(ended_at=timezone.now())
