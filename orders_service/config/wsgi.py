"""WSGI entry point: Django, warmed up before it takes its first request (``common.warmup``)."""

import os

from django.core.wsgi import get_wsgi_application

from common.warmup import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
warm_up()
