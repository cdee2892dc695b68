"""Business metrics next to django-prometheus's: one place that names them, used by every service."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

ORDERS_PLACED = Counter("shop_orders_placed_total", "Orders placed at checkout")
ORDERS_PAID = Counter("shop_orders_paid_total", "Orders whose payment was captured")
ORDERS_REJECTED = Counter("shop_orders_rejected_total", "Orders rejected for lack of stock")
PAYMENT_FAILURES = Counter("shop_payment_failures_total", "Declined or failed payments", ["provider"])
RESERVATION_EXPIRIES = Counter("shop_reservation_expiries_total", "Stock reservations released on expiry")
CHECKOUT_LATENCY = Histogram(
    "shop_checkout_seconds",
    "Checkout request duration",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
SEARCHES = Counter("shop_searches_total", "Catalog searches", ["outcome"])
OUTBOX_PENDING = Gauge("outbox_pending_messages", "Outbox rows not yet confirmed by a broker")
OUTBOX_OLDEST_PENDING_AGE = Gauge("outbox_oldest_pending_age_seconds", "Age of the oldest pending outbox row")
OUTBOX_PUBLISHED = Counter("outbox_published_total", "Outbox rows confirmed by a broker", ["event_type"])
DEAD_LETTERS = Gauge("events_dead_letters", "Messages parked in the dead-letter store", ["service"])
EVENTS_HANDLED = Counter("events_handled_total", "Events handled by consumers", ["event_type", "outcome"])
OUTBOX_FAILED = Gauge("outbox_failed_messages", "Outbox rows parked after failing (retry or discard them in the admin)")
QUEUE_ARGUMENTS_MISMATCH = Gauge(
    "events_queue_arguments_mismatch", "1 when a RabbitMQ queue exists with other arguments than declared", ["queue"]
)
DEPENDENCY_UP = Gauge("dependency_up", "1 when the last readiness check of a dependency succeeded", ["dependency"])
