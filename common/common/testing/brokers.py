"""Cleaning up after a test or a benchmark that used the real brokers in an events namespace of its own."""

from __future__ import annotations

from confluent_kafka.admin import AdminClient


def kafka_topics_delete(servers: str, *, namespace: str) -> list[str]:
    """Delete every Kafka topic of ``namespace`` (``EVENTS_NAMESPACE``, never empty); the topics deleted."""
    if not namespace:
        raise ValueError("an events namespace is needed: without one every topic of the broker would match")
    admin = AdminClient({"bootstrap.servers": servers})
    doomed = [topic for topic in admin.list_topics(timeout=10).topics if topic.startswith(namespace)]
    if doomed:
        for future in admin.delete_topics(doomed, operation_timeout=10).values():
            future.result(timeout=15)
    return doomed
