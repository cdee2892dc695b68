from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from ninja import Schema
from pydantic import Field, field_validator

from common.addresses import AddressIn


class CheckoutIn(Schema):
    """Who and where only: lines and prices come from the cart and the product copy, never from the client."""

    email: str | None = Field(None, max_length=254)
    shipping_address: AddressIn

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
