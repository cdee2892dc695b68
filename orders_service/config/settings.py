"""Settings of the orders service: the shared base from ``common.settings`` plus this service's own."""

import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

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
            "orders.shipping",
            "orders.orders",
            "orders.checkout",
            "orders.payments",
            "orders.returns",
            "orders.promotions",
            "orders.dashboard",
        ],
    )
)

_env = environ.Env()

# The admin home's panels beyond sales, orders to ship and payments waiting: (permission, builder path)
# pairs, each builder returning a common.dashboard.Panel (e.g. the returns to handle).
ORDERS_DASHBOARD_EXTRA_PANELS: list[tuple[str, str]] = []

# Plumbing for superusers only: request de-duplication, the provider's webhook log, the sandbox PSP's
# own ledger, and this service's copy of catalog's variants (support works from the orders themselves).
ADMIN_SUPERUSER_ONLY_MODELS = [
    *ADMIN_SUPERUSER_ONLY_MODELS,  # noqa: F821  (from build_settings)
    "checkout.IdempotencyKey",
    "payments.WebhookReceipt",
    "payments.SandboxCharge",
    "payments.SandboxRefund",
    "payments.SandboxWebhook",
    "products.ProductVariant",
]

# Where shoppers' browsers reach this service (hosted payment page links are built from it).
ORDERS_PUBLIC_URL = _env.str("ORDERS_PUBLIC_URL", default=ORDERS_URL)  # noqa: F821 (from build_settings)
# The storefront, for the payment page's "back to the shop" link (tasks' emails use the same variable).
SHOP_URL = _env.str("SHOP_URL", default="http://127.0.0.1:8003")
# How long an order whose stock is reserved waits for its payment before it expires, per method: a card
# or a Pix charge within minutes, a boleto until its due date (days) plus the days banks take to report a
# boleto paid on its due date. Catalog holds the stock that long plus ORDERS_RESERVATION_GRACE_MINUTES.
ORDERS_PAYMENT_WINDOW_MINUTES = _env.int("ORDERS_PAYMENT_WINDOW_MINUTES", default=30)  # card
ORDERS_PIX_WINDOW_MINUTES = _env.int("ORDERS_PIX_WINDOW_MINUTES", default=30)
ORDERS_BOLETO_DUE_DAYS = _env.int("ORDERS_BOLETO_DUE_DAYS", default=3)
ORDERS_BOLETO_GRACE_DAYS = _env.int("ORDERS_BOLETO_GRACE_DAYS", default=1)
ORDERS_RESERVATION_GRACE_MINUTES = _env.int("ORDERS_RESERVATION_GRACE_MINUTES", default=10)
# The receiver of Pix charges (BR Code fields 26-01, 59, 60) and the boleto's bank and payee.
ORDERS_PIX_KEY = _env.str("ORDERS_PIX_KEY", default="pix@cosmeticos.co")
ORDERS_MERCHANT_NAME = _env.str("ORDERS_MERCHANT_NAME", default="Cosmeticos Co")
ORDERS_MERCHANT_CITY = _env.str("ORDERS_MERCHANT_CITY", default="Sao Paulo")
ORDERS_BOLETO_BANK_CODE = _env.str("ORDERS_BOLETO_BANK_CODE", default="237")
# The payment provider new checkouts use (a key of orders.payments.providers.PROVIDERS): "sandbox" (the
# built-in simulated PSP, the default for development and tests) or "mercadopago". In production
# (SHOP_ENVIRONMENT=production, set by the Kubernetes manifests) the sandbox is refused unless
# ORDERS_ALLOW_SANDBOX_IN_PRODUCTION says so: a shop must not take pretend payments by accident.
ORDERS_PAYMENT_PROVIDER = _env.str("ORDERS_PAYMENT_PROVIDER", default="sandbox")
SHOP_ENVIRONMENT = _env.str("SHOP_ENVIRONMENT", default="development")
ORDERS_ALLOW_SANDBOX_IN_PRODUCTION = _env.bool("ORDERS_ALLOW_SANDBOX_IN_PRODUCTION", default=False)
if SHOP_ENVIRONMENT == "production" and ORDERS_PAYMENT_PROVIDER == "sandbox" and not ORDERS_ALLOW_SANDBOX_IN_PRODUCTION:
    raise ImproperlyConfigured(
        "SHOP_ENVIRONMENT=production runs on the sandbox payment provider: set ORDERS_PAYMENT_PROVIDER="
        "mercadopago (with its credentials), or ORDERS_ALLOW_SANDBOX_IN_PRODUCTION=true on purpose."
    )
# Mercado Pago (orders.payments.providers.mercadopago): credentials from the environment / the orders
# Kubernetes Secret; required when it is the provider.
MERCADOPAGO_API_URL = _env.str("MERCADOPAGO_API_URL", default="https://api.mercadopago.com")
MERCADOPAGO_ACCESS_TOKEN = _env.str("MERCADOPAGO_ACCESS_TOKEN", default="")
MERCADOPAGO_PUBLIC_KEY = _env.str("MERCADOPAGO_PUBLIC_KEY", default="")
MERCADOPAGO_WEBHOOK_SECRET = _env.str("MERCADOPAGO_WEBHOOK_SECRET", default="")
MERCADOPAGO_TIMEOUT_SECONDS = _env.float("MERCADOPAGO_TIMEOUT_SECONDS", default=10.0)
MERCADOPAGO_CONNECT_TIMEOUT_SECONDS = _env.float("MERCADOPAGO_CONNECT_TIMEOUT_SECONDS", default=3.0)
if ORDERS_PAYMENT_PROVIDER == "mercadopago" and not (MERCADOPAGO_ACCESS_TOKEN and MERCADOPAGO_WEBHOOK_SECRET):
    raise ImproperlyConfigured(
        "ORDERS_PAYMENT_PROVIDER=mercadopago needs MERCADOPAGO_ACCESS_TOKEN and MERCADOPAGO_WEBHOOK_SECRET."
    )
# Shipping by CEP (orders.shipping): who quotes, "table" (the built-in table by region and weight, the
# default) or "melhorenvio" (Melhor Envio's /api/v2/me/shipment/calculate, the table answering whenever
# it fails or times out). The shop's own CEP is the origin of every parcel; a unit catalog has not weighed
# yet counts ORDERS_SHIPPING_DEFAULT_WEIGHT_GRAMS.
ORDERS_SHIPPING_PROVIDER = _env.str("ORDERS_SHIPPING_PROVIDER", default="table")
if ORDERS_SHIPPING_PROVIDER not in ("table", "melhorenvio"):
    raise ImproperlyConfigured("ORDERS_SHIPPING_PROVIDER is 'table' or 'melhorenvio'.")
ORDERS_SHIPPING_ORIGIN_POSTAL_CODE = _env.str("ORDERS_SHIPPING_ORIGIN_POSTAL_CODE", default="01304000")
ORDERS_SHIPPING_DEFAULT_WEIGHT_GRAMS = _env.int("ORDERS_SHIPPING_DEFAULT_WEIGHT_GRAMS", default=300)
# Melhor Envio: the token (a personal access token or an OAuth2 access token) from the environment / the
# orders Kubernetes Secret; its sandbox is https://sandbox.melhorenvio.com.br. MELHORENVIO_SERVICES
# optionally limits the quote to some service ids ("1,2,17"); the User-Agent names the app and a contact.
MELHORENVIO_API_URL = _env.str("MELHORENVIO_API_URL", default="https://melhorenvio.com.br")
MELHORENVIO_TOKEN = _env.str("MELHORENVIO_TOKEN", default="")
MELHORENVIO_USER_AGENT = _env.str("MELHORENVIO_USER_AGENT", default="Cosmeticos-co (tecnologia@cosmeticos.co)")
MELHORENVIO_SERVICES = _env.str("MELHORENVIO_SERVICES", default="")
MELHORENVIO_TIMEOUT_SECONDS = _env.float("MELHORENVIO_TIMEOUT_SECONDS", default=3.0)
MELHORENVIO_CONNECT_TIMEOUT_SECONDS = _env.float("MELHORENVIO_CONNECT_TIMEOUT_SECONDS", default=1.0)
if ORDERS_SHIPPING_PROVIDER == "melhorenvio" and not MELHORENVIO_TOKEN:
    raise ImproperlyConfigured("ORDERS_SHIPPING_PROVIDER=melhorenvio needs MELHORENVIO_TOKEN.")
# A signed-in shopper's saved address (checkout with address_id) is read from accounts with the shopper's
# own token, within this timeout.
ORDERS_ACCOUNTS_TIMEOUT_SECONDS = _env.float("ORDERS_ACCOUNTS_TIMEOUT_SECONDS", default=2.0)
# Bounded timeout of the availability check against catalog when a line is added to a cart.
ORDERS_CATALOG_TIMEOUT_SECONDS = _env.float("ORDERS_CATALOG_TIMEOUT_SECONDS", default=1.0)
# Webhooks signed longer ago than this are refused as stale.
ORDERS_WEBHOOK_TOLERANCE_SECONDS = _env.int("ORDERS_WEBHOOK_TOLERANCE_SECONDS", default=300)
# An Idempotency-Key claimed this long ago and still in flight is taken to be abandoned (crashed worker).
ORDERS_IDEMPOTENCY_STALE_SECONDS = _env.int("ORDERS_IDEMPOTENCY_STALE_SECONDS", default=120)

# A guest's order still `pending` (no stock answer from catalog) this long after it was placed or last
# asked for is asked for again; past the timeout it is rejected (the expiry loop does both).
ORDERS_PENDING_RETRY_MINUTES = _env.int("ORDERS_PENDING_RETRY_MINUTES", default=2)
ORDERS_PENDING_TIMEOUT_MINUTES = _env.int("ORDERS_PENDING_TIMEOUT_MINUTES", default=15)
# How long after delivery a shopper may open a return (the 7 days of CDC art. 49 refund the shipping too).
ORDERS_RETURN_WINDOW_DAYS = _env.int("ORDERS_RETURN_WINDOW_DAYS", default=30)

# The sandbox payment provider (a simulated PSP served by this service under /payments/sandbox/).
# The webhook signing secret is a secret of its own (never derived from SECRET_KEY: whoever knows one
# must not be able to sign payment.succeeded). Without DEBUG (and outside the test runner) it is required.
SANDBOX_WEBHOOK_SECRET = _env.str("SANDBOX_WEBHOOK_SECRET", default="")
SANDBOX_WEBHOOK_SECRET_MIN_LENGTH = 32
if not SANDBOX_WEBHOOK_SECRET:
    if DEBUG or "pytest" in sys.modules:  # noqa: F821 (DEBUG from build_settings)
        SANDBOX_WEBHOOK_SECRET = "sandbox-webhook-secret-for-development-and-tests-only"
    else:
        raise ImproperlyConfigured("Set SANDBOX_WEBHOOK_SECRET (the webhook HMAC secret) when DEBUG is off.")
elif len(SANDBOX_WEBHOOK_SECRET) < SANDBOX_WEBHOOK_SECRET_MIN_LENGTH and not DEBUG:  # noqa: F821
    raise ImproperlyConfigured(f"SANDBOX_WEBHOOK_SECRET needs {SANDBOX_WEBHOOK_SECRET_MIN_LENGTH}+ characters.")
SANDBOX_WEBHOOK_URL = _env.str(
    "SANDBOX_WEBHOOK_URL",
    default=f"{ORDERS_URL.rstrip('/')}/api/orders/payments/sandbox/webhook",  # noqa: F821
)
# The sandbox stops resending a webhook after this many attempts not answered 2xx (about a day of backoff).
SANDBOX_WEBHOOK_MAX_ATTEMPTS = _env.int("SANDBOX_WEBHOOK_MAX_ATTEMPTS", default=300)
# The "approve after a delay" test card is confirmed this many seconds after the form is sent.
SANDBOX_DELAYED_APPROVAL_SECONDS = _env.int("SANDBOX_DELAYED_APPROVAL_SECONDS", default=5)
# A simulated boleto payment is reported by the "bank" this many seconds later (days in real life).
SANDBOX_BOLETO_SETTLEMENT_SECONDS = _env.int("SANDBOX_BOLETO_SETTLEMENT_SECONDS", default=5)

# Admin single sign-on with accounts' staff users (accounts' JWT login), then local users.
AUTHENTICATION_BACKENDS = [
    "common.auth.backends.AccountsBackend",
    "django.contrib.auth.backends.ModelBackend",
]
