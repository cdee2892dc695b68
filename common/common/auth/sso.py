"""One sign-in for the four admins (accounts is the sign-on server, CAS-style).

- Signing in: a service's admin login page sends the browser to accounts'
  ``/admin/sso/authorize?service=<name>&next=<path>``. Accounts asks for the password only if its own
  admin session is missing, then hands back a one-time ticket (``SSO_TICKET_SECONDS``) to
  ``<service>/admin/sso/callback``. The service redeems it server-to-server for the sign-on's ``sid`` and
  an access token (verified against the JWKS like any API call), mirrors the person as a shadow user and
  keeps ``sid`` in its session. Moving between admins by their links never asks again.
- Signing out at any admin ends the sign-on in accounts (every open sign-on of that person);
  ``SignOnMiddleware`` asks accounts whether the session's ``sid`` is still open on each request
  (the answer cached ``SSO_SESSION_CHECK_SECONDS``, 0 = every request) and signs out a closed one.

Accounts itself answers from its own tables (``SSO_SESSION_STATE`` / ``SSO_SESSION_END`` name the
functions), every other service over HTTP with ``ACCOUNTS_TIMEOUT_SECONDS``.
"""

from __future__ import annotations

import logging
from urllib.parse import quote, urlencode

import httpx
from django.conf import settings
from django.contrib.auth import logout
from django.core.cache import cache
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

SESSION_KEY = "sso_sid"
SERVICES = ("catalog", "orders", "tasks", "accounts")


def admin_base_url(service: str) -> str:
    """Where a person's browser reaches ``service``'s admin (``<SERVICE>_ADMIN_URL``, else its URL)."""
    return settings.SSO_ADMIN_URLS[service].rstrip("/")


def _accounts_api(path: str) -> str:
    return f"{settings.ACCOUNTS_URL.rstrip('/')}/api/accounts/{path}"


def authorize_url(*, service: str, next_path: str) -> str:
    """Accounts' page that signs the browser into ``service``'s admin and returns to ``next_path``."""
    query = urlencode({"service": service, "next": next_path})
    return f"{admin_base_url('accounts')}/admin/sso/authorize?{query}"


def sign_in_again_url(*, service: str) -> str:
    """Accounts' login page, which then returns the person to ``service``'s admin home."""
    if service == "accounts":
        return f"{admin_base_url('accounts')}/admin/login/"
    return f"{admin_base_url('accounts')}/admin/login/?next=" + quote(
        f"/admin/sso/authorize?{urlencode({'service': service, 'next': '/admin/'})}", safe=""
    )


def remote_session_active(*, sid: str) -> bool:
    """Accounts' answer for ``sid``; an unreachable accounts counts as signed out (nobody can sign in then
    either, and a revoked person must not stay in)."""
    try:
        response = httpx.get(
            _accounts_api(f"sso/sessions/{quote(sid, safe='')}"), timeout=settings.ACCOUNTS_TIMEOUT_SECONDS
        )
    except httpx.HTTPError as exc:
        logger.warning("accounts unreachable for the sign-on check", extra={"error": str(exc)})
        return False
    return response.status_code == 200 and response.json().get("active") is True


def remote_session_end(*, sid: str) -> None:
    try:
        httpx.post(_accounts_api(f"sso/sessions/{quote(sid, safe='')}/end"), timeout=settings.ACCOUNTS_TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:  # the local session ends anyway; the others follow on accounts' answer
        logger.warning("accounts unreachable for the sign-out", extra={"error": str(exc)})


def remote_ticket_redeem(*, ticket: str, service: str) -> dict | None:
    """``{"sid", "access", "expires_at"}`` for a good ticket, else None."""
    try:
        response = httpx.post(
            _accounts_api("sso/tickets/redeem"),
            json={"ticket": ticket, "service": service},
            timeout=settings.ACCOUNTS_TIMEOUT_SECONDS,
        )
    except httpx.HTTPError as exc:
        logger.warning("accounts unreachable for the sign-on ticket", extra={"error": str(exc)})
        return None
    return response.json() if response.status_code == 200 else None


def _cache_key(sid: str) -> str:
    return f"sso:active:{sid}"


def session_active(*, sid: str) -> bool:
    seconds = settings.SSO_SESSION_CHECK_SECONDS
    if seconds > 0:
        cached = cache.get(_cache_key(sid))
        if cached is not None:
            return cached
    active = import_string(settings.SSO_SESSION_STATE)(sid=sid)
    if seconds > 0:
        cache.set(_cache_key(sid), active, seconds)
    return active


def session_end(*, sid: str) -> None:
    import_string(settings.SSO_SESSION_END)(sid=sid)
    cache.delete(_cache_key(sid))


class SignOnMiddleware:
    """Signs out a session whose sign-on has ended elsewhere (put it after ``AuthenticationMiddleware``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:  # API calls: no session read, no Vary: Cookie
            return self.get_response(request)
        session = getattr(request, "session", None)
        sid = session.get(SESSION_KEY) if session is not None else None
        if sid and request.user.is_authenticated and not session_active(sid=sid):
            logout(request)
        return self.get_response(request)
