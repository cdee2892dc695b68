"""The orders service's Ninja API: one router per app, mounted under /api/orders/."""

from common.api import create_api

api = create_api(service="orders", title="Cosméticos-co orders API")
