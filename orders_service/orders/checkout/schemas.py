from __future__ import annotations

from typing import Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from ninja import Schema
from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from common.addresses import AddressIn


class CheckoutIn(Schema):
    """Who and where only: lines and prices come from the cart and the product copy, never from the client."""

    email: str | None = Field(None, max_length=254)
    shipping_address: AddressIn | None = None  # or, for a signed-in shopper, a saved address:
    address_id: int | None = Field(None, ge=1, le=2**63 - 1)
    shipping_method: str | None = Field(None, min_length=1, max_length=64)  # from cart/shipping-quotes; cheapest
    payment_method: Literal["card", "pix", "boleto"] = "card"
    installments: int | None = Field(None, ge=1, le=24)  # card only; 1 when not given
    document: str | None = Field(None, max_length=32)  # CPF or CNPJ; required for pix and boleto

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        try:
            validate_email(value)
        except ValidationError:
            raise ValueError("Enter a valid email address.") from None
        return value

    @model_validator(mode="after")
    def _one_address(self) -> CheckoutIn:
        if (self.shipping_address is None) == (self.address_id is None):
            raise PydanticCustomError(
                "address_required",
                "Informe o endereço de entrega (shipping_address) ou um endereço salvo (address_id), um dos dois.",
            )
        return self
