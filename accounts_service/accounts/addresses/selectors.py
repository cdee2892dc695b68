"""Reads of addresses: always through the owner, so another user's address is simply not found."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.addresses.models import Address
from accounts.users.models import User
from common.api import NotFound


def address_list(*, user: User) -> QuerySet[Address]:
    return Address.objects.filter(user=user).order_by("-created_at", "-id")


def address_get(*, user: User, address_id: int) -> Address:
    if not 0 < address_id < 2**63:  # beyond the id column: unknown, not a database error
        raise NotFound("Address not found.")
    address = Address.objects.filter(user=user, pk=address_id).first()
    if address is None:
        raise NotFound(_("Address not found."))
    return address
