"""The order lifecycle in one place: the contract's statuses, the allowed transitions, the one way to move.

pending (stock being reserved) -> awaiting_payment -> paid -> fulfilled -> delivered; or rejected (out of
stock), cancelled, expired (payment window ran out, stock released), refunded (a paid order cancelled).
A paid order catalog could not cover (``catalog.stock_commit_failed``) waits for support as
``paid_out_of_stock``: support ships it once stock is found, or cancels it (refunded).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.api import Conflict
from common.compiled_queries import CompiledQuery
from common.inserts import insert_notifying
from common.updates import rows_update

if TYPE_CHECKING:
    from orders.orders.models import Order


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("Pending (stock being reserved)")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    PAID = "paid", _("Paid")
    PAID_OUT_OF_STOCK = "paid_out_of_stock", _("Paid without stock (needs attention)")
    FULFILLED = "fulfilled", _("Fulfilled (shipped)")
    DELIVERED = "delivered", _("Delivered")
    REJECTED = "rejected", _("Rejected (out of stock)")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired (payment window ran out)")
    REFUNDED = "refunded", _("Refunded")


TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.AWAITING_PAYMENT, OrderStatus.REJECTED, OrderStatus.CANCELLED}),
    OrderStatus.AWAITING_PAYMENT: frozenset({OrderStatus.PAID, OrderStatus.EXPIRED, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.FULFILLED, OrderStatus.REFUNDED, OrderStatus.PAID_OUT_OF_STOCK}),
    OrderStatus.PAID_OUT_OF_STOCK: frozenset({OrderStatus.FULFILLED, OrderStatus.REFUNDED}),
    OrderStatus.FULFILLED: frozenset({OrderStatus.DELIVERED}),
    # Every unit came back in returns and was refunded (orders.returns).
    OrderStatus.DELIVERED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.REJECTED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.EXPIRED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}

# A shopper may cancel until the order ships; a paid order is refunded on the way.
CANCELLABLE = frozenset(
    {OrderStatus.PENDING, OrderStatus.AWAITING_PAYMENT, OrderStatus.PAID, OrderStatus.PAID_OUT_OF_STOCK}
)
# Statuses in which the shopper's money is held: cancelling them refunds.
PAID_STATUSES = frozenset({OrderStatus.PAID, OrderStatus.PAID_OUT_OF_STOCK})


ORDER_STATUS_CHANNEL = "order_status"  # NOTIFY payload: the order's number, at the commit of each move


class IllegalTransition(Conflict):
    code = "illegal_transition"
    detail = _("The order cannot move to that status from its current one.")


def can_transition(*, current: str, to: str) -> bool:
    return to in TRANSITIONS[current]


_LOCKS_BY_ID: dict[type, CompiledQuery] = {}


def _locked_by_id(model: type, pk: int):
    """The row of ``model`` (the order's class: this module is imported by the models) locked, compiled once."""
    query = _LOCKS_BY_ID.get(model)
    if query is None:
        query = _LOCKS_BY_ID[model] = CompiledQuery(
            lambda pk: model.objects.select_for_update().filter(pk=pk).order_by(), pk=-7_310_000_021
        )
    return query.first(pk=pk)


def order_transition(*, order: Order, to: str, actor: str, note: str = "", locked: bool = False) -> Order:
    """Move ``order`` to ``to`` under a row lock, record the step in its history; illegal moves are a 409.

    Re-reads the row with ``select_for_update`` so two concurrent moves of one order are serialized and the
    second sees the first's result. Returns the locked, updated order (callers continue with it).
    ``locked``: the caller read ``order`` with ``select_for_update`` in this same transaction (a saga step's
    ``order_locked``), so it is already the serialized row and is not read again.
    """
    # No savepoint (two round trips per move): an illegal move is refused after the block, having written
    # nothing, so a caller that catches the 409 keeps a usable transaction; a database error fails it whole.
    with transaction.atomic(savepoint=False):
        locked = order if locked else _locked_by_id(type(order), order.pk)
        if locked is None:
            raise type(order).DoesNotExist(f"no order {order.pk}")
        legal = can_transition(current=locked.status, to=to)
        if legal:
            previous = locked.status
            locked.status = to
            fields = ["status", "updated_at"]
            if to == OrderStatus.PAID:
                locked.paid_at = timezone.now()
                fields.append("paid_at")
            rows_update([locked], fields)  # ``save(update_fields=...)``'s write, its SQL built once
            step = locked.history.model(order=locked, from_status=previous, to_status=to, actor=actor, note=note[:500])
            # the history row and, at commit, the wake-up of the order's long-polls, in one statement
            insert_notifying(step, channel=ORDER_STATUS_CHANNEL, payload=locked.number)
    if not legal:
        raise IllegalTransition(
            _("Order %(number)s cannot go from %(current)s to %(to)s.")
            % {"number": locked.number, "current": locked.status, "to": to}
        )
    return locked
