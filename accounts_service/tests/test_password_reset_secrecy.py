"""The live reset link is never stored or carried readable: not in the raw outbox row, not in the
RabbitMQ message, not in the Kafka audit copy; sealed, it still opens to a link that works."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import pika
import pytest
from confluent_kafka import Consumer, TopicPartition
from django.db import connection

from common.events import routing
from common.events.outbox.models import OutboxMessage
from common.events.outbox.relay import OutboxRelay
from common.sealing import unseal
from tests.conftest import PASSWORD, post

pytestmark = pytest.mark.django_db


def _request_reset(client) -> tuple[str, dict[str, str]]:
    """Ask for a reset; returns the raw outbox payload text and the link's uid/token (unsealed)."""
    assert post(client, "password-reset", {"email": "ana@example.com"}).status_code == 202
    row = OutboxMessage.objects.get(event_type="accounts.password_reset_requested")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT envelope FROM {OutboxMessage._meta.db_table} WHERE id = %s", [row.pk])
        raw = str(cursor.fetchone()[0])
    query = parse_qs(urlsplit(unseal(row.envelope["payload"]["reset_url_sealed"])).query)
    return raw, {"uid": query["uid"][0], "token": query["token"][0]}


def test_the_raw_outbox_row_holds_no_reset_token_and_the_sealed_link_works(client, user):
    raw, link = _request_reset(client)
    assert link["token"] not in raw
    assert "reset-password" not in raw and "token=" not in raw
    response = post(client, "password-reset/confirm", {**link, "new_password": "a brand new passphrase"})
    assert response.status_code == 204
    assert post(client, "token", {"email": "ana@example.com", "password": PASSWORD}).status_code == 401


def test_the_broker_message_and_the_audit_copy_hold_no_reset_token(
    client, user, settings, rabbitmq_url, kafka_bootstrap_servers
):
    settings.EVENTS_NAMESPACE = f"h5-secrecy-{uuid.uuid4().hex[:8]}."
    settings.RABBITMQ_URL = rabbitmq_url
    settings.KAFKA_BOOTSTRAP_SERVERS = kafka_bootstrap_servers
    settings.EVENTS_TRANSPORT = ""
    settings.EVENTS_AUDIT_TOPIC = True
    _raw, link = _request_reset(client)

    relay = OutboxRelay()
    try:
        assert relay.relay_pending().sent == 1
    finally:
        relay.close()

    broker = pika.BlockingConnection(pika.URLParameters(rabbitmq_url))
    try:
        channel = broker.channel()
        _method, _properties, body = channel.basic_get(routing.queue_name("tasks"), auto_ack=True)
        channel.queue_delete(routing.queue_name("tasks"))
        channel.queue_delete(routing.dead_letter_queue_name("tasks"))
    finally:
        broker.close()
    assert b"reset_url_sealed" in body
    assert link["token"].encode() not in body and b"reset-password" not in body

    reader = Consumer(
        {
            "bootstrap.servers": kafka_bootstrap_servers,
            "group.id": f"{routing.namespace()}audit-reader",
            "auto.offset.reset": "earliest",
        }
    )
    try:
        topic = reader.list_topics(routing.audit_topic(), timeout=10).topics[routing.audit_topic()]
        reader.assign([TopicPartition(routing.audit_topic(), partition, 0) for partition in topic.partitions])
        message = None
        for _ in range(20):  # a bounded wait for the one copy; never a pass by timing out
            message = reader.poll(timeout=1)
            if message is not None and message.error() is None:
                break
    finally:
        reader.close()
    assert message is not None and message.error() is None
    assert b"reset_url_sealed" in message.value()
    assert link["token"].encode() not in message.value()
