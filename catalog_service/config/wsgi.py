"""WSGI entry point: Django, behind the hot lane for a guest's product list, search and page
(``catalog.products.hot_lane``: every other request goes straight to Django), warmed up before it takes
its first request (``common.warmup``)."""

import os

from django.core.wsgi import get_wsgi_application

from common.warmup import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()  # sets Django up, so the lane's imports below can load models

from catalog.products.hot_lane import HotReadApp  # noqa: E402

application = HotReadApp(django_application)
warm_up()
