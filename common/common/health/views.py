"""``/healthz`` (the process answers) and ``/readyz`` (every dependency answers, or 503 naming it)."""

from __future__ import annotations

import logging

from django.http import JsonResponse

from common.health.checks import configured_checks

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
        except Exception as exc:  # any failure of a dependency means not ready
            logger.warning("readiness check failed", extra={"dependency": name, "error": str(exc)})
            results[name] = f"error: {exc.__class__.__name__}"
            failed.append(name)
    if failed:
        return JsonResponse(
            {
                "status": "unavailable",
                "code": "dependency_unavailable",
                "failed": failed,
                "checks": results,
                "detail": f"Not ready: {', '.join(failed)} did not answer.",
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "checks": results})
