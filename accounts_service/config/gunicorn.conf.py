"""gunicorn settings of the accounts service: the shared, measured choice from ``common.gunicorn_conf``."""

from common.gunicorn_conf import settings_for

globals().update(settings_for(service="accounts", port=8002))
