from catalog.products.plain_views import product_detail_plain, product_list_plain
from django.conf import settings
from django.contrib import admin
from django.urls import path

from common.urls import platform_urlpatterns
from config.api import api

urlpatterns = [
    *platform_urlpatterns,
    path("admin/", admin.site.urls),
    path("api/catalog/", api.urls),
]

# Plain Django views answering the same bytes as the API, for bench/catalog_api.py only.
plain_urlpatterns = [
    path("plain/catalog/products", product_list_plain, name="plain-product-list"),
    path("plain/catalog/products/<slug:slug>", product_detail_plain, name="plain-product-detail"),
]
if settings.BENCH_PLAIN_VIEWS:
    urlpatterns += plain_urlpatterns
