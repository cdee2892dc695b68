from __future__ import annotations

from typing import Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from ninja import Schema
from pydantic import Field, field_validator


class ShippingAddressIn(Schema):
    full_name: str = Field(min_length=1, max_length=200)
    line1: str = Field(min_length=1, max_length=200)
    line2: str = Field("", max_length=200)
    city: str = Field(min_length=1, max_length=100)
    state: str = Field(min_length=1, max_length=100)
    postal_code: str = Field(min_length=1, max_length=20)
    country: str = Field("BR", min_length=2, max_length=2)
    phone: str = Field("", max_length=30)


class CheckoutIn(Schema):
    """Who and where only: lines and prices come from the cart and the product copy, never from the client."""

    email: str | None = Field(None, max_length=254)
    shipping_address: ShippingAddressIn
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
