"""The catalog service's Ninja API: one router per app, mounted under /api/catalog/."""

from common.api import create_api

from catalog.products.apis import router as products_router

api = create_api(service="catalog", title="Cosméticos-co catalog API")
api.add_router("", products_router)
