"""Server-to-server endpoints of the one admin sign-in (the other admins call them; the ticket and the
sid are the secrets, never shown to anyone but the person's own browser and the admin it entered)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from accounts.signon import selectors, services
from accounts.signon.schemas import SignOnOut, SignOnStateOut, TicketRedeemIn
from common.api import ErrorOut

router = Router(tags=["admin sign-on"])


@router.post("/sso/tickets/redeem", response={200: SignOnOut, 400: ErrorOut}, auth=None)
def ticket_redeem(request: HttpRequest, payload: TicketRedeemIn):
    """A one-time ticket for the sign-on's sid and an access token describing the person."""
    redeemed = services.signon_ticket_redeem(ticket=payload.ticket, service=payload.service)
    return {"sid": redeemed.sid, "access": redeemed.access, "expires_at": redeemed.expires_at}


@router.get("/sso/sessions/{sid}", response={200: SignOnStateOut}, auth=None)
def session_state(request: HttpRequest, sid: str):
    """Whether a sign-on is still open (the other admins ask on each request of a signed-in person)."""
    return {"active": selectors.signon_is_active(sid=sid)}


@router.post("/sso/sessions/{sid}/end", response={204: None}, auth=None)
def session_end(request: HttpRequest, sid: str):
    """Sign the person out of every admin (idempotent)."""
    services.signon_end(sid=sid)
    return Status(204, None)
