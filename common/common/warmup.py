"""Pay a server process's one-time costs when it starts, not in its first shoppers' requests.

Django imports the URLconf (every Ninja router and schema) on the first request, and several costs are
lazy on purpose: Django's ``EmailValidator`` compiles its domain pattern on first use (a Unicode class
that takes about half a second of CPU to compile), ``httpx`` imports its transports and builds an SSL
context with the process's first client. Measured by py-spy on orders' gunicorn workers under the
checkout benchmark (2026-12-01): these were about a fifth of a fresh worker's first 15 s of CPU, and
its first requests waited for them. Each service's ``config/wsgi.py`` calls :func:`warm_up` once the
application is built; gunicorn loads the application in each worker, so each worker pays them at boot.
"""

from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)


def warm_up() -> float:
    """Import the URLconf, compile the lazy validators, make the pooled HTTP client; seconds it took."""
    from django.core.validators import validate_email
    from django.urls import get_resolver

    from common.http import http_client

    started = time.monotonic()
    get_resolver().url_patterns  # noqa: B018  (imports the URLconf: routers, schemas, admin URLs)
    validate_email("warm-up@cosmeticos.com.br")  # compiles EmailValidator's patterns
    http_client()
    took = time.monotonic() - started
    logger.debug("worker warmed up", extra={"seconds": round(took, 3)})
    return took
