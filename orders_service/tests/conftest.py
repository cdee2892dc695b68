"""Fixtures of the orders suite: a product copy, a stand-in for catalog, and a paying shopper.

``FakeCatalog`` plays catalog's part of the saga faithfully: it reads the orders.* events orders wrote
to its outbox, reserves all-or-nothing against its stock (or rejects), releases on cancel/expiry,
commits on payment, and hands its replies to orders' real handlers through ``common.events.testing``.
The real cross-service run (relay, brokers, catalog) is the end-to-end job's.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.utils import timezone

from common.events.contracts.catalog import (
    ProductPublished,
    RejectedLine,
    StockRejected,
    StockReserved,
    VariantSnapshot,
)
from common.events.contracts.common_types import Line
from common.events.testing import deliver, published
from config.event_handlers import HANDLERS
from orders.payments.sandbox.services import sandbox_webhooks_deliver_due
from orders.products import catalog_client
from tests.mercadopago_server import TOKEN, WEBHOOK_SECRET, MercadoPagoFake

CART = "/api/orders/cart"
CHECKOUT = "/api/orders/checkout"
ADDRESS = {
    "full_name": "Ana Souza",
    "line1": "Rua Augusta",
    "number": "100",
    "line2": "",
    "neighborhood": "Consolação",
    "city": "São Paulo",
    "state": "SP",
    "postal_code": "01304-000",
    "country": "BR",
    "phone": "+5511999990000",
}
APPROVE, DECLINE, APPROVE_LATER = "4242 4242 4242 4242", "4000 0000 0000 0002", "4000 0000 0000 0077"

PRODUCTS = [
    (1, "serum-vitamina-c", "Sérum Vitamina C", [("SERUM-30", "30 ml", "89.90")]),
    (2, "creme-hidratante", "Creme Hidratante", [("CREME-50", "50 g", "129.90"), ("CREME-100", "100 g", "199.90")]),
    (3, "batom-matte", "Batom Matte", [("BATOM-RED", "Vermelho", "49.90")]),
]


def deliver_committed(event, **options) -> bool:
    """``deliver`` as the consumer does it for real: the handler's transaction commits, so the work it
    left for after the commit (opening the payment session at the provider) runs before this returns."""
    connection = transaction.get_connection()
    start = len(connection.run_on_commit)
    delivered = deliver(event, handlers=HANDLERS, **options)
    # Run and forget them, as a commit does (an enclosing django_capture_on_commit_callbacks must not
    # run them a second time).
    callbacks = connection.run_on_commit[start:]
    del connection.run_on_commit[start:]
    for _savepoints, callback, _robust in callbacks:
        callback()
    return delivered


def publish_product(product_id, slug, name, variants, *, published_flag=True, event_type=ProductPublished):
    event = event_type(
        product_id=product_id,
        slug=slug,
        name=name,
        brand="Natura",
        published=published_flag,
        variants=[VariantSnapshot(sku=sku, name=vname, price=Decimal(price)) for sku, vname, price in variants],
    )
    return deliver(event, handlers=HANDLERS, key=slug)


class FakeCatalog:
    """Catalog's stock and its saga replies (see the module docstring)."""

    def __init__(self) -> None:
        self.on_hand: dict[str, int] = {sku: 100 for _, _, _, variants in PRODUCTS for sku, _, _ in variants}
        self.reserved: dict[str, dict[str, int]] = {}  # order number -> {sku: quantity}
        self.down = False
        self.seen: set = set()

    def available(self, sku: str) -> int:
        held = sum(lines.get(sku, 0) for lines in self.reserved.values())
        return self.on_hand.get(sku, 0) - held

    def stock_available(self, *, skus):
        if self.down:
            return None
        return {sku: self.available(sku) for sku in skus if sku in self.on_hand}

    def process(self) -> None:
        """Apply every orders.* event not seen yet, in outbox order, replying like catalog would."""
        for envelope in published():
            if envelope.event_id in self.seen:
                continue
            self.seen.add(envelope.event_id)
            payload, number = envelope.payload, envelope.payload.get("order_number")
            if envelope.type == "orders.order_placed":
                self._reserve(number, payload)
            elif envelope.type in ("orders.order_cancelled", "orders.order_expired"):
                if payload.get("was_paid"):
                    for line in payload["lines"]:
                        self.on_hand[line["sku"]] += line["quantity"]
                self.reserved.pop(number, None)
            elif envelope.type == "orders.order_paid":
                for sku, quantity in self.reserved.pop(number, {}).items():
                    self.on_hand[sku] -= quantity

    def _reserve(self, number: str, payload: dict) -> None:
        wanted = {line["sku"]: line["quantity"] for line in payload["lines"]}
        optional = set(payload.get("optional_skus") or [])
        short = [
            RejectedLine(sku=sku, requested=quantity, available=max(self.available(sku), 0))
            for sku, quantity in wanted.items()
            if self.available(sku) < quantity and sku not in optional
        ]
        # like catalog: a gift or sample without stock is left out, never a reason to reject the order
        left_out = {sku: q for sku, q in wanted.items() if sku in optional and self.available(sku) < q}
        if not short:
            wanted = {sku: q for sku, q in wanted.items() if sku not in left_out}
        if short:
            reply = StockRejected(order_number=number, reason="insufficient_stock", lines=short)
        else:
            self.reserved[number] = wanted
            reply = StockReserved(
                order_number=number,
                lines=[Line(sku=sku, quantity=quantity) for sku, quantity in wanted.items()],
                # As long as orders asked (its method's window plus grace), like catalog's handler.
                expires_at=timezone.now() + timedelta(seconds=payload.get("reserve_for_seconds") or 2400),
                left_out=[Line(sku=sku, quantity=quantity) for sku, quantity in sorted(left_out.items())],
            )
        deliver_committed(reply, key=number)


@pytest.fixture
def mercadopago(settings):
    """Orders on the Mercado Pago adapter, against a local server answering in its documented shapes."""
    fake = MercadoPagoFake().start()
    settings.ORDERS_PAYMENT_PROVIDER = "mercadopago"
    settings.MERCADOPAGO_API_URL = fake.url
    settings.MERCADOPAGO_ACCESS_TOKEN = TOKEN
    settings.MERCADOPAGO_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.MERCADOPAGO_TIMEOUT_SECONDS = 0.5
    yield fake
    fake.stop()


@pytest.fixture
def products(db):
    for product_id, slug, name, variants in PRODUCTS:
        publish_product(product_id, slug, name, variants)


@pytest.fixture
def catalog(products, monkeypatch):
    fake = FakeCatalog()
    monkeypatch.setattr(catalog_client, "stock_available", fake.stock_available)
    return fake


def new_cart(client, **headers) -> dict:
    response = client.post(CART, **headers)
    assert response.status_code == 201, response.content
    return response.json()


def cart_headers(token: str) -> dict:
    return {"HTTP_X_CART_TOKEN": token}


def add_line(client, headers: dict, sku: str, quantity: int = 1):
    return client.post(f"{CART}/lines", {"sku": sku, "quantity": quantity}, content_type="application/json", **headers)


def checkout(client, headers: dict, *, key: str, email: str | None = "guest@example.com", address=None, **extra):
    body = {"shipping_address": address or ADDRESS}
    if email is not None:
        body["email"] = email
    return client.post(CHECKOUT, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **headers, **extra)


def deliver_webhooks(client) -> int:
    """Run the sandbox's webhook delivery once, posting through the test client instead of the network."""

    def send(url: str, body: bytes, headers: dict[str, str]) -> int:
        extra = {name: value for name, value in headers.items() if name != "Content-Type"}
        return client.post(urlsplit(url).path, data=body, content_type="application/json", headers=extra).status_code

    return sandbox_webhooks_deliver_due(send=send)


def pay(client, order: dict, card: str = APPROVE):
    """Submit a card on the order's hosted payment page, then let the sandbox deliver its webhook."""
    response = client.post(urlsplit(order["payment"]["checkout_url"]).path, {"card_number": card})
    deliver_webhooks(client)
    return response


@pytest.fixture
def guest_order(client, catalog):
    """A guest's order for 2 x SERUM-30 with its stock reserved: ``awaiting_payment``."""
    cart = new_cart(client)
    headers = cart_headers(cart["token"])
    assert add_line(client, headers, "SERUM-30", 2).status_code == 201
    response = checkout(client, headers, key="guest-order-key", email="bia@example.com")
    assert response.status_code == 201, response.content
    catalog.process()
    return response.json()


@pytest.fixture
def shop(catalog):
    """The products above plus a make-up one (brand quem-disse, category batom under maquiagem) and a
    sample SKU that is only given away."""
    deliver(
        ProductPublished(
            product_id=10,
            slug="base-liquida",
            name="Base Líquida",
            brand="Quem Disse, Berenice?",
            brand_slug="quem-disse",
            category_slugs=["base", "maquiagem"],
            published=True,
            variants=[VariantSnapshot(sku="BASE-01", name="Clara", price=Decimal("59.90"))],
        ),
        handlers=HANDLERS,
        key="10",
    )
    publish_sample(variant_name="2 ml")
    catalog.on_hand.update({"BASE-01": 50, "AMOSTRA-PERFUME": 5})
    return catalog


def publish_sample(*, variant_name: str) -> None:
    """Catalog's event for the sample SKU ``AMOSTRA-PERFUME`` (only given away), under ``variant_name``."""
    deliver(
        ProductPublished(
            product_id=11,
            slug="amostra-perfume",
            name="Amostra de Perfume",
            brand="Natura",
            brand_slug="natura",
            category_slugs=["perfume"],
            published=True,
            variants=[
                VariantSnapshot(sku="AMOSTRA-PERFUME", name=variant_name, price=Decimal("0.01"), sale_mode="sample")
            ],
        ),
        handlers=HANDLERS,
        key="11",
    )
