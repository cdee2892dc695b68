"""gunicorn settings of the tasks service: the shared, measured choice from ``common.gunicorn_conf``."""

from common.gunicorn_conf import settings_for

globals().update(settings_for(service="tasks", port=8004))
