"""Reads of the one admin sign-in."""

from __future__ import annotations

from django.utils import timezone

from accounts.signon.models import AdminSignOn


def signon_is_active(*, sid: str) -> bool:
    """Whether ``sid`` is a sign-on that has neither ended nor expired (and its person may still enter)."""
    return AdminSignOn.objects.filter(
        sid=sid, ended_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True, user__is_staff=True
    ).exists()
