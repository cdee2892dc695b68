"""Where a checkout ships: the address in the body, or a signed-in shopper's saved one (``address_id``)."""

from __future__ import annotations

from typing import Any

from common.addresses import address_clean
from common.api import ApiError
from orders.checkout.accounts_client import saved_address_get


class AddressIdNeedsSignIn(ApiError):
    status, code = 422, "address_id_needs_sign_in"
    detail = "Endereços salvos são da sua conta: entre na conta ou informe o endereço de entrega."


class SavedAddressIncomplete(ApiError):
    status, code = 422, "saved_address_incomplete"
    detail = "O endereço salvo está incompleto"


class ShippingCountryUnsupported(ApiError):
    status, code = 422, "shipping_country_unsupported"
    detail = "Por enquanto entregamos só no Brasil."


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
                f"{SavedAddressIncomplete.detail}: {problems[0].message} Corrija-o na sua conta ou informe o endereço.",
                code=f"saved_address_{problems[0].code}",
            )
    else:
        address = body["shipping_address"]
    if address.get("country") != "BR":
        raise ShippingCountryUnsupported()
    return address
