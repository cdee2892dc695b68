"""The catalog service with plain Django twins of its list and detail, for ``bench/catalog_api.py --plain``.

Only the benchmark serves these settings (``DJANGO_SETTINGS_MODULE=bench.catalog_plain.settings``, set
by ``bench/lib/servers.py`` for catalog); production and tests never mount the twins.
"""
