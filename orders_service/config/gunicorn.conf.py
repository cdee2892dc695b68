"""gunicorn settings of the orders service: the shared, measured choice from ``common.gunicorn_conf``."""

from common.gunicorn_conf import settings_for

globals().update(settings_for(service="orders", port=8003))
