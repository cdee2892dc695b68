"""``/healthz`` (the process answers) and ``/readyz`` (it can serve requests: its database answers).

Readiness fails only on what a service cannot answer without, its database. A broker, the cache or
MongoDB being down degrades the service (events wait in the outbox, the cache is skipped, browsing
history is not recorded) but it still serves requests, so the pod stays in its Service: ``/readyz``
answers 200 with ``status: degraded``, ``degraded`` naming them and a ``detail``, and the
``dependency_up{dependency}`` gauge says which.
"""

from __future__ import annotations

import logging

from django.http import JsonResponse

from common.health.checks import REQUIRED, configured_checks
from common.observability.metrics import DEPENDENCY_UP

logger = logging.getLogger(__name__)


def healthz(request):
    return JsonResponse({"status": "ok"})


def readyz(request):
    results: dict[str, str] = {}
    failed: list[str] = []
    for name, check in configured_checks().items():
        try:
            check()
            results[name] = "ok"
            DEPENDENCY_UP.labels(dependency=name).set(1)
        except Exception as exc:  # any failure of a dependency: not ready, or degraded
            logger.warning("readiness check failed", extra={"dependency": name, "error": str(exc)})
            results[name] = f"error: {exc.__class__.__name__}"
            DEPENDENCY_UP.labels(dependency=name).set(0)
            failed.append(name)
    required = [name for name in failed if name in REQUIRED]
    if required:
        return JsonResponse(
            {
                "status": "unavailable",
                "code": "dependency_unavailable",
                "failed": failed,
                "checks": results,
                "detail": f"Indisponível: {', '.join(required)} não respondeu.",
            },
            status=503,
        )
    if failed:
        return JsonResponse(
            {
                "status": "degraded",
                "degraded": failed,
                "checks": results,
                "detail": f"Funcionando com limitações: {', '.join(failed)} não respondeu.",
            }
        )
    return JsonResponse({"status": "ok", "checks": results})
