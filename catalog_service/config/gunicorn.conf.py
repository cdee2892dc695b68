"""gunicorn settings of the catalog service: the shared, measured choice from ``common.gunicorn_conf``."""

from common.gunicorn_conf import settings_for

globals().update(settings_for(service="catalog", port=8001))
