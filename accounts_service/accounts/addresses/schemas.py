from ninja import Field, Schema

from common.api import Page


class AddressIn(Schema):
    full_name: str = Field(min_length=1, max_length=150)
    line1: str = Field(min_length=1, max_length=200)
    line2: str = Field("", max_length=200)
    city: str = Field(min_length=1, max_length=100)
    state: str = Field(min_length=1, max_length=100)
    postal_code: str = Field(min_length=1, max_length=20)
    country: str = Field("BR", min_length=2, max_length=2)
    phone: str = Field("", max_length=30)


class AddressOut(Schema):
    id: int
    full_name: str
    line1: str
    line2: str
    city: str
    state: str
    postal_code: str
    country: str
    phone: str


AddressPage = Page[AddressOut]
