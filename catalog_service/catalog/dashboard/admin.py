"""The catalog admin's home page carries the dashboard (``catalog.dashboard.panels``)."""

from django.contrib import admin

admin.site.index_template = "admin/catalog_index.html"
