"""JSON log lines carry the service, the request id and the correlation id, also for Django's own 4xx lines."""

import json
import logging

import pytest

from common.observability.context import bound_ids
from common.observability.logging import ContextFilter, JsonFormatter

pytestmark = pytest.mark.django_db


def _render(record: logging.LogRecord) -> dict:
    ContextFilter(service="catalog").filter(record)
    return json.loads(JsonFormatter().format(record))


def test_a_log_line_is_one_json_object_with_the_bound_ids():
    record = logging.makeLogRecord({"name": "shop", "levelname": "INFO", "msg": "order %s placed", "args": ("CO-1",)})
    with bound_ids(request_id="req-1", correlation_id="corr-1"):
        line = _render(record)
    assert line["service"] == "catalog"
    assert line["logger"] == "shop"
    assert line["level"] == "INFO"
    assert line["message"] == "order CO-1 placed"
    assert (line["request_id"], line["correlation_id"]) == ("req-1", "corr-1")
    assert line["time"].endswith("+00:00")


def test_extra_fields_are_kept_and_the_request_object_is_not_dumped():
    record = logging.makeLogRecord({"msg": "x", "order_number": "CO-9", "request": object()})
    line = _render(record)
    assert line["order_number"] == "CO-9"
    assert "request" not in line


def test_djangos_own_4xx_line_gets_the_ids_from_the_request(client, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    response = client.get("/no-such-page", HTTP_X_REQUEST_ID="req-404", HTTP_X_CORRELATION_ID="purchase-7")
    assert response.status_code == 404
    record = next(r for r in caplog.records if r.name == "django.request")
    line = _render(record)
    assert (line["request_id"], line["correlation_id"]) == ("req-404", "purchase-7")


def test_the_correlation_id_defaults_to_the_request_id_and_is_returned(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="req-5")
    assert response["X-Correlation-ID"] == "req-5"
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id with spaces")
    assert response["X-Request-ID"] != "bad id with spaces"
    assert len(response["X-Request-ID"]) == 32
