from django.contrib import admin
from django.urls import path

from accounts.signon.views import admin_login, admin_sso_authorize
from accounts.tokens.views import jwks
from common.urls import admin_sign_on_urlpatterns, platform_urlpatterns
from config.api import api

urlpatterns = [
    *platform_urlpatterns,
    path(".well-known/jwks.json", jwks, name="jwks"),
    path("admin/login/", admin_login, name="admin_sso_login"),
    path("admin/sso/authorize", admin_sso_authorize, name="admin_sso_authorize"),
    *admin_sign_on_urlpatterns("accounts"),
    path("admin/", admin.site.urls),
    path("api/accounts/", api.urls),
]
