"""Sign-on error codes (``detail`` in English msgids; pt-BR through the locale)."""

from django.utils.translation import gettext_lazy as _

from common.api import ApiError


class InvalidTicket(ApiError):
    status, code, detail = 400, "invalid_ticket", _("The sign-on ticket is unknown, already used or expired.")
