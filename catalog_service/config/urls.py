from django.conf import settings
from django.contrib import admin
from django.urls import path, re_path
from django.views.static import serve

from common.urls import admin_sign_on_urlpatterns, platform_urlpatterns
from config.api import api

urlpatterns = [
    *platform_urlpatterns,
    *admin_sign_on_urlpatterns("catalog"),
    path("admin/", admin.site.urls),
    path("api/catalog/", api.urls),
]


# Product photos on the filesystem storage (the embedded defaults, a single host) are served here;
# with S3 or GCS (production STORAGES) the storage's own URLs point at the bucket or its CDN.
def media_serve(request, path):
    """The storage's files (read at request time: tests move ``MEDIA_ROOT``)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage":
    urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>products/.*)$", media_serve))
