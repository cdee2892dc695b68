"""Checkout: turn a cart into a pending order exactly once per Idempotency-Key.

The key is claimed by a unique insert in its own short transaction before any work, so of concurrent
requests with one key exactly one proceeds; the others see the claim (409 while in flight) or, once it
completed, get the stored first answer. A refused checkout (price changed, empty cart ...) releases its
claim so the shopper can retry with the same key after looking at the cart again.

A claim left in flight longer than ``ORDERS_IDEMPOTENCY_STALE_SECONDS`` is taken over by raising its
``claim_version``; completing and releasing are conditional on the version a worker claimed, so the
stale worker, should it wake up, can neither store a second order under the key nor delete the new claim.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

import orjson
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.api import ApiError, Conflict
from common.brazil.documents import InvalidDocument, document_parse
from common.compiled_queries import CompiledQuery
from common.observability import metrics
from common.sealing import reseal, seal, unseal
from common.updates import values_update
from orders.carts.models import MAX_CART_QUANTITY, MAX_LINE_QUANTITY, Cart, CartLine
from orders.carts.selectors import cart_lines as cart_lines_of
from orders.carts.services import CartNotFound, QuantityLimitExceeded
from orders.checkout.addressing import shipping_address_resolve
from orders.checkout.discounts import checkout_discounts_price, checkout_discounts_record
from orders.checkout.models import IDEMPOTENCY_KEY_MAX_LENGTH, IdempotencyKey
from orders.orders.selectors import order_detail
from orders.orders.services import PaymentChoice, PlacedLine, order_place
from orders.payments.models import PaymentMethod
from orders.products.errors import ProductUnavailable
from orders.products.models import ProductVariant
from orders.products.selectors import variants_by_sku
from orders.promotions.services import cart_for_shopper
from orders.shipping.parcels import ShippingQuote
from orders.shipping.quotes import shipping_quote_check_fresh, shipping_quote_for


class IdempotencyKeyRequired(ApiError):
    status, code, detail = 400, "idempotency_key_required", _("Send an Idempotency-Key header with every checkout.")


class IdempotencyKeyTooLong(ApiError):
    status, code = 400, "idempotency_key_too_long"
    detail = format_lazy(
        _("The Idempotency-Key may be at most {count} characters long."), count=IDEMPOTENCY_KEY_MAX_LENGTH
    )


class IdempotencyKeyReused(ApiError):
    status, code = 422, "idempotency_key_reused"
    detail = _("This Idempotency-Key was already used with a different request.")


class IdempotencyRequestInProgress(Conflict):
    code, detail = "idempotency_request_in_progress", _("A checkout with this Idempotency-Key is still running.")


class ClaimSuperseded(IdempotencyRequestInProgress):
    """This worker's claim was taken over while it ran (it was presumed dead): its work is rolled back."""

    detail = _("This checkout took too long and was taken over by a retry with the same Idempotency-Key.")


class CartEmpty(Conflict):
    code, detail = "cart_empty", _("The cart has no lines to check out.")


class EmailRequired(ApiError):
    status, code, detail = 422, "email_required", _("Guests must give an email address.")


class DocumentRequired(ApiError):
    status, code = 422, "document_required"
    detail = _("Give the payer's CPF or CNPJ: Pix and boleto require the document.")


class DocumentInvalid(ApiError):
    status, code = 422, "invalid_document"
    detail = _("Invalid CPF or CNPJ: check the digits.")


class InstallmentsCardOnly(ApiError):
    status, code = 422, "installments_card_only"
    detail = _("Installments exist only with a credit card.")


def payment_choice_parse(body: dict[str, Any]) -> PaymentChoice:
    """The method, installments and payer document of a checkout body, checked (4xx with a code otherwise).

    The document is validated by its check digits (CPF, or CNPJ including the alphanumeric one) and kept
    normalised; an error never repeats it (LGPD: documents are not echoed or logged)."""
    method = body.get("payment_method") or PaymentMethod.CARD
    installments = body.get("installments")
    if installments is not None and method != PaymentMethod.CARD:
        raise InstallmentsCardOnly()
    raw_document = (body.get("document") or "").strip()
    if not raw_document and method in (PaymentMethod.PIX, PaymentMethod.BOLETO):
        raise DocumentRequired()
    document = ""
    if raw_document:
        try:
            document = document_parse(raw_document).value
        except InvalidDocument as exc:
            kind = {"invalid_cpf": _("Invalid CPF"), "invalid_cnpj": _("Invalid CNPJ")}.get(exc.reason)
            raise DocumentInvalid(_("%(kind)s: check the digits.") % {"kind": kind} if kind else None) from None
    return PaymentChoice(method=method, installments=installments or 1, document=document)


class PriceChanged(Conflict):
    code = "price_changed"

    def __init__(self, changes: dict[str, tuple[Decimal, Decimal]]):
        self.changes = changes
        listed = ", ".join(f"{sku} {old} -> {new}" for sku, (old, new) in sorted(changes.items()))
        super().__init__(
            _("Prices changed since they were added to the cart: %(changes)s. Review the cart and retry.")
            % {"changes": listed}
        )


# Payment fields at their defaults mean the same request as without them (and as before they existed).
_PAYMENT_DEFAULTS = {
    "payment_method": PaymentMethod.CARD.value,
    "installments": None,
    "document": None,
    "address_id": None,
    "shipping_method": None,
}


def request_fingerprint(*, body: dict[str, Any], owner: str) -> str:
    """sha256 of the canonical JSON body and who sent it: same key + other body or other shopper = reuse."""
    meaningful = {k: v for k, v in body.items() if k not in _PAYMENT_DEFAULTS or v != _PAYMENT_DEFAULTS[k]}
    canonical = orjson.dumps(meaningful, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(owner.encode() + b"\n" + canonical).hexdigest()


def _claim(*, key: str, fingerprint: str) -> tuple[IdempotencyKey | None, IdempotencyKey | None]:
    """``(claim, None)`` when this request owns the key now; ``(None, completed)`` for a replay."""
    for _attempt in range(3):
        try:
            # In autocommit (a request) the insert is its own transaction; inside one, a savepoint keeps the
            # caller's transaction usable when the key is taken.
            with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
                return IdempotencyKey.objects.create(key=key, fingerprint=fingerprint), None
        except IntegrityError:
            existing = IdempotencyKey.objects.filter(key=key).first()
        if existing is None:
            continue  # the first request failed and released the key meanwhile: claim again
        if existing.fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        if existing.state == IdempotencyKey.State.COMPLETED:
            return None, existing
        stale_before = timezone.now() - timedelta(seconds=settings.ORDERS_IDEMPOTENCY_STALE_SECONDS)
        if existing.created_at < stale_before and IdempotencyKey.objects.filter(
            pk=existing.pk, state=IdempotencyKey.State.IN_PROGRESS, claim_version=existing.claim_version
        ).update(created_at=timezone.now(), claim_version=F("claim_version") + 1):
            # Its worker presumably died mid-request: take the claim over under the next version.
            existing.claim_version += 1
            return existing, None
        raise IdempotencyRequestInProgress()
    raise IdempotencyRequestInProgress()


def _claim_fence(claim: IdempotencyKey) -> dict:
    """What the claim's row must still be for this worker to write it: same version, still in flight."""
    return {"pk": claim.pk, "claim_version": claim.claim_version, "state": IdempotencyKey.State.IN_PROGRESS}


def _claim_fenced(claim: IdempotencyKey):
    """The claim's row only while this worker still holds it (``_claim_fence``)."""
    return IdempotencyKey.objects.filter(**_claim_fence(claim))


def _priced_lines(cart_lines: list[CartLine], variants: dict[str, ProductVariant]) -> list[PlacedLine]:
    """Price each line from the product copy; unpublished -> 409, a price unlike the cart's -> PriceChanged."""
    changes: dict[str, tuple[Decimal, Decimal]] = {}
    priced = []
    if any(line.quantity > MAX_LINE_QUANTITY for line in cart_lines) or (
        sum(line.quantity for line in cart_lines) > MAX_CART_QUANTITY
    ):
        raise QuantityLimitExceeded()
    for line in cart_lines:
        variant = variants.get(line.sku)
        if variant is None or not variant.published:
            raise ProductUnavailable(
                _("%(sku)s (%(name)s) is no longer sold; remove it from the cart.")
                % {"sku": line.sku, "name": line.name}
            )
        if variant.price != line.unit_price:
            changes[line.sku] = (line.unit_price, variant.price)
        priced.append(
            PlacedLine(sku=line.sku, name=variant.display_name, quantity=line.quantity, unit_price=variant.price)
        )
    if changes:
        raise PriceChanged(changes)
    return priced


def cart_lines_reprice(*, cart: Cart, changes: dict[str, tuple[Decimal, Decimal]]) -> None:
    """Show the shopper the current prices the checkout refused on."""
    with transaction.atomic():
        for sku, (_old, new) in changes.items():
            CartLine.objects.filter(cart=cart, sku=sku).update(unit_price=new)


_CART_LOCKED = CompiledQuery(lambda pk: Cart.objects.select_for_update().filter(pk=pk).order_by(), pk=-7_310_000_031)


def checkout_place_order(
    *,
    cart: Cart,
    user_id: int | None,
    email: str,
    shipping_address: dict,
    actor: str,
    shipping: ShippingQuote,
    payment: PaymentChoice | None = None,
):
    """Lock the cart, price it again, create the order and empty the cart, all in one transaction."""
    # No savepoint: checkout runs this inside its own transaction, and any failure here fails all of it.
    with transaction.atomic(savepoint=False):
        locked = _CART_LOCKED.first(pk=cart.pk)
        if locked is None:  # merged into the shopper's cart (or deleted) since the request found it
            raise CartNotFound(_("The cart no longer exists (it was merged into the signed-in shopper's cart)."))
        cart = locked
        cart_lines = cart_lines_of(cart=cart)  # read under the lock
        if not cart_lines:
            raise CartEmpty()
        variants = variants_by_sku(skus=[line.sku for line in cart_lines])
        lines = _priced_lines(cart_lines, variants)
        shipping_quote_check_fresh(quote=shipping, lines=[(line.sku, line.quantity) for line in cart_lines])
        priced = checkout_discounts_price(
            cart=cart,
            lines=lines,
            variants=variants,
            user_id=user_id,
            email=email,
            payment=payment or PaymentChoice(),
            shipping=shipping.price,
        )
        order = order_place(
            user_id=user_id,
            email=email,
            shipping_address=shipping_address,
            lines=priced.lines,
            actor=actor,
            shipping=shipping,
            payment=payment,
            discounts=priced.discounts,
        )
        checkout_discounts_record(order=order, priced=priced, cart=cart)
        cart.lines.all().delete()
    return order


def answer_to_store(answer: dict[str, Any]) -> dict[str, Any]:
    """The answer as the idempotency record keeps it: a guest's access token sealed, never in clear."""
    stored = dict(answer)
    token = stored.pop("access_token", None)
    if token:
        stored["access_token_sealed"] = seal(token)
    elif "access_token" in answer:
        stored["access_token"] = None
    return stored


def answer_from_store(stored: dict[str, Any]) -> dict[str, Any]:
    """The stored answer as a replay of the same key sends it: the same access token in clear."""
    answer = dict(stored)
    sealed = answer.pop("access_token_sealed", None)
    if sealed:
        answer["access_token"] = unseal(sealed)
    return answer


def checkout(
    *,
    idempotency_key: str | None,
    body: dict[str, Any],
    user_id: int | None,
    user_email: str | None,
    cart_token: str | None,
    authorization: str | None = None,
) -> tuple[int, dict[str, Any]]:
    """Run (or replay) one checkout; returns ``(status, body)`` of the answer to send.

    The saved address (accounts, with the shopper's ``authorization``) and the fresh shipping quote (maybe
    a carrier) are read over HTTP before the transaction."""
    key = (idempotency_key or "").strip()
    if not key:
        raise IdempotencyKeyRequired()
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise IdempotencyKeyTooLong()
    cart = cart_for_shopper(user_id=user_id, token=cart_token)
    owner = f"user:{user_id}" if user_id is not None else f"cart:{cart.token}"
    claim, completed = _claim(key=key, fingerprint=request_fingerprint(body=body, owner=owner))
    if completed is not None:
        return completed.response_status, answer_from_store(completed.response_body)
    # A signed-in shopper's order goes to the account's address, whatever the body says.
    email = user_email if user_id is not None else body.get("email")
    started = time.perf_counter()
    try:
        if not email:
            raise EmailRequired()
        payment = payment_choice_parse(body)
        address = shipping_address_resolve(body=body, user_id=user_id, authorization=authorization)
        shipping = shipping_quote_for(cart=cart, postal_code=address["postal_code"], method=body.get("shipping_method"))
        actor = f"shopper:{user_id}" if user_id is not None else "guest"
        with transaction.atomic():
            order = checkout_place_order(
                cart=cart,
                user_id=user_id,
                email=email,
                shipping_address=address,
                actor=actor,
                shipping=shipping,
                payment=payment,
            )
            answer = orjson.loads(orjson.dumps(order_detail(order=order, with_history=False), default=str))
            if order.access_token:
                answer["access_token"] = order.access_token
            if not values_update(  # the queryset update's filter cost more CPU to build than to run
                IdempotencyKey,
                values={
                    "state": IdempotencyKey.State.COMPLETED,
                    "response_status": 201,
                    "response_body": answer_to_store(answer),
                    "order": order.pk,
                    "completed_at": timezone.now(),
                },
                where=_claim_fence(claim),
            ):
                raise ClaimSuperseded()  # rolls the order back: the worker that took over makes it
    except BaseException as exc:
        if isinstance(exc, PriceChanged):
            cart_lines_reprice(cart=cart, changes=exc.changes)
        _claim_fenced(claim).delete()  # refused: the same key may be tried again (unless taken over)
        raise
    metrics.CHECKOUT_LATENCY.observe(time.perf_counter() - started)
    return 201, answer


def idempotency_answers_reseal() -> int:
    """Seal the guest tokens of stored checkout answers again with the first sealing key; returns how many."""
    count = 0
    for key in IdempotencyKey.objects.filter(response_body__has_key="access_token_sealed").iterator():
        body = {**key.response_body, "access_token_sealed": reseal(key.response_body["access_token_sealed"])}
        IdempotencyKey.objects.filter(pk=key.pk).update(response_body=body)
        count += 1
    return count


def idempotency_keys_purge(*, older_than: timedelta) -> int:
    """Forget completed keys older than ``older_than`` (a retry that late makes a new order, as with PSPs)."""
    cutoff = timezone.now() - older_than
    deleted, _ = IdempotencyKey.objects.filter(state=IdempotencyKey.State.COMPLETED, created_at__lt=cutoff).delete()
    return deleted
