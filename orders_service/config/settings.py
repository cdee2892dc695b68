"""Settings of the orders service: the shared base from ``common.settings`` plus this service's own."""

import hashlib
import hmac
from pathlib import Path

import environ

from common.settings import build_settings

BASE_DIR = Path(__file__).resolve().parent.parent

globals().update(
    build_settings(
        service="orders",
        base_dir=BASE_DIR,
        port=8003,
        apps=[
            "orders.products",
            "orders.carts",
            "orders.orders",
            "orders.checkout",
            "orders.payments",
        ],
    )
)

_env = environ.Env()

# Where shoppers' browsers reach this service (hosted payment page links are built from it).
ORDERS_PUBLIC_URL = _env.str("ORDERS_PUBLIC_URL", default=ORDERS_URL)  # noqa: F821 (from build_settings)
# How long an order whose stock is reserved waits for its payment before it expires.
ORDERS_PAYMENT_WINDOW_MINUTES = _env.int("ORDERS_PAYMENT_WINDOW_MINUTES", default=30)
# The payment provider new checkouts use (a key of orders.payments.providers.PROVIDERS).
ORDERS_PAYMENT_PROVIDER = _env.str("ORDERS_PAYMENT_PROVIDER", default="sandbox")
# Bounded timeout of the availability check against catalog when a line is added to a cart.
ORDERS_CATALOG_TIMEOUT_SECONDS = _env.float("ORDERS_CATALOG_TIMEOUT_SECONDS", default=1.0)
# Webhooks signed longer ago than this are refused as stale.
ORDERS_WEBHOOK_TOLERANCE_SECONDS = _env.int("ORDERS_WEBHOOK_TOLERANCE_SECONDS", default=300)
# An Idempotency-Key claimed this long ago and still in flight is taken to be abandoned (crashed worker).
ORDERS_IDEMPOTENCY_STALE_SECONDS = _env.int("ORDERS_IDEMPOTENCY_STALE_SECONDS", default=120)

# The sandbox payment provider (a simulated PSP served by this service under /payments/sandbox/).
# The webhook signing secret; unset, it is derived from SECRET_KEY (the sandbox and the webhook endpoint
# are both this service), so it is as secret as SECRET_KEY and never a constant in the repository.
SANDBOX_WEBHOOK_SECRET = (
    _env.str("SANDBOX_WEBHOOK_SECRET", default="")
    or hmac.new(
        SECRET_KEY.encode(),  # noqa: F821 (from build_settings)
        b"sandbox-webhook-signing",
        hashlib.sha256,
    ).hexdigest()
)
SANDBOX_WEBHOOK_URL = _env.str(
    "SANDBOX_WEBHOOK_URL",
    default=f"{ORDERS_URL.rstrip('/')}/api/orders/payments/sandbox/webhook",  # noqa: F821
)
# The "approve after a delay" test card is confirmed this many seconds after the form is sent.
SANDBOX_DELAYED_APPROVAL_SECONDS = _env.int("SANDBOX_DELAYED_APPROVAL_SECONDS", default=5)

# Admin single sign-on with accounts' staff users (accounts' JWT login), then local users.
AUTHENTICATION_BACKENDS = [
    "common.auth.backends.AccountsBackend",
    "django.contrib.auth.backends.ModelBackend",
]
