from ninja import Schema

from common.addresses import AddressIn
from common.api import Page

__all__ = ["AddressIn", "AddressOut", "AddressPage"]


class AddressOut(Schema):
    id: int
    full_name: str
    line1: str
    number: str
    line2: str
    neighborhood: str
    city: str
    state: str
    postal_code: str
    country: str
    phone: str


AddressPage = Page[AddressOut]
