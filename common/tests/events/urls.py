"""The common test project's URLs plus the admin, for the events admin tests."""

from django.contrib import admin
from django.urls import path

from tests.urls import urlpatterns as platform_urlpatterns

urlpatterns = [*platform_urlpatterns, path("admin/", admin.site.urls)]
