"""The tasks service's Ninja API: one router per app, mounted under /api/tasks/."""

from common.api import create_api
from tasks.reports.apis import router as reports_router

api = create_api(service="tasks", title="Cosméticos-co tasks API")
api.add_router("/", reports_router)
