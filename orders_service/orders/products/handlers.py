"""Catalog's product stream -> the product copy."""

from __future__ import annotations

from common.events import Envelope
from common.events.contracts.catalog import ProductPublished, ProductUnpublished, ProductUpdated
from orders.products.services import product_copy_apply


def product_published(event: ProductPublished, envelope: Envelope) -> None:
    product_copy_apply(snapshot=event, occurred_at=envelope.occurred_at, published=event.published)


def product_updated(event: ProductUpdated, envelope: Envelope) -> None:
    product_copy_apply(snapshot=event, occurred_at=envelope.occurred_at, published=event.published)


def product_unpublished(event: ProductUnpublished, envelope: Envelope) -> None:
    product_copy_apply(snapshot=event, occurred_at=envelope.occurred_at, published=False)
