"""``manage.py relay_outbox``: send committed outbox rows to RabbitMQ, Kafka or the embedded bus."""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand

from common.events.outbox.relay import DEFAULT_BATCH_SIZE, OutboxRelay, outbox_refresh_metrics


class Command(BaseCommand):
    help = "Relay pending outbox rows to their broker (long-running; --once sends what is pending and exits)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="send what is pending now, then exit")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        parser.add_argument("--poll-interval", type=float, default=0.2, help="seconds between polls when idle")
        parser.add_argument("--metrics-port", type=int, default=0, help="serve Prometheus metrics on this port")

    def handle(self, *args, once: bool, batch_size: int, poll_interval: float, metrics_port: int, **options):
        relay = OutboxRelay(batch_size=batch_size)
        try:
            if once:
                result = relay.relay_pending()
                outbox_refresh_metrics()
                self.stdout.write(f"sent {result.sent}, failed {result.failed} (parked {result.parked})")
                return
            if metrics_port:
                from prometheus_client import start_http_server

                start_http_server(metrics_port)
            stop = threading.Event()
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
            self.stdout.write("relaying the outbox (Ctrl-C to stop)")
            relay.run(stop=stop, poll_interval=poll_interval)
        finally:
            relay.close()
