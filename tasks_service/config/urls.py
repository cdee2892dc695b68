from django.contrib import admin
from django.urls import path

from common.urls import admin_sign_on_urlpatterns, platform_urlpatterns
from config.api import api

urlpatterns = [
    *platform_urlpatterns,
    *admin_sign_on_urlpatterns("tasks"),
    path("admin/", admin.site.urls),
    path("api/tasks/", api.urls),
]
