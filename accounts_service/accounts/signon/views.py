"""Accounts' admin pages of the one sign-in: the password page that also opens the sign-on, and the
authorize page that sends a signed-in person into another service's admin with a one-time ticket."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.signon.selectors import signon_is_active
from accounts.signon.services import signon_start, signon_ticket_issue
from common.auth import sso


def _is_staff(request: HttpRequest) -> bool:
    return request.user.is_authenticated and request.user.is_active and request.user.is_staff


def _sign_on_sid(request: HttpRequest) -> str:
    """The session's open sign-on, started now if it has none (or its old one ended)."""
    sid = request.session.get(sso.SESSION_KEY)
    if not sid or not signon_is_active(sid=sid):
        sid = signon_start(user=request.user).sid
        request.session[sso.SESSION_KEY] = sid
    return sid


@never_cache
def admin_login(request: HttpRequest) -> HttpResponse:
    """Django's admin login (django-axes counts the failures); a successful one opens the sign-on."""
    response = admin.site.login(request)
    if request.method == "POST" and _is_staff(request):
        _sign_on_sid(request)
    return response


@never_cache
@require_GET
def admin_sso_authorize(request: HttpRequest) -> HttpResponse:
    """``?service=<catalog|orders|tasks>&next=<path>``: back to that admin with a ticket, once signed in here."""
    service = request.GET.get("service", "")
    if service not in sso.SERVICES or service == "accounts":
        return HttpResponseBadRequest(_("Unknown admin."))
    if not _is_staff(request):
        return redirect_to_login(request.get_full_path(), login_url=reverse("admin:login"))
    ticket = signon_ticket_issue(sign_on_sid=_sign_on_sid(request), service=service)
    next_path = request.GET.get("next", "/admin/")
    if not next_path.startswith("/") or next_path.startswith("//"):
        next_path = "/admin/"
    query = urlencode({"ticket": ticket, "next": next_path})
    return HttpResponseRedirect(f"{sso.admin_base_url(service)}/admin/sso/callback?{query}")
