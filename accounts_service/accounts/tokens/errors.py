"""Error codes of the token endpoints (the contract's ``invalid_credentials`` and the 429)."""

from django.utils.translation import gettext_lazy as _

from common.api import TooManyRequests, Unauthorized


class InvalidCredentials(Unauthorized):
    code, detail = "invalid_credentials", _("No active account matches this email and password.")


class InvalidRefreshToken(Unauthorized):
    code, detail = "invalid_token", _("The refresh token is invalid, expired or already used.")


class LockedOut(TooManyRequests):
    detail = _("Too many failed logins for this account from this address; try again in 15 minutes.")
