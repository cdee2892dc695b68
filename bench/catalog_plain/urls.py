from django.urls import path

from bench.catalog_plain.views import product_detail_plain, product_list_plain
from config.urls import urlpatterns as catalog_urlpatterns

urlpatterns = [
    *catalog_urlpatterns,
    path("plain/catalog/products", product_list_plain, name="plain-product-list"),
    path("plain/catalog/products/<slug:slug>", product_detail_plain, name="plain-product-detail"),
]
