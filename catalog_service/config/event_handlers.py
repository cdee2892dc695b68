"""The catalog service's event handlers: event type -> plain function. One visible table."""

from catalog.inventory import handlers as inventory
from catalog.shopper_activity import handlers as shopper_activity
from common.auth.handlers import user_access_changed

HANDLERS: dict = {
    "accounts.user_access_changed": user_access_changed,
    "orders.order_placed": inventory.order_placed,
    "orders.order_paid": inventory.order_paid,
    "orders.order_cancelled": inventory.order_cancelled,
    "orders.order_expired": inventory.order_expired,
    "orders.return_received": inventory.return_received,
    "catalog.search_performed": shopper_activity.search_performed,  # its own stream, into the search log
}
