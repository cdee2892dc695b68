"""The sandbox PSP itself: takes test cards, Pix and boleto on its hosted page, keeps its charges, owes webhooks.

Test cards: 4242 4242 4242 4242 approves; 4000 0000 0000 0002 is declined; 4000 0000 0000 0077 approves
after ``SANDBOX_DELAYED_APPROVAL_SECONDS``. Pix and boleto are paid with the page's "simulate" buttons
(a boleto's webhook comes ``SANDBOX_BOLETO_SETTLEMENT_SECONDS`` later, as a bank reports it days later).
It talks to orders only through signed webhooks, resent with backoff until answered 2xx, exactly as an
external provider would.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import httpx
import orjson
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.api import ApiError, NotFound
from common.compiled_queries import CompiledQuery
from common.http import http_client
from common.inserts import rows_insert
from orders.money import money
from orders.payments.models import PaymentSession, SandboxCharge, SandboxWebhook
from orders.payments.providers.sandbox import SIGNATURE_HEADER, sandbox_sign

APPROVE, DECLINE, APPROVE_LATER = "4242424242424242", "4000000000000002", "4000000000000077"
TEST_CARDS = {
    APPROVE: _("approves"),
    DECLINE: _("is declined"),
    APPROVE_LATER: _("approves after a few seconds"),
}
MAX_BACKOFF_SECONDS = 300

# send(url, body, headers) -> HTTP status; tests pass one that goes through Django's test client.
Sender = Callable[[str, bytes, dict[str, str]], int]


class SessionNotFound(NotFound):
    code, detail = "payment_session_not_found", _("Payment not found.")


class SessionNotPayable(ApiError):
    status, code, detail = 409, "payment_session_not_payable", _("This payment cannot be made now.")


class UnknownTestCard(ApiError):
    status, code, detail = 422, "unknown_test_card", _("The sandbox accepts only its test cards.")


@dataclass(frozen=True)
class CardOutcome:
    charge: SandboxCharge
    delayed: bool


# The hosted page reads its session on every GET and POST: compiled once (``common.compiled_queries``).
_SANDBOX_SESSION = CompiledQuery(
    lambda token, order_number: (
        PaymentSession.objects.select_related("order")
        .filter(provider="sandbox", token=token, order__number=order_number)
        .order_by()
    ),
    token="\x00token",
    order_number="\x00order-number",
)


def sandbox_session(*, order_number: str, token: str) -> PaymentSession:
    session = _SANDBOX_SESSION.first(token=token, order_number=order_number)
    if session is None:
        raise SessionNotFound()
    return session


_SUCCESSFUL_CHARGES = CompiledQuery(
    lambda reference: SandboxCharge.objects.filter(session_reference=reference, succeeded=True),
    reference="\x00session-reference",
)
_SESSION_LOCKED = CompiledQuery(
    lambda pk: PaymentSession.objects.select_for_update().select_related("order").filter(pk=pk).order_by(),
    pk=-7_310_000_041,
)


def sandbox_successful_charge(*, session: PaymentSession) -> SandboxCharge | None:
    """The session's successful charge (the latest, should there be more), or None."""
    return _SUCCESSFUL_CHARGES.first(reference=session.provider_reference)


def _sandbox_charge(
    *, session: PaymentSession, method: str, approved: bool, card_last4: str = "", deliver_in: float = 0
) -> SandboxCharge:
    """Record a charge on an open session and queue the webhook that tells orders about it."""
    with transaction.atomic():
        session = _SESSION_LOCKED.first(pk=session.pk)
        if session is None:
            raise SessionNotFound()
        if session.status != PaymentSession.Status.OPEN or (
            session.expires_at and session.expires_at <= timezone.now()
        ):
            raise SessionNotPayable()
        if session.method != method:
            raise SessionNotPayable(_("This payment was created for another payment method."))
        if sandbox_successful_charge(session=session):
            raise SessionNotPayable(_("This payment was already made."))
        # Both rows without the ORM's per-call compile (``rows_insert``): one charge and one webhook per payment.
        charge = SandboxCharge(
            reference=f"ch_{secrets.token_hex(12)}",
            session_reference=session.provider_reference,
            order_number=session.order.number,
            amount=session.amount,
            currency=session.currency,
            succeeded=approved,
            method=method,
            card_last4=card_last4,
        )
        rows_insert([charge])
        event_id = f"evt_{secrets.token_hex(12)}"
        event_type = "payment.succeeded" if approved else "payment.failed"
        webhook = SandboxWebhook(
            event_id=event_id,
            event_type=event_type,
            payload={
                "id": event_id,
                "type": event_type,
                "created": int(time.time()),
                "data": {
                    "session": session.provider_reference,
                    "order_number": session.order.number,
                    "charge": charge.reference,
                    "method": method,
                    "amount": money(session.amount),
                    "currency": session.currency,
                    "failure_code": "" if approved else "card_declined",
                },
            },
            deliver_after=timezone.now() + timedelta(seconds=deliver_in),
        )
        rows_insert([webhook])
    return charge


def sandbox_card_submit(*, session: PaymentSession, card_number: str) -> CardOutcome:
    """Charge a test card on an open card session and queue the webhook that tells orders about it."""
    digits = "".join(ch for ch in card_number if ch.isascii() and ch.isdigit())
    if digits not in TEST_CARDS:
        raise UnknownTestCard()
    delayed = digits == APPROVE_LATER
    charge = _sandbox_charge(
        session=session,
        method="card",
        approved=digits != DECLINE,
        card_last4=digits[-4:],
        deliver_in=settings.SANDBOX_DELAYED_APPROVAL_SECONDS if delayed else 0,
    )
    return CardOutcome(charge=charge, delayed=delayed)


def sandbox_pix_simulate(*, session: PaymentSession) -> SandboxCharge:
    """ "Simulate Pix payment": the payer's bank settled the BR Code; the webhook goes out at once (Pix is instant)."""
    return _sandbox_charge(session=session, method="pix", approved=True)


def sandbox_boleto_simulate(*, session: PaymentSession) -> SandboxCharge:
    """ "Simulate boleto payment": paid at a bank now; the bank reports it after
    ``SANDBOX_BOLETO_SETTLEMENT_SECONDS`` (days in real life, seconds in the sandbox)."""
    return _sandbox_charge(
        session=session, method="boleto", approved=True, deliver_in=settings.SANDBOX_BOLETO_SETTLEMENT_SECONDS
    )


def _http_send(url: str, body: bytes, headers: dict[str, str]) -> int:
    return http_client().post(url, content=body, headers=headers, timeout=5.0).status_code


def _attempt(send: Sender, webhook: SandboxWebhook) -> tuple[int, str]:
    """POST one webhook, signed now; (HTTP status or 0, error text). Touches no database."""
    body = orjson.dumps(webhook.payload)
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sandbox_sign(raw_body=body, timestamp=int(time.time())),
    }
    try:
        return send(settings.SANDBOX_WEBHOOK_URL, body, headers), ""
    except httpx.HTTPError as exc:
        return 0, str(exc)[:300]


def sandbox_webhooks_deliver_due(*, send: Sender | None = None, limit: int = 100, concurrency: int = 1) -> int:
    """POST every due webhook, freshly signed; 2xx marks it delivered, anything else retries with backoff
    (at most ``SANDBOX_WEBHOOK_MAX_ATTEMPTS`` attempts, then it is abandoned).

    Up to ``concurrency`` requests are in flight at once (threads do only HTTP; results are written here).
    No transaction is held while sending (the receiver writes to the same database). Run one loop.
    """
    send = send or _http_send
    due = list(
        SandboxWebhook.objects.filter(
            delivered_at__isnull=True, abandoned_at__isnull=True, deliver_after__lte=timezone.now()
        )[:limit]
    )
    if concurrency > 1 and len(due) > 1:
        with ThreadPoolExecutor(max_workers=min(concurrency, len(due))) as pool:
            outcomes = list(pool.map(lambda webhook: _attempt(send, webhook), due))
    else:
        outcomes = [_attempt(send, webhook) for webhook in due]
    delivered = 0
    for webhook, (status, error) in zip(due, outcomes, strict=True):
        if 200 <= status < 300:
            SandboxWebhook.objects.filter(pk=webhook.pk).update(
                delivered_at=timezone.now(), attempts=webhook.attempts + 1
            )
            delivered += 1
        else:
            attempts = webhook.attempts + 1
            backoff = min(MAX_BACKOFF_SECONDS, 2 ** min(webhook.attempts, 9))
            SandboxWebhook.objects.filter(pk=webhook.pk).update(
                attempts=attempts,
                deliver_after=timezone.now() + timedelta(seconds=backoff),
                last_error=error or f"HTTP {status}",
                # Bounded, like a PSP's retry schedule: the last attempt gives up (the admin shows it).
                abandoned_at=timezone.now() if attempts >= settings.SANDBOX_WEBHOOK_MAX_ATTEMPTS else None,
            )
    return delivered


def sandbox_dispute_open(*, charge: SandboxCharge, reason: str = "fraud") -> SandboxWebhook:
    """The card holder contests ``charge`` at the bank: the PSP notifies a chargeback (for tests and demos)."""
    return _sandbox_notify(
        charge=charge, event_type="payment.disputed", dispute=f"dp_{charge.reference[3:]}", reason=reason
    )


def sandbox_dispute_close(*, charge: SandboxCharge, outcome: str) -> SandboxWebhook:
    """The bank decided the chargeback: ``won`` (the shop keeps the money) or ``lost``."""
    return _sandbox_notify(
        charge=charge, event_type="dispute.closed", dispute=f"dp_{charge.reference[3:]}", reason=outcome
    )


def _sandbox_notify(*, charge: SandboxCharge, event_type: str, dispute: str, reason: str) -> SandboxWebhook:
    event_id = f"evt_{secrets.token_hex(12)}"
    return SandboxWebhook.objects.create(
        event_id=event_id,
        event_type=event_type,
        payload={
            "id": event_id,
            "type": event_type,
            "created": int(time.time()),
            "data": {
                "session": charge.session_reference,
                "order_number": charge.order_number,
                "charge": charge.reference,
                "method": charge.method,
                "amount": money(charge.amount),
                "currency": charge.currency,
                "dispute": dispute,
                "reason": reason,
            },
        },
        deliver_after=timezone.now(),
    )
