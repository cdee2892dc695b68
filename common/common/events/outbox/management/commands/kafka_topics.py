"""``manage.py kafka_topics``: create (or ``--check``) the backbone's Kafka topics at deploy time.

Production brokers (MSK, Managed Kafka) run with auto-create off and ``min.insync.replicas=2``; the
topics must exist with the replication factor, partitions and ``min.insync.replicas`` the settings
name (``EVENTS_KAFKA_REPLICATION``, ``EVENTS_KAFKA_PARTITIONS``, ``EVENTS_KAFKA_MIN_INSYNC_REPLICAS``,
all from the environment) before any relay sends to them. The Kubernetes ``kafka-topics`` Job runs
this; it exits non-zero when a topic is missing or configured otherwise, naming the setting.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from common.events.transports.kafka import all_topics, ensure_topics, topic_problems, topic_spec


class Command(BaseCommand):
    help = "Create the Kafka topics of the events backbone with the configured replication (or --check them)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="only check; create nothing")
        parser.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for the brokers")

    def handle(self, *args, check: bool, timeout: float, **options):
        if not settings.KAFKA_BOOTSTRAP_SERVERS:
            self.stdout.write("KAFKA_BOOTSTRAP_SERVERS is not set: no Kafka topics to manage")
            return
        topics = all_topics()
        if not check:
            for topic in ensure_topics(topics, timeout=timeout):
                spec = topic_spec(topic)
                self.stdout.write(
                    f"created {topic}: {spec.partitions} partitions, replication {spec.replication}, {spec.config}"
                )
        problems = topic_problems(topics, timeout=timeout)
        for topic in topics:
            self.stdout.write(f"{topic}: {problems.get(topic, 'ok')}")
        if problems:
            raise CommandError(f"{len(problems)} Kafka topic(s) not as configured: {', '.join(sorted(problems))}")
