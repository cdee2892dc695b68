from datetime import datetime

from ninja import Field, Schema


class TicketRedeemIn(Schema):
    ticket: str = Field(max_length=128)
    service: str = Field(max_length=32)


class SignOnOut(Schema):
    sid: str
    access: str
    expires_at: datetime


class SignOnStateOut(Schema):
    active: bool
