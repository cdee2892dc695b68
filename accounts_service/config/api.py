"""The accounts service's Ninja API: one router per app, mounted under /api/accounts/."""

from accounts.addresses.apis import router as addresses_router
from accounts.passwords.apis import router as passwords_router
from accounts.signon.apis import router as signon_router
from accounts.tokens.apis import router as tokens_router
from accounts.users.apis import router as users_router
from common.api import create_api

api = create_api(service="accounts", title="Cosméticos-co accounts API")
api.add_router("/", users_router)
api.add_router("/", tokens_router)
api.add_router("/", addresses_router)
api.add_router("/", passwords_router)
api.add_router("/", signon_router)
