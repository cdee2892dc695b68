"""The catalog service's Ninja API: one router per app, mounted under /api/catalog/."""

from common.api import create_api

api = create_api(service="catalog", title="Cosméticos-co catalog API")
