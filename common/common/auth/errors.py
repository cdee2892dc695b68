"""Why a bearer token was refused: each is a 401 (or 403/503) with the contract's error body."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from common.api import ApiError, Forbidden, Unauthorized


class InvalidToken(Unauthorized):
    code, detail = "invalid_token", _("The access token is invalid.")


class TokenExpired(Unauthorized):
    code, detail = "token_expired", _("The access token has expired.")


class UserInactive(Unauthorized):
    code, detail = "user_inactive", _("This account has been deactivated.")


class StaffRequired(Forbidden):
    detail = _("Staff only.")


class KeysUnavailable(ApiError):
    """The JWKS could not be fetched and nothing is cached: not the caller's fault, so 503."""

    status, code, detail = 503, "auth_unavailable", _("Token keys are unavailable; try again shortly.")
