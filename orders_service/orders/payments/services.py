"""Payment sessions and money movements of orders, through the provider adapter.

Payments knows orders only by id and number (no import of the orders app): orders decides what happens to
an order, payments reports what the provider did and moves money when orders asks it to.

Refunds are two steps so that no provider call ever runs inside a database transaction: orders records a
``pending`` refund (with its own idempotency key) in the transaction of its decision, and
``payment_refunds_send`` asks the provider after the commit. A crash or a failed commit in between leaves
the refund ``pending``; ``payment_refunds_retry`` sends it again under the same key, so the provider
refunds once however often it is asked.
"""

from __future__ import annotations

import logging
import secrets
from datetime import date, datetime
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.api import ApiError
from common.brazil.installments import InstallmentPlan
from common.compiled_queries import CompiledQuery
from common.inserts import rows_insert
from common.updates import values_update
from orders.payments.models import PaymentMethod, PaymentSession, PaymentTransaction
from orders.payments.providers import get_provider
from orders.payments.providers.base import RefundFailed, SessionSpec

logger = logging.getLogger(__name__)


def payment_session_create(
    *,
    order_id: int,
    provider: str,
    amount: Decimal,
    currency: str,
    method: str = PaymentMethod.CARD,
    plan: InstallmentPlan | None = None,
) -> PaymentSession:
    """The order's session, created with it at checkout so its URL can be handed out at once.

    A card session stores the installment plan the shopper chose (1x when none was given)."""
    session = PaymentSession(
        order_id=order_id,
        provider=provider,
        token=secrets.token_urlsafe(24),
        amount=amount,
        currency=currency,
        method=method,
        installments=plan.count if plan else 1,
        installment_amount=plan.amount if plan else None,
        installment_total=plan.total if plan else None,
    )
    rows_insert([session])  # the ORM's create without its per-call compile: one per checkout
    return session


def payment_session_open(
    *,
    session_id: int,
    expires_at: datetime,
    boleto_due_date: date | None = None,
) -> None:
    """Stock is reserved: the session becomes ``creating`` in the caller's transaction, payable until
    ``expires_at``, and the provider is asked to open it (card page, Pix charge, boleto) once that
    transaction commits, never inside it. A crash or a provider outage in between leaves it ``creating``
    for ``payment_sessions_open_pending`` (the housekeeping loop). One ``UPDATE`` (it locks the row itself;
    the caller holds the order's lock, which serializes every step of the order's saga)."""
    values_update(  # its SQL built once
        PaymentSession,
        values={
            "status": PaymentSession.Status.CREATING,
            "expires_at": expires_at,
            "boleto_due_date": boleto_due_date,
            "updated_at": timezone.now(),
        },
        where={"pk": session_id},
    )
    transaction.on_commit(partial(payment_session_provider_open, session_id=session_id), robust=True)


def payment_session_provider_open(*, session_id: int) -> PaymentSession:
    """Ask the provider to open a ``creating`` session, outside any transaction; ``open`` once it answers.

    The provider call carries an idempotency key derived from the session token (Mercado Pago's
    ``X-Idempotency-Key``), so a retry after a timeout, a crash or a concurrent attempt finds the same
    charge instead of making a second one; only the first answer is stored (a conditional update). A
    refusal or an outage is counted on the session, which stays ``creating`` for the next round.
    """
    if _inside_transaction():
        raise RuntimeError("payment_session_provider_open must run outside any database transaction")
    session = _SESSION_WITH_ORDER.first(pk=session_id)
    if session is None:
        raise PaymentSession.DoesNotExist(f"no payment session {session_id}")
    if session.status != PaymentSession.Status.CREATING:
        return session  # opened by another attempt, or closed (cancelled, expired) meanwhile
    spec = SessionSpec(
        order_number=session.order.number,
        token=session.token,
        amount=session.amount,
        currency=session.currency,
        email=session.order.email,
        expires_at=session.expires_at,
        method=session.method,
        installments=session.installments,
        payer_document=session.order.payer_document,
        boleto_due_date=session.boleto_due_date,
    )
    try:
        opened = get_provider(session.provider).create_session(spec=spec)
    except ApiError as exc:
        PaymentSession.objects.filter(pk=session.pk).update(
            provider_attempts=F("provider_attempts") + 1, provider_error=str(exc.detail)[:300]
        )
        logger.warning(
            "payment provider did not open the session; retried by the housekeeping loop",
            extra={"order_number": spec.order_number, "provider": session.provider, "code": exc.code},
        )
        session.refresh_from_db()
        return session
    answer = {
        "status": PaymentSession.Status.OPEN,
        "provider_reference": opened.reference,
        "pix_copy_paste": opened.pix_copy_paste,
        "pix_txid": opened.pix_txid,
        "boleto_digitable_line": opened.boleto_digitable_line,
        "boleto_due_date": opened.boleto_due_date or session.boleto_due_date,
        "provider_error": "",
        "updated_at": timezone.now(),
    }
    # conditional: another attempt (or a close) that got there first stands
    stored = values_update(
        PaymentSession,
        values=answer,
        increment=("provider_attempts",),
        where={"pk": session.pk, "status": PaymentSession.Status.CREATING},
    )
    if not stored:  # another attempt stored its answer first (or the session was closed): theirs stands
        session.refresh_from_db()
        return session
    for field, value in answer.items():  # what the row now holds, without reading it again
        setattr(session, field, value)
    session.provider_attempts += 1
    return session


# Every reserved order's session is read here, after the commit: compiled once (``common.compiled_queries``).
_SESSION_WITH_ORDER = CompiledQuery(
    lambda pk: PaymentSession.objects.select_related("order").filter(pk=pk).order_by(), pk=-7_310_000_031
)


def payment_sessions_open_pending(*, limit: int = 100) -> int:
    """Ask the provider again for every session still ``creating`` (a crash after the commit, an outage);
    returns how many are open now. Sessions whose payment window ran out are left to the expiry."""
    pending = (
        PaymentSession.objects.filter(status=PaymentSession.Status.CREATING, expires_at__gt=timezone.now())
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    opened = [payment_session_provider_open(session_id=pk) for pk in list(pending)]
    return sum(1 for session in opened if session.status == PaymentSession.Status.OPEN)


def payment_session_close(*, order_id: int, paid: bool = False) -> None:
    status = PaymentSession.Status.PAID if paid else PaymentSession.Status.CLOSED
    values_update(PaymentSession, values={"status": status}, where={"order_id": order_id})


def payment_record(
    *,
    order_id: int,
    provider: str,
    kind: str,
    succeeded: bool,
    amount,
    currency: str,
    reference: str = "",
    failure_code: str = "",
    note: str = "",
) -> PaymentTransaction:
    """One line of the payment's ledger (one per webhook: written without the ORM's per-call compile)."""
    row = PaymentTransaction(
        order_id=order_id,
        provider=provider,
        kind=kind,
        status=PaymentTransaction.Status.SUCCEEDED if succeeded else PaymentTransaction.Status.FAILED,
        amount=amount,
        currency=currency,
        provider_reference=reference,
        failure_code=failure_code,
        note=note[:300],
    )
    rows_insert([row])
    return row


class RefundExceedsCharge(ApiError):
    status, code = 409, "refund_exceeds_payment"
    detail = _("The refund exceeds the amount of this payment that can still be given back.")


def payment_refunded_amount(*, charge: PaymentTransaction) -> Decimal:
    """What the charge's refunds (pending or confirmed, not failed) give back together."""
    refunds = PaymentTransaction.objects.filter(refund_of=charge).exclude(status=PaymentTransaction.Status.FAILED)
    return refunds.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def payment_refund_request(
    *, charge: PaymentTransaction, note: str, amount: Decimal | None = None
) -> PaymentTransaction:
    """Record that ``amount`` of ``charge`` (all that is left when None) must go back, ``pending``, in the
    caller's transaction; nothing is sent yet.

    Under the charge's row lock, so concurrent requests cannot together refund more than was paid. Asking
    for the rest of a fully refunded charge returns its last refund (asking twice is harmless); asking for
    more than is left is 409 ``refund_exceeds_payment``.
    """
    with transaction.atomic():
        charge = PaymentTransaction.objects.select_for_update().get(pk=charge.pk)
        left = charge.amount - payment_refunded_amount(charge=charge)
        if amount is None:
            if left <= 0:
                return PaymentTransaction.objects.filter(refund_of=charge).order_by("-id").first()
            amount = left
        if amount <= 0 or amount > left:
            raise RefundExceedsCharge()
        return PaymentTransaction.objects.create(
            order_id=charge.order_id,
            provider=charge.provider,
            kind=PaymentTransaction.Kind.REFUND,
            status=PaymentTransaction.Status.PENDING,
            amount=amount,
            currency=charge.currency,
            idempotency_key=f"refund-{charge.provider}-{secrets.token_hex(16)}",
            note=note[:300],
            refund_of=charge,
        )


def payment_refund_request_order(*, order_id: int, note: str) -> list[PaymentTransaction]:
    """Request the refund of all that is left of every captured charge of the order."""
    charges = PaymentTransaction.objects.filter(
        order_id=order_id, kind=PaymentTransaction.Kind.CHARGE, status=PaymentTransaction.Status.SUCCEEDED
    ).order_by("id")
    refunds = []
    for charge in charges:
        if charge.amount - payment_refunded_amount(charge=charge) > 0:
            refunds.append(payment_refund_request(charge=charge, note=note))
    return refunds


def payment_refund_request_partial(*, order_id: int, amount: Decimal, note: str) -> list[PaymentTransaction]:
    """Request ``amount`` back from the order's captured charges, oldest first (409 when more than is left)."""
    with transaction.atomic():
        charges = list(
            PaymentTransaction.objects.select_for_update()
            .filter(order_id=order_id, kind=PaymentTransaction.Kind.CHARGE, status=PaymentTransaction.Status.SUCCEEDED)
            .order_by("id")
        )
        lefts = [(charge, charge.amount - payment_refunded_amount(charge=charge)) for charge in charges]
        if amount <= 0 or amount > sum((left for _, left in lefts), Decimal("0.00")):
            raise RefundExceedsCharge()
        refunds, still = [], amount
        for charge, left in lefts:
            if still <= 0 or left <= 0:
                continue
            part = min(left, still)
            refunds.append(payment_refund_request(charge=charge, note=note, amount=part))
            still -= part
    return refunds


def payment_captured_and_refunded(*, order_id: int) -> tuple[Decimal, Decimal]:
    """(captured, refunded or being refunded) of the order, for deciding whether it is refunded in full."""
    charges = PaymentTransaction.objects.filter(
        order_id=order_id, kind=PaymentTransaction.Kind.CHARGE, status=PaymentTransaction.Status.SUCCEEDED
    )
    captured = charges.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    refunded = PaymentTransaction.objects.filter(order_id=order_id, kind=PaymentTransaction.Kind.REFUND).exclude(
        status=PaymentTransaction.Status.FAILED
    ).aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    return captured, refunded


def payment_refund_send(*, refund_id: int) -> PaymentTransaction:
    """Ask the provider for one pending refund, outside any transaction, under the refund's idempotency key.

    Success marks it ``succeeded`` with the provider's reference; ``RefundFailed`` keeps it ``pending``
    (counted and logged) for ``payment_refunds_retry``. Sending a refund that already succeeded does nothing.
    """
    refund = PaymentTransaction.objects.select_related("refund_of").get(pk=refund_id)
    if refund.status != PaymentTransaction.Status.PENDING:
        return refund
    try:
        reference = get_provider(refund.provider).refund(
            charge_reference=refund.refund_of.provider_reference,
            amount=refund.amount,
            currency=refund.currency,
            idempotency_key=refund.idempotency_key,
        )
    except RefundFailed as exc:
        PaymentTransaction.objects.filter(pk=refund.pk).update(
            attempts=F("attempts") + 1, failure_code=exc.code[:60], note=f"{refund.note[:200]} | {exc.detail}"[:300]
        )
        logger.warning("refund refused by the provider", extra={"refund_id": refund.pk, "detail": exc.detail})
        refund.refresh_from_db()
        return refund
    PaymentTransaction.objects.filter(pk=refund.pk, status=PaymentTransaction.Status.PENDING).update(
        status=PaymentTransaction.Status.SUCCEEDED, provider_reference=reference, attempts=F("attempts") + 1
    )
    refund.refresh_from_db()
    return refund


def _inside_transaction() -> bool:
    """In a transaction of our own (the test runner's wrapping transaction does not count, as for ``durable``)."""
    return any(not getattr(block, "_from_testcase", False) for block in transaction.get_connection().atomic_blocks)


def payment_refunds_send(refunds: list[PaymentTransaction]) -> list[PaymentTransaction]:
    """Send requested refunds; call after the deciding transaction committed (never inside one)."""
    if _inside_transaction():
        # Still inside a transaction: send once it commits, so a rollback never leaves money moved.
        transaction.on_commit(lambda: payment_refunds_send(refunds))
        return refunds
    return [payment_refund_send(refund_id=refund.pk) for refund in refunds]


def payment_refunds_retry(*, limit: int = 100) -> int:
    """Send again every refund still ``pending`` (a crash, a failed commit or a refusal); returns how many succeeded."""
    pending = PaymentTransaction.objects.filter(
        kind=PaymentTransaction.Kind.REFUND, status=PaymentTransaction.Status.PENDING
    ).values_list("pk", flat=True)[:limit]
    sent = [payment_refund_send(refund_id=pk) for pk in list(pending)]
    return sum(1 for refund in sent if refund.status == PaymentTransaction.Status.SUCCEEDED)
