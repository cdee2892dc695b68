"""The tasks service's Ninja API: one router per app, mounted under /api/tasks/."""

from common.api import create_api

api = create_api(service="tasks", title="Cosméticos-co tasks API")
