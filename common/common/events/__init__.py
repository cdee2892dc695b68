"""Events backbone: envelope, contracts, transactional outbox, relay, idempotent consumers.

Public API (import from here):

- ``publish(event, *, key, correlation_id=None, causation_id=None) -> OutboxMessage``: validates the
  contract instance and writes an outbox row in the caller's transaction. Nothing reaches a broker
  until the relay (``manage.py relay_outbox``) sends the row after commit. ``publish_many([(event, key),
  ...], *, correlation_id=None, causation_id=None)`` writes several in one statement, in that order.
- ``Envelope``: what travels (metadata plus the contract-validated payload); handlers receive the parsed
  contract instance and the envelope.
- Consumers: each service lists its handlers in ``config/event_handlers.py`` as
  ``HANDLERS = {"orders.order_placed": some_function, ...}``; a handler is ``fn(event: Contract,
  envelope: Envelope) -> None`` and runs inside the transaction that records the event id in the
  inbox, so a redelivered event is a no-op. ``manage.py consume_events`` runs them; the table is found
  through ``settings.EVENT_HANDLERS`` (default ``"config.event_handlers.HANDLERS"``).
- Tests: ``common.events.testing`` (``published``, ``deliver``, ``deliver_published``,
  ``InMemoryTransport``) exercises publishers and handlers without a broker.
- Where each event travels: ``common.events.routing``; how: ``common.events.transports``.
  See ``docs/services/events.md``.
"""

from common.events.envelope import Envelope

__all__ = ["Envelope", "publish", "publish_many"]


def publish(event, *, key, correlation_id=None, causation_id=None):
    from common.events.outbox.services import outbox_publish

    return outbox_publish(event=event, key=key, correlation_id=correlation_id, causation_id=causation_id)


def publish_many(events, *, correlation_id=None, causation_id=None):
    from common.events.outbox.services import outbox_publish_many

    return outbox_publish_many(events=events, correlation_id=correlation_id, causation_id=causation_id)
