"""django-axes hooks: lockouts are per account (lower-cased email) and client address, and answer 429.

On the API the 429 has the contract's error body; on the admin login a short plain page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse

from accounts.tokens.errors import LockedOut


def username_of(request: HttpRequest, credentials: dict | None) -> str | None:
    credentials = credentials or {}
    username = credentials.get("username") or credentials.get("email") or request.POST.get("username")
    return username.strip().lower() if username else None


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    from django.conf import settings

    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": str(LockedOut.detail), "code": LockedOut.code}, status=429)
    else:
        response = HttpResponse(str(LockedOut.detail), status=429, content_type="text/plain")
    response["Retry-After"] = retry_after
    return response
