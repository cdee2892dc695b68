"""Writes to carts: create, find-or-merge for a shopper, add/change/remove lines."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.api import Conflict, NotFound
from common.compiled_queries import CompiledQuery
from common.events import publish
from common.events.contracts.orders import CartLineAdded
from common.inserts import rows_insert
from common.updates import values_update
from orders.carts.models import MAX_CART_QUANTITY, MAX_LINE_QUANTITY, Cart, CartLine
from orders.carts.selectors import cart_lines
from orders.products import catalog_client
from orders.products.errors import NotSoldAlone, ProductUnavailable, UnknownSku
from orders.products.models import ProductVariant
from orders.products.selectors import variant_by_sku


class CartNotFound(NotFound):
    code, detail = "cart_not_found", _("No cart matches the X-Cart-Token header (or the signed-in shopper).")


class CartLineNotFound(NotFound):
    code, detail = "cart_line_not_found", _("That line is not in your cart.")


class InsufficientStock(Conflict):
    code, detail = "insufficient_stock", _("Not enough stock for that quantity.")


class QuantityLimitExceeded(Conflict):
    code = "quantity_limit_exceeded"
    detail = format_lazy(
        _("A cart line holds at most {line} units and a cart at most {cart}."),
        line=MAX_LINE_QUANTITY,
        cart=MAX_CART_QUANTITY,
    )


def cart_lock(cart: Cart) -> None:
    """Lock the cart row for the rest of the transaction, marking it changed (one ``UPDATE``); a cart merged
    away (or deleted) meanwhile is a 404."""
    if not values_update(Cart, values={"updated_at": timezone.now()}, where={"pk": cart.pk}):
        raise CartNotFound(_("The cart no longer exists (it was merged into the signed-in shopper's cart)."))


def _line_quantities(cart: Cart, lines: list[CartLine] | None = None) -> dict[str, tuple[int, int]]:
    """``{sku: (line id, quantity)}`` of the cart's ``lines`` (read in one compiled query when not given)."""
    return {line.sku: (line.pk, line.quantity) for line in (cart_lines(cart=cart) if lines is None else lines)}


def _check_limits(*, quantities: dict[str, tuple[int, int]], sku: str, line_quantity: int) -> None:
    """Refuse a line above ``MAX_LINE_QUANTITY`` or a cart above ``MAX_CART_QUANTITY`` (``quantities``: the
    cart's other lines as ``_line_quantities`` read them)."""
    others = sum(quantity for other, (_pk, quantity) in quantities.items() if other != sku)
    if line_quantity > MAX_LINE_QUANTITY or others + line_quantity > MAX_CART_QUANTITY:
        raise QuantityLimitExceeded()


# Every guest request finds its cart by token: compiled once (``common.compiled_queries``).
_GUEST_CART = CompiledQuery(
    lambda token: Cart.objects.filter(token=token, user_id__isnull=True).order_by(),
    token=uuid.UUID("00000000-5eed-4000-8000-00000000ca27"),
)


def _guest_cart(token: str | None, *, lock: bool = False) -> Cart | None:
    try:
        token_uuid = uuid.UUID(str(token))
    except ValueError:
        return None
    if lock:
        return Cart.objects.select_for_update().filter(token=token_uuid, user_id__isnull=True).first()
    return _GUEST_CART.first(token=token_uuid)


def cart_create(*, user_id: int | None) -> tuple[Cart, bool]:
    """``(cart, created)``: a new guest cart, or the signed-in shopper's one cart (created if it was not there)."""
    if user_id is None:
        cart = Cart()
        rows_insert([cart])  # the ORM's create without its per-call compile (one per guest's first line)
        return cart, True
    return Cart.objects.get_or_create(user_id=user_id)


def cart_resolve(*, user_id: int | None, token: str | None, on_merge: Callable[[Cart, Cart], None]) -> Cart:
    """The cart a request means: the guest cart of ``token``, the shopper's own, or both merged into the latter.

    A token of another shopper's cart is never followed: only guest carts are found by token. ``on_merge(source,
    target)`` runs inside the merge's transaction, before the guest cart goes, so what the apps above keep on a
    cart comes along (the entry points use ``promotions.services.cart_for_shopper``: the guest's codes).
    """
    if user_id is None:
        cart = _guest_cart(token) if token else None
        if cart is None:
            raise CartNotFound()
        return cart
    with transaction.atomic():
        cart, _created = Cart.objects.get_or_create(user_id=user_id)
        if token:
            cart = Cart.objects.select_for_update().get(pk=cart.pk)
            guest = _guest_cart(token, lock=True)
            if guest is not None:
                on_merge(guest, cart)
                cart_merge(source=guest, target=cart)
    return cart


def cart_merge(*, source: Cart, target: Cart) -> Cart:
    """Move the guest cart's lines into the shopper's cart (quantities of a shared SKU add up), drop the guest cart.

    The limits hold after the merge too: a line is capped at ``MAX_LINE_QUANTITY`` and the guest's units
    only fill the cart up to ``MAX_CART_QUANTITY`` (what does not fit stays out rather than failing the sign-in).
    """
    with transaction.atomic():
        existing = {line.sku: line for line in target.lines.all()}
        room = MAX_CART_QUANTITY - sum(line.quantity for line in existing.values())
        for line in source.lines.all():
            current = existing[line.sku].quantity if line.sku in existing else 0
            moved = max(0, min(line.quantity, MAX_LINE_QUANTITY - current, room))
            room -= moved
            if line.sku in existing:
                if moved:
                    CartLine.objects.filter(pk=existing[line.sku].pk).update(quantity=F("quantity") + moved)
            elif moved:
                CartLine.objects.filter(pk=line.pk).update(cart=target, quantity=moved)
        source.delete()
        Cart.objects.filter(pk=target.pk).update(updated_at=timezone.now())
    return target


def _check_stock(*, sku: str, quantity: int) -> None:
    available = catalog_client.stock_available(skus=[sku])
    if available is not None and available.get(sku, 0) < quantity:
        raise InsufficientStock(
            _("Only %(available)d of %(sku)s available.") % {"available": available.get(sku, 0), "sku": sku}
        )


def _sellable_variant(sku: str) -> ProductVariant:
    variant = variant_by_sku(sku=sku)
    if variant is None:
        raise UnknownSku()
    if not variant.published:
        raise ProductUnavailable()
    if variant.sale_mode != "regular":  # gifts and samples come with a promotion only
        raise NotSoldAlone()
    return variant


def cart_line_add(*, cart: Cart, sku: str, quantity: int, user_id: int | None) -> list[CartLine]:
    """Add ``quantity`` of ``sku`` at the product copy's price, after asking catalog whether it is there.

    Catalog being down does not stop the shopper: the line is added and the reservation at checkout decides.
    Returns the cart's lines as committed (read under the cart's lock, which every line write takes, plus
    this write), so the answer needs no read of its own.
    """
    variant = _sellable_variant(sku)
    quantities = _line_quantities(cart)
    in_cart = quantities[sku][1] if sku in quantities else 0
    _check_limits(quantities=quantities, sku=sku, line_quantity=in_cart + quantity)
    _check_stock(sku=sku, quantity=in_cart + quantity)
    with transaction.atomic():
        # Locking the cart row serializes additions to one cart, and keeps a merge from deleting it under us;
        # the limits are checked again under the lock (the stock check above is advisory, without a lock).
        cart_lock(cart)
        lines = cart_lines(cart=cart)
        quantities = _line_quantities(cart, lines)
        line = next((other for other in lines if other.sku == sku), None)
        _check_limits(quantities=quantities, sku=sku, line_quantity=(line.quantity if line else 0) + quantity)
        if line is None:
            added = CartLine(cart=cart, sku=sku, name=variant.display_name, quantity=quantity, unit_price=variant.price)
            rows_insert([added])
            lines.append(added)
        else:
            CartLine.objects.filter(pk=line.pk).update(
                quantity=F("quantity") + quantity, unit_price=variant.price, name=variant.display_name
            )
            line.quantity, line.unit_price, line.name = line.quantity + quantity, variant.price, variant.display_name
        publish(
            CartLineAdded(
                sku=sku, quantity=quantity, user_id=user_id, cart_token=str(cart.token), added_at=timezone.now()
            ),
            key=str(cart.token),
        )
    return lines


def cart_line_update(*, cart: Cart, line_id: int, quantity: int) -> None:
    """Set a line's quantity; more than before is checked against catalog like an addition."""
    line = CartLine.objects.filter(cart=cart, pk=line_id).first()
    if line is None:
        raise CartLineNotFound()
    if quantity > line.quantity:
        _sellable_variant(line.sku)
        _check_limits(quantities=_line_quantities(cart), sku=line.sku, line_quantity=quantity)
        _check_stock(sku=line.sku, quantity=quantity)
    with transaction.atomic():
        cart_lock(cart)
        if quantity > line.quantity:  # lowering a quantity is always allowed
            _check_limits(quantities=_line_quantities(cart), sku=line.sku, line_quantity=quantity)
        if not CartLine.objects.filter(cart=cart, pk=line.pk).update(quantity=quantity):
            raise CartLineNotFound()


def cart_line_delete(*, cart: Cart, line_id: int) -> None:
    with transaction.atomic():
        cart_lock(cart)  # like every line write: an addition's answer, read under this lock, stays exact
        deleted, _ = CartLine.objects.filter(cart=cart, pk=line_id).delete()
    if not deleted:
        raise CartLineNotFound()
