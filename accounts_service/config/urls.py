from django.contrib import admin
from django.urls import path

from accounts.tokens.views import jwks
from common.urls import platform_urlpatterns
from config.api import api

urlpatterns = [
    *platform_urlpatterns,
    path(".well-known/jwks.json", jwks, name="jwks"),
    path("admin/", admin.site.urls),
    path("api/accounts/", api.urls),
]
