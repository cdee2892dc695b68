"""Runs a service's consumer loops: one per transport its handled event types travel on.

Each loop runs in its own thread (with its own database connection) and is restarted with a backoff
when its broker connection fails, so a broker restart never needs a process restart.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping

from django.db import connection

from common.events import routing
from common.events.consumer import Handler
from common.events.transports import ConsumeLimits, consumer_for

logger = logging.getLogger(__name__)

MAX_RESTART_BACKOFF_SECONDS = 30.0


def transports_needed(handlers: Mapping[str, Handler]) -> list[str]:
    return sorted({routing.transport_for(event_type) for event_type in handlers})


def consume(
    *,
    service: str,
    handlers: Mapping[str, Handler],
    limits: ConsumeLimits,
    transports: Iterable[str] | None = None,
) -> dict[str, int]:
    """Run the loops ``handlers`` need (or only ``transports``) until ``limits``; messages per transport."""
    wanted = [name for name in transports_needed(handlers) if transports is None or name in set(transports)]
    limits.begin()
    if not wanted:
        logger.info("no event handlers to consume for", extra={"service": service})
        while not limits.done():
            limits.stop.wait(0.5)
        return {}
    if len(wanted) == 1:
        return {wanted[0]: _supervised(wanted[0], service, handlers, limits)}
    counts: dict[str, int] = {}
    threads = []
    for name in wanted:
        loop_limits = ConsumeLimits(
            max_messages=limits.max_messages,
            timeout=limits.timeout,
            idle_timeout=limits.idle_timeout,
            until=limits.until,
            stop=limits.stop,
        )
        thread = threading.Thread(
            target=_in_thread, args=(name, service, handlers, loop_limits, counts), name=f"consume-{name}", daemon=True
        )
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return counts


def _in_thread(name: str, service: str, handlers, limits: ConsumeLimits, counts: dict[str, int]) -> None:
    try:
        counts[name] = _supervised(name, service, handlers, limits)
    finally:
        connection.close()


def _supervised(name: str, service: str, handlers, limits: ConsumeLimits) -> int:
    backoff = 0.0
    while not limits.done():
        try:
            consumer_for(name, service=service, handlers=handlers).run(limits)
            backoff = 0.0
        except Exception:
            backoff = min(max(backoff * 2, 0.5), MAX_RESTART_BACKOFF_SECONDS)
            logger.exception("consumer loop failed; restarting", extra={"transport": name, "seconds": backoff})
            limits.stop.wait(backoff)
    return limits.processed
