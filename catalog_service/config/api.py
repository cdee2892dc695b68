"""The catalog service's Ninja API: one router per app, mounted under /api/catalog/."""

from catalog.inventory.apis import router as inventory_router
from catalog.products.apis import router as products_router
from common.api import create_api

api = create_api(service="catalog", title="Cosméticos-co catalog API")
api.add_router("", products_router)
api.add_router("", inventory_router)
