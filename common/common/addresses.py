"""The postal address schema of the contract (shared/API.md, "Addresses"), once: accounts' address
book and orders' checkout accept the same fields with the same limits."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

FULL_NAME_MAX = 150
LINE_MAX = 200
CITY_MAX = 100
STATE_MAX = 100
POSTAL_CODE_MAX = 20
PHONE_MAX = 30


class AddressIn(Schema):
    full_name: str = Field(min_length=1, max_length=FULL_NAME_MAX)
    line1: str = Field(min_length=1, max_length=LINE_MAX)
    line2: str = Field("", max_length=LINE_MAX)
    city: str = Field(min_length=1, max_length=CITY_MAX)
    state: str = Field(min_length=1, max_length=STATE_MAX)
    postal_code: str = Field(min_length=1, max_length=POSTAL_CODE_MAX)
    country: str = Field("BR", min_length=2, max_length=2)
    phone: str = Field("", max_length=PHONE_MAX)
