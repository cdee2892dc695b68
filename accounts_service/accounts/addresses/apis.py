"""``me/addresses``: the caller's own addresses only."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from accounts.addresses import selectors, services
from accounts.addresses.schemas import AddressIn, AddressOut, AddressPage
from accounts.tokens.auth import AccessTokenAuth
from common.api import ErrorOut, PageParams, page_of, paginate

router = Router(tags=["addresses"], auth=AccessTokenAuth())

FIELDS = ("id", "full_name", "line1", "line2", "city", "state", "postal_code", "country", "phone")


@router.get("/me/addresses", response={200: AddressPage, 401: ErrorOut})
def address_list(request: HttpRequest, params: Query[PageParams]):
    rows, count = paginate(selectors.address_list(user=request.auth).values(*FIELDS), params)
    return page_of(list(rows), count=count, params=params)


@router.post("/me/addresses", response={201: AddressOut, 401: ErrorOut, 409: ErrorOut})
def address_create(request: HttpRequest, payload: AddressIn):
    address = services.address_create(user=request.auth, **payload.dict())
    return Status(201, address)


@router.delete("/me/addresses/{address_id}", response={204: None, 401: ErrorOut, 404: ErrorOut})
def address_delete(request: HttpRequest, address_id: int):
    services.address_delete(user=request.auth, address_id=address_id)
    return Status(204, None)
