"""The admin pages of the one sign-in: the login redirect, the ticket callback and the sign-out
everywhere (see ``common.auth.sso``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from common.api import ApiError
from common.auth import sso
from common.auth.backends import shadow_user_sync
from common.auth.tokens import decode_access_token, token_user_from_claims


def safe_next(request: HttpRequest, default: str = "/admin/") -> str:
    """``next`` when it is a path on this host, else the admin home."""
    wanted = request.GET.get("next") or request.POST.get("next") or default
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return default


@never_cache
def admin_login(request: HttpRequest) -> HttpResponse:
    """GET: the person signs in once, at accounts. POST keeps the password form working (scripts)."""
    if request.method == "POST":
        return admin.site.login(request)
    next_path = safe_next(request)
    if request.user.is_authenticated and request.user.is_active and request.user.is_staff:
        return HttpResponseRedirect(next_path)
    return HttpResponseRedirect(sso.authorize_url(service=settings.SERVICE_NAME, next_path=next_path))


@never_cache
@require_GET
def admin_sso_callback(request: HttpRequest) -> HttpResponse:
    """Accounts sent the browser back with a ticket: redeem it, sign the shadow user in, go on."""
    redeemed = sso.remote_ticket_redeem(ticket=request.GET.get("ticket", ""), service=settings.SERVICE_NAME)
    if redeemed is None:
        return HttpResponseBadRequest(_("The sign-in link has expired or was already used. Sign in again."))
    try:
        claims = decode_access_token(redeemed["access"])
        token_user = token_user_from_claims(claims)
    except (ApiError, KeyError, ValueError):
        return HttpResponseBadRequest(_("The sign-in could not be verified. Sign in again."))
    user = shadow_user_sync(
        email=token_user.email,
        is_staff=token_user.is_staff,
        is_superuser=claims.get("is_superuser") is True,
        groups=token_user.groups,
    )
    login(request, user, backend="common.auth.backends.AccountsBackend")
    request.session[sso.SESSION_KEY] = redeemed["sid"]
    return HttpResponseRedirect(safe_next(request))


@never_cache
@require_POST
def admin_logout(request: HttpRequest) -> HttpResponse:
    """Sign out of every admin: the sign-on ends at accounts, then this session; on to accounts' login."""
    sid = request.session.get(sso.SESSION_KEY)
    if sid:
        sso.session_end(sid=sid)
    logout(request)
    return HttpResponseRedirect(sso.sign_in_again_url(service=settings.SERVICE_NAME))
