"""The orders admin's home page carries the dashboard (``orders.dashboard.panels``)."""

from django.contrib import admin

admin.site.index_template = "admin/orders_index.html"
