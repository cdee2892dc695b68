"""The platform tests every service runs: health, readiness, metrics, request ids, docs.

Written once here; each service's ``tests/test_platform.py`` imports them (``from
common.testing.platform_tests import *``) so pytest collects them in that service's project.
"""

import pytest
from django.db import connections

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_answers_ok_when_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_readyz_answers_503_naming_the_database_when_it_is_unreachable(client, monkeypatch):
    def refuse(*args, **kwargs):
        from django.db import OperationalError

        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
    assert response.json()["code"] == "dependency_unavailable"


def test_request_id_is_echoed_back(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"


def test_request_id_is_created_when_missing(client):
    response = client.get("/healthz")
    assert len(response["X-Request-ID"]) == 32


def test_metrics_are_exposed(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert b"django_http_requests_total_by_method" in response.content


def test_openapi_document_and_admin_login_load(client, settings):
    service = settings.SERVICE_NAME
    assert client.get(f"/api/{service}/openapi.json").status_code == 200
    assert client.get(f"/api/{service}/docs").status_code == 200
    login = client.get("/admin/login/?next=/admin/")
    if service == "accounts":
        assert login.status_code == 200  # the one password page of the four admins
    else:  # the one sign-in: the other admins send the browser to accounts' authorize page
        assert login.status_code == 302
        assert login["Location"].endswith(f"/admin/sso/authorize?service={service}&next=%2Fadmin%2F")


PLUMBING = {"outbox.OutboxMessage", "inbox.ProcessedEvent", "inbox.DeadLetter", "common_auth.KnownUser"}


def test_the_plumbing_is_for_superusers_only_whatever_a_group_was_given(client, settings):
    """A staff user holding every permission still neither sees nor opens the plumbing; a superuser does."""
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.test import RequestFactory

    user_model = get_user_model()
    staff = user_model._default_manager.create(**{user_model.USERNAME_FIELD: "staff@cosmeticos.co"}, is_staff=True)
    staff.user_permissions.set(Permission.objects.all())
    root = user_model._default_manager.create(
        **{user_model.USERNAME_FIELD: "root@cosmeticos.co"}, is_staff=True, is_superuser=True
    )
    plumbing = PLUMBING | set(settings.ADMIN_SUPERUSER_ONLY_MODELS)
    registered = {model._meta.label: model_admin for model, model_admin in admin.site._registry.items()}
    checked = sorted(label for label in registered if label in plumbing)
    assert {"outbox.OutboxMessage", "inbox.DeadLetter"} <= set(checked)
    request = RequestFactory().get("/admin/")
    for label in checked:
        model_admin = registered[label]
        request.user = staff
        assert (label, model_admin.has_module_permission(request), model_admin.has_view_permission(request)) == (
            label,
            False,
            False,
        )
        request.user = root
        assert model_admin.has_view_permission(request) is True, label
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    index = client.get("/admin/").content.decode()
    for label in checked:
        app_label, model_name = label.lower().split(".")
        assert f'href="/admin/{app_label}/{model_name}/"' not in index, label
        assert client.get(f"/admin/{app_label}/{model_name}/").status_code == 403, label
