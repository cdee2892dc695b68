"""Writes of addresses."""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.addresses.models import Address
from accounts.addresses.selectors import address_get
from accounts.users.models import User
from common.api import Conflict

MAX_ADDRESSES_PER_USER = 20


class TooManyAddresses(Conflict):
    code, detail = (
        "too_many_addresses",
        format_lazy(_("At most {count} addresses per account."), count=MAX_ADDRESSES_PER_USER),
    )


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
) -> Address:
    if Address.objects.filter(user=user).count() >= MAX_ADDRESSES_PER_USER:
        raise TooManyAddresses()
    return Address.objects.create(
        user=user,
        full_name=full_name.strip(),
        line1=line1.strip(),
        line2=line2.strip(),
        city=city.strip(),
        state=state.strip(),
        postal_code=postal_code.strip(),
        country=country.strip().upper(),
        phone=phone.strip(),
    )


def address_delete(*, user: User, address_id: int) -> None:
    """Delete one of the user's addresses; someone else's is 404 (as if it did not exist)."""
    address_get(user=user, address_id=address_id).delete()
