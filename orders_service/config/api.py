"""The orders service's Ninja API: one router per app, mounted under /api/orders/."""

from common.api import create_api
from orders.carts.apis import router as carts_router
from orders.checkout.apis import router as checkout_router
from orders.orders.apis import router as orders_router
from orders.orders.payment_apis import router as payments_router
from orders.payments.apis import router as installments_router
from orders.promotions.apis import router as promotions_router
from orders.returns.apis import router as returns_router
from orders.shipping.apis import router as shipping_router

api = create_api(service="orders", title="Cosméticos-co orders API")
api.add_router("", carts_router)
api.add_router("", shipping_router)
api.add_router("", checkout_router)
api.add_router("", orders_router)
api.add_router("", payments_router)
api.add_router("", installments_router)
api.add_router("", returns_router)
api.add_router("", promotions_router)
