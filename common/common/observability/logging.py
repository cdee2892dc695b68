"""JSON-lines log formatting with the service name and the current request and correlation ids."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import orjson

from common.observability.context import current_correlation_id, current_request_id

_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "service", "request"}


class ContextFilter(logging.Filter):
    """Adds the service name and the ids bound to the current request, event or task."""

    def __init__(self, service: str = "unknown") -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        # django.request logs 4xx/5xx after the middleware unbound the ids: read them off the request.
        request = getattr(record, "request", None)
        record.request_id = (
            getattr(record, "request_id", None) or current_request_id() or getattr(request, "request_id", None)
        )
        record.correlation_id = (
            getattr(record, "correlation_id", None)
            or current_correlation_id()
            or getattr(request, "correlation_id", None)
        )
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, ready for Filebeat and Elasticsearch."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "service": getattr(record, "service", None),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "correlation_id": getattr(record, "correlation_id", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()
