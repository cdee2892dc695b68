"""A return's life: requested -> approved -> received -> refunded, or requested -> rejected."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from common.api import Conflict
from orders.returns.models import ReturnStatus

RETURN_TRANSITIONS: dict[str, frozenset[str]] = {
    ReturnStatus.REQUESTED: frozenset({ReturnStatus.APPROVED, ReturnStatus.REJECTED}),
    ReturnStatus.APPROVED: frozenset({ReturnStatus.RECEIVED}),
    ReturnStatus.RECEIVED: frozenset({ReturnStatus.REFUNDED}),
    ReturnStatus.REJECTED: frozenset(),
    ReturnStatus.REFUNDED: frozenset(),
}
# Returns whose units are counted as coming back (a rejected return gives its units back to the order).
ACTIVE_RETURN_STATUSES = frozenset(
    {ReturnStatus.REQUESTED, ReturnStatus.APPROVED, ReturnStatus.RECEIVED, ReturnStatus.REFUNDED}
)


class ReturnIllegalTransition(Conflict):
    code = "return_illegal_transition"
    detail = _("The return cannot take that step from its current status.")


def return_can_move(*, current: str, to: str) -> bool:
    return to in RETURN_TRANSITIONS[current]
