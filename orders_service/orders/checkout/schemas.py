from __future__ import annotations

from typing import Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from ninja import Schema
from pydantic import Field, field_validator

from common.addresses import AddressIn


class CheckoutIn(Schema):
    """Who and where only: lines and prices come from the cart and the product copy, never from the client."""

    email: str | None = Field(None, max_length=254)
    shipping_address: AddressIn
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
