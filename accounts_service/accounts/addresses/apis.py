"""``me/addresses``: the caller's own addresses only (someone else's id is 404, as if it did not exist).

``GET me/addresses/{id}`` is also how orders reads the saved address a signed-in shopper checks out
with: orders forwards the shopper's own bearer token, so it can read exactly what the shopper can.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from accounts.addresses import selectors, services
from accounts.addresses.schemas import AddressIn, AddressOut, AddressPage
from accounts.tokens.auth import AccessTokenAuth
from common.addresses import ADDRESS_FIELDS
from common.api import ErrorOut, PageParams, UnprocessableOut, page_of, paginate

router = Router(tags=["addresses"], auth=AccessTokenAuth())

FIELDS = ("id", *ADDRESS_FIELDS)


@router.get("/me/addresses", response={200: AddressPage, 401: ErrorOut})
def address_list(request: HttpRequest, params: Query[PageParams]):
    rows, count = paginate(selectors.address_list(user=request.auth).values(*FIELDS), params)
    return page_of(list(rows), count=count, params=params)


@router.post("/me/addresses", response={201: AddressOut, 401: ErrorOut, 409: ErrorOut, 422: UnprocessableOut})
def address_create(request: HttpRequest, payload: AddressIn):
    address = services.address_create(user=request.auth, **payload.dict())
    return Status(201, address)


@router.get("/me/addresses/{address_id}", response={200: AddressOut, 401: ErrorOut, 404: ErrorOut})
def address_detail(request: HttpRequest, address_id: int):
    return selectors.address_get(user=request.auth, address_id=address_id)


@router.delete("/me/addresses/{address_id}", response={204: None, 401: ErrorOut, 404: ErrorOut})
def address_delete(request: HttpRequest, address_id: int):
    services.address_delete(user=request.auth, address_id=address_id)
    return Status(204, None)
