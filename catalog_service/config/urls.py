from django.contrib import admin
from django.urls import path

from common.urls import platform_urlpatterns
from config.api import api

urlpatterns = [
    *platform_urlpatterns,
    path("admin/", admin.site.urls),
    path("api/catalog/", api.urls),
]
