"""The catalog's own settings, with the URLs that add the plain twins under ``/plain/catalog/``."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.catalog_plain.urls"
