"""The orders service's event handlers: event type -> plain function. One visible table."""

from common.auth.handlers import user_access_changed
from orders.orders.handlers import stock_commit_failed, stock_rejected, stock_reserved
from orders.products.handlers import product_published, product_unpublished, product_updated

HANDLERS: dict = {
    "accounts.user_access_changed": user_access_changed,
    "catalog.product_published": product_published,
    "catalog.product_updated": product_updated,
    "catalog.product_unpublished": product_unpublished,
    "catalog.stock_reserved": stock_reserved,
    "catalog.stock_rejected": stock_rejected,
    "catalog.stock_commit_failed": stock_commit_failed,
}
