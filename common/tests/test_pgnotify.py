"""``common.pgnotify``: a committed NOTIFY wakes the threads watching its key; a rollback wakes nobody."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, transaction

from common import pgnotify

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = 30


@pytest.fixture
def channel(postgresql):
    listener = pgnotify.listener("test_channel")
    yield listener
    pgnotify.close_listeners()


def committed_elsewhere(channel_name: str, payload: str, *, rollback: bool = False) -> None:
    """NOTIFY from another thread's own connection, committed (or rolled back)."""

    def run():
        try:
            with transaction.atomic():
                pgnotify.notify(channel_name, payload)
                if rollback:
                    transaction.set_rollback(True)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(WAIT)


def test_a_committed_notify_wakes_the_watch_of_its_key_only(channel):
    with channel.watch("CO-1") as mine, channel.watch("CO-2") as other:
        assert channel.watching("CO-1") == 1 and channel.waiting() == 2
        committed_elsewhere("test_channel", "CO-1")
        assert mine.wait(WAIT) is True
        with channel.watch("CO-3") as third:  # delivered after CO-1: once it is in, CO-2 had no news
            committed_elsewhere("test_channel", "CO-3")
            assert third.wait(WAIT) is True
        assert other.event.is_set() is False
    assert channel.waiting() == 0


def test_a_rolled_back_notify_wakes_nobody(channel):
    with channel.watch("CO-9") as rolled_back, channel.watch("CO-10") as marker:
        committed_elsewhere("test_channel", "CO-9", rollback=True)
        committed_elsewhere("test_channel", "CO-10")  # notifications arrive in commit order
        assert marker.wait(WAIT) is True
        assert rolled_back.event.is_set() is False


def test_the_notification_is_sent_at_commit_not_before(channel):
    with channel.watch("CO-20") as watch:
        with transaction.atomic():
            pgnotify.notify("test_channel", "CO-20")
            committed_elsewhere("test_channel", "CO-21-marker")
            with channel.watch("CO-21-marker") as marker:
                committed_elsewhere("test_channel", "CO-21-marker")
                assert marker.wait(WAIT) is True
            assert watch.event.is_set() is False  # our transaction has not committed yet
        assert watch.wait(WAIT) is True


def test_a_row_inserted_with_its_notice_wakes_the_watch_at_commit_and_is_the_orms_row(channel):
    from common.events.inbox.models import ProcessedEvent
    from common.inserts import insert_notifying

    with channel.watch("CO-30") as watch:
        with transaction.atomic():
            row = ProcessedEvent(event_id=uuid.uuid4(), event_type="orders.order_paid")
            insert_notifying(row, channel="test_channel", payload="CO-30")
            assert watch.event.is_set() is False
        assert watch.wait(WAIT) is True
    stored = ProcessedEvent.objects.get(pk=row.pk)
    assert (stored.event_id, stored.event_type, stored.processed_at) == (row.event_id, row.event_type, row.processed_at)
    assert stored.processed_at is not None  # auto_now_add, as the ORM's insert sets it
    assert row._state.adding is False
