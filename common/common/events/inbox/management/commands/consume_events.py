"""``manage.py consume_events``: apply the events this service handles (its ``HANDLERS`` table)."""

from __future__ import annotations

import signal

from django.conf import settings
from django.core.management.base import BaseCommand

from common.events import routing
from common.events.consumer import service_handlers
from common.events.inbox.runner import consume
from common.events.transports import ConsumeLimits


class Command(BaseCommand):
    help = "Consume this service's events from RabbitMQ, Kafka or the embedded bus until SIGTERM."

    def add_arguments(self, parser):
        parser.add_argument("--transport", action="append", choices=routing.TRANSPORTS, help="only these loops")
        parser.add_argument("--once", action="store_true", help="stop after 1 second with nothing to do")
        parser.add_argument("--max-messages", type=int, default=None, help="stop after this many messages")
        parser.add_argument("--timeout", type=float, default=None, help="stop after this many seconds")
        parser.add_argument(
            "--metrics-port", type=int, default=0, help="serve Prometheus metrics (events handled, dead letters)"
        )

    def handle(
        self,
        *args,
        transport,
        once: bool,
        max_messages: int | None,
        timeout: float | None,
        metrics_port: int = 0,
        **options,
    ):
        if metrics_port:
            from prometheus_client import start_http_server

            start_http_server(metrics_port)
        limits = ConsumeLimits(max_messages=max_messages, timeout=timeout, idle_timeout=1.0 if once else None)
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: limits.stop.set())
        handlers = service_handlers()
        self.stdout.write(f"consuming {sorted(handlers)} as {settings.SERVICE_NAME}")
        counts = consume(service=settings.SERVICE_NAME, handlers=handlers, limits=limits, transports=transport)
        self.stdout.write(f"processed {counts}")
