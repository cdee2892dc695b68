"""Orders reads a signed-in shopper's saved address from accounts (``GET me/addresses/{id}``).

How: with the shopper's own bearer token, forwarded as it came. Accounts answers only the token owner's
addresses (someone else's id is 404), so orders can read exactly what the shopper could, and needs no
service account, no extra credential and no copy of the address book. The call has a bounded timeout and
runs before checkout's transaction.
"""

from __future__ import annotations

import logging

import httpx
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common.addresses import ADDRESS_FIELDS
from common.api import ApiError, NotFound

logger = logging.getLogger(__name__)


class SavedAddressNotFound(NotFound):
    code, detail = "address_not_found", _("Saved address not found in your account.")


class AccountsUnavailable(ApiError):
    status, code = 503, "accounts_unavailable"
    detail = _("The saved address cannot be read right now: try again or give the shipping address.")


def saved_address_get(*, address_id: int, authorization: str) -> dict[str, str]:
    """The address's contract fields, as the account's owner reads them."""
    url = f"{settings.ACCOUNTS_URL.rstrip('/')}/api/accounts/me/addresses/{address_id}"
    try:
        response = httpx.get(
            url,
            headers={"Authorization": authorization, "Accept": "application/json"},
            timeout=settings.ORDERS_ACCOUNTS_TIMEOUT_SECONDS,
        )
    except httpx.HTTPError as exc:
        logger.warning("accounts address read failed", extra={"error": type(exc).__name__})
        raise AccountsUnavailable() from exc
    if response.status_code == 404:
        raise SavedAddressNotFound()
    try:
        response.raise_for_status()
        body = response.json()
        return {name: str(body.get(name) or "") for name in ADDRESS_FIELDS}
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        logger.warning("accounts address read failed", extra={"status": response.status_code})
        raise AccountsUnavailable() from exc
