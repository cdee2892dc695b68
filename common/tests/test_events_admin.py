"""The admin of the outbox and the dead letters, with their replay actions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from common.events import publish
from common.events.inbox.models import DeadLetter
from common.events.inbox.services import dead_letter_record
from common.events.outbox.models import OutboxMessage
from common.events.testing import envelope_of
from common.observability.metrics import DEAD_LETTERS
from tests.events.contracts import NoteRecorded

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.events.urls")]


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("admin", "admin@cosmeticos.co", "x-long-password-1"))
    return client


def test_the_outbox_list_filters_by_status_and_finds_a_row_by_event_id(staff_client):
    row = publish(NoteRecorded(text="findme"), key="key-1")
    publish(NoteRecorded(text="other"), key="key-2")

    by_status = staff_client.get("/admin/outbox/outboxmessage/", {"status__exact": "pending"})
    by_event_id = staff_client.get("/admin/outbox/outboxmessage/", {"q": str(row.event_id)})

    assert by_status.status_code == 200
    assert by_status.context["cl"].result_count == 2
    assert [found.pk for found in by_event_id.context["cl"].result_list] == [row.pk]


def test_replaying_sent_outbox_rows_puts_them_back_to_pending(staff_client):
    row = publish(NoteRecorded(text="again"), key="k")
    OutboxMessage.objects.update(status=OutboxMessage.Status.SENT, attempts=1, last_error="old")

    response = staff_client.post(
        "/admin/outbox/outboxmessage/", {"action": "replay", "_selected_action": [row.pk]}, follow=True
    )

    assert response.status_code == 200
    assert list(OutboxMessage.objects.values_list("status", "attempts", "last_error", "sent_at")) == [
        ("pending", 0, "", None)
    ]


def test_replaying_a_dead_letter_queues_its_envelope_in_the_outbox(staff_client):
    envelope = envelope_of(NoteRecorded(text="parked"), key="k-5")
    dead = dead_letter_record(body=envelope.to_bytes(), source="q", error="boom", attempts=3)

    response = staff_client.post(
        "/admin/inbox/deadletter/", {"action": "replay", "_selected_action": [dead.pk]}, follow=True
    )

    assert response.status_code == 200
    row = OutboxMessage.objects.get()
    assert (row.event_id, row.event_type, row.key, row.status) == (envelope.event_id, envelope.type, "k-5", "pending")
    assert row.envelope == envelope.model_dump(mode="json")
    assert DeadLetter.objects.get().replayed_at is not None
    assert DEAD_LETTERS.labels(service="commontest")._value.get() == 0


def test_a_dead_letter_that_is_not_an_envelope_cannot_be_replayed(staff_client):
    dead = dead_letter_record(body=b"not json", source="q", error="malformed", attempts=1)

    staff_client.post("/admin/inbox/deadletter/", {"action": "replay", "_selected_action": [dead.pk]}, follow=True)

    assert OutboxMessage.objects.count() == 0
    assert DeadLetter.objects.get().replayed_at is None
    assert DEAD_LETTERS.labels(service="commontest")._value.get() == 1
    assert (dead.event_id, dead.event_type) == (None, "")


def test_parked_rows_are_listed_with_their_error_and_can_be_retried_or_discarded(staff_client):
    parked, kept, pending = (publish(NoteRecorded(text=text), key="k") for text in ("parked", "kept", "pending"))
    OutboxMessage.objects.filter(pk__in=[parked.pk, kept.pk]).update(
        status=OutboxMessage.Status.FAILED, attempts=1, failures=1, last_error="unroutable: no queue is bound"
    )

    listed = staff_client.get("/admin/outbox/outboxmessage/", {"status__exact": "failed"})
    retried = staff_client.post(
        "/admin/outbox/outboxmessage/", {"action": "replay", "_selected_action": [kept.pk]}, follow=True
    )
    discarded = staff_client.post(
        "/admin/outbox/outboxmessage/", {"action": "discard", "_selected_action": [parked.pk, pending.pk]}, follow=True
    )

    assert sorted(row.pk for row in listed.context["cl"].result_list) == [parked.pk, kept.pk]
    assert "unroutable: no queue is bound" in listed.content.decode()
    assert retried.status_code == discarded.status_code == 200
    assert list(OutboxMessage.objects.order_by("pk").values_list("pk", "status", "failures")) == [
        (kept.pk, "pending", 0),
        (pending.pk, "pending", 0),
    ]  # only the parked row was discarded
    assert "1 mensagem não estava parada e foi mantida." in discarded.content.decode()


def test_a_dead_letter_given_up_on_is_discarded(staff_client):
    dead = dead_letter_record(body=b"not json", source="q", error="malformed", attempts=1)

    staff_client.post("/admin/inbox/deadletter/", {"action": "discard", "_selected_action": [dead.pk]}, follow=True)

    assert DeadLetter.objects.count() == 0
    assert DEAD_LETTERS.labels(service="commontest")._value.get() == 0
