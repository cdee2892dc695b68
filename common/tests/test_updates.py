"""``rows_update`` writes in one statement what ``save(update_fields=...)`` writes row by row."""

from datetime import timedelta

import pytest
from django.utils import timezone

from common.events.outbox.models import OutboxMessage
from common.updates import rows_update

pytestmark = pytest.mark.django_db

FIELDS = ["status", "attempts", "last_error", "next_attempt_at", "envelope"]


def message(key: str) -> OutboxMessage:
    return OutboxMessage.objects.create(event_type="notes.note_recorded", version=1, key=key, envelope={"n": key})


def stored(pk: int) -> dict:
    return OutboxMessage.objects.filter(pk=pk).values(*FIELDS).get()


def change(row: OutboxMessage, n: int) -> None:
    row.status = OutboxMessage.Status.FAILED
    row.attempts = n
    row.last_error = f"erro {n}: 'aspas' e \"duplas\""
    row.next_attempt_at = timezone.now() + timedelta(minutes=n)
    row.envelope = {"n": n, "lista": [n, None]}


@pytest.mark.parametrize("count", [1, 3])
def test_several_rows_are_written_as_save_writes_each(count, django_assert_num_queries):
    by_update = [message(f"U-{n}") for n in range(count)]
    by_save = [message(f"S-{n}") for n in range(count)]
    untouched = message("X")
    for n, (a, b) in enumerate(zip(by_update, by_save, strict=True)):
        change(a, n + 1)
        change(b, n + 1)
        b.next_attempt_at = a.next_attempt_at

    with django_assert_num_queries(1):
        rows_update(by_update, FIELDS)
    for row in by_save:
        row.save(update_fields=FIELDS)

    assert [stored(a.pk) for a in by_update] == [stored(b.pk) for b in by_save]
    assert stored(untouched.pk)["status"] == OutboxMessage.Status.PENDING


def test_no_rows_is_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        rows_update([], FIELDS)
