"""URL patterns every service mounts: health, readiness and Prometheus metrics."""

from django.urls import path
from django_prometheus.exports import ExportToDjangoView

from common.health.views import healthz, readyz

platform_urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", ExportToDjangoView, name="metrics"),
]
