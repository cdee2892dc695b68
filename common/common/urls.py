"""URL patterns every service mounts: health, readiness and Prometheus metrics."""

from django.urls import path
from django_prometheus.exports import ExportToDjangoView

from common.health.views import healthz, readyz

platform_urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", ExportToDjangoView, name="metrics"),
]


def admin_sign_on_urlpatterns(service: str) -> list:
    """Mounted before ``admin.site.urls``: the one sign-in (``common.auth.sso``). Accounts keeps its own
    password page and serves the authorize page; the other admins send their login there."""
    from common.auth import sso_views

    patterns = [path("admin/logout/", sso_views.admin_logout, name="admin_sso_logout")]
    if service != "accounts":
        patterns += [
            path("admin/login/", sso_views.admin_login, name="admin_sso_login"),
            path("admin/sso/callback", sso_views.admin_sso_callback, name="admin_sso_callback"),
        ]
    return patterns
