"""Where a checkout ships: the address in the body, or a signed-in shopper's saved one (``address_id``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from common.addresses import address_clean
from common.api import ApiError
from orders.checkout.accounts_client import saved_address_get


class AddressIdNeedsSignIn(ApiError):
    status, code = 422, "address_id_needs_sign_in"
    detail = _("Saved addresses belong to your account: sign in or give the shipping address.")


class SavedAddressIncomplete(ApiError):
    status, code = 422, "saved_address_incomplete"
    detail = _("The saved address is incomplete")


class ShippingCountryUnsupported(ApiError):
    status, code = 422, "shipping_country_unsupported"
    detail = _("For now we only deliver in Brazil.")


def shipping_address_resolve(*, body: dict[str, Any], user_id: int | None, authorization: str | None) -> dict:
    """The address the order ships to, checked by the shared rules (``common.addresses``).

    A saved address is read from accounts over HTTP (outside any transaction) and checked again: one saved
    before the Brazilian rules existed may lack número or bairro.
    """
    if body.get("address_id") is not None:
        if user_id is None or not authorization:
            raise AddressIdNeedsSignIn()
        saved = saved_address_get(address_id=body["address_id"], authorization=authorization)
        address, problems = address_clean(saved)
        if problems:
            raise SavedAddressIncomplete(
                _("%(incomplete)s: %(problem)s Correct it in your account or give the address.")
                % {"incomplete": SavedAddressIncomplete.detail, "problem": problems[0].message},
                code=f"saved_address_{problems[0].code}",
            )
    else:
        address = body["shipping_address"]
    if address.get("country") != "BR":
        raise ShippingCountryUnsupported()
    return address
