"""``/healthz`` (the process answers) and ``/readyz`` (it can serve requests: its database answers).

Readiness fails only on what a service cannot answer without, its database. A broker, the cache or
MongoDB being down degrades the service (events wait in the outbox, the cache is skipped, browsing
history is not recorded) but it still serves requests, so the pod stays in its Service: ``/readyz``
answers 200 with ``status: degraded``, ``degraded`` naming them and a ``detail``, and the
``dependency_up{dependency}`` gauge says which.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor, wait

from django.http import JsonResponse

from common.health.checks import CHECK_TIMEOUT_SECONDS, REQUIRED, configured_checks
from common.observability.metrics import DEPENDENCY_UP

logger = logging.getLogger(__name__)

# The optional checks run side by side and are given up on after this, so a hung broker can never
# make /readyz slower than the probe's timeoutSeconds (3 s in k8s).
OPTIONAL_DEADLINE_SECONDS = CHECK_TIMEOUT_SECONDS + 0.5
_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="readyz")


class CheckTimedOut(TimeoutError):
    """A dependency that did not answer before the readiness deadline."""


def healthz(request):
    return JsonResponse({"status": "ok"})


def _outcomes(checks: dict) -> dict[str, Exception | None]:
    """Each check's exception (None when it answered): the required ones in this thread (the database
    connection is per thread), the optional ones concurrently under one deadline."""
    optional = {name: _pool.submit(check) for name, check in checks.items() if name not in REQUIRED}
    outcomes: dict[str, Exception | None] = {}
    for name, check in checks.items():
        if name in REQUIRED:
            try:
                check()
                outcomes[name] = None
            except Exception as exc:  # the dependency's own error, whatever it is
                outcomes[name] = exc
    wait(optional.values(), timeout=OPTIONAL_DEADLINE_SECONDS)
    for name, future in optional.items():
        if not future.done():
            outcomes[name] = CheckTimedOut(f"no answer within {OPTIONAL_DEADLINE_SECONDS}s")
        else:
            outcomes[name] = future.exception()
    return {name: outcomes[name] for name in checks}


def readyz(request):
    results: dict[str, str] = {}
    failed: list[str] = []
    for name, error in _outcomes(configured_checks()).items():
        if error is None:
            results[name] = "ok"
            DEPENDENCY_UP.labels(dependency=name).set(1)
            continue
        logger.warning("readiness check failed", extra={"dependency": name, "error": str(error)})
        results[name] = f"error: {error.__class__.__name__}"
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
