"""Writes of addresses: normalised and checked by the shared rules (``common.addresses``)."""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.addresses.models import Address
from accounts.addresses.selectors import address_get
from accounts.users.models import User
from common.addresses import address_clean
from common.api import ApiError, Conflict

MAX_ADDRESSES_PER_USER = 20


class TooManyAddresses(Conflict):
    code, detail = (
        "too_many_addresses",
        format_lazy(_("At most {count} addresses per account."), count=MAX_ADDRESSES_PER_USER),
    )


class AddressInvalid(ApiError):
    """An address the shared rules refuse (callers other than the API, whose schema refuses it first)."""

    status, code, detail = 422, "address_invalid", _("Invalid address.")


def address_create(
    *,
    user: User,
    full_name: str,
    line1: str,
    line2: str,
    city: str,
    state: str,
    postal_code: str,
    country: str,
    phone: str,
    number: str = "",
    neighborhood: str = "",
) -> Address:
    """Add an address to the user's book (at most ``MAX_ADDRESSES_PER_USER``), normalised: CEP
    ``00000-000``, UF upper case, phone E.164."""
    clean, problems = address_clean(
        {
            "full_name": full_name,
            "line1": line1,
            "number": number,
            "line2": line2,
            "neighborhood": neighborhood,
            "city": city,
            "state": state,
            "postal_code": postal_code,
            "country": country,
            "phone": phone,
        }
    )
    if problems:
        raise AddressInvalid(problems[0].message, code=problems[0].code)
    if Address.objects.filter(user=user).count() >= MAX_ADDRESSES_PER_USER:
        raise TooManyAddresses()
    return Address.objects.create(user=user, **clean)


def address_delete(*, user: User, address_id: int) -> None:
    """Delete one of the user's addresses; someone else's is 404 (as if it did not exist)."""
    address_get(user=user, address_id=address_id).delete()
