"""The accounts service's Ninja API: one router per app, mounted under /api/accounts/."""

from common.api import create_api

api = create_api(service="accounts", title="Cosméticos-co accounts API")
