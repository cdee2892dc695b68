"""Internal notes of customer support on an order."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from common.api import ApiError
from orders.orders.models import Order, OrderNote


class NoteEmpty(ApiError):
    status, code, detail = 422, "note_empty", _("Write the note before saving it.")


def order_note_add(*, order: Order, author: str, body: str) -> OrderNote:
    body = (body or "").strip()
    if not body:
        raise NoteEmpty()
    return OrderNote.objects.create(order=order, author=author[:200], body=body[:2000])
