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


def test_values_update_writes_what_the_querysets_update_writes(django_assert_num_queries):
    from django.db.models import F

    from common.updates import values_update

    ours, theirs, other = [message(f"V-{n}") for n in range(2)], [message(f"Q-{n}") for n in range(2)], message("X")
    now = timezone.now()
    values = {"status": OutboxMessage.Status.SENT, "sent_at": now, "last_error": "", "next_attempt_at": None}

    with django_assert_num_queries(1):
        changed = values_update(
            OutboxMessage, values=values, increment=("attempts",), where={"pk": [r.pk for r in ours]}
        )
    OutboxMessage.objects.filter(pk__in=[r.pk for r in theirs]).update(**values, attempts=F("attempts") + 1)

    columns = ["status", "sent_at", "last_error", "next_attempt_at", "attempts"]

    def stored(rows):
        return [OutboxMessage.objects.filter(pk=r.pk).values(*columns).get() for r in rows]

    assert changed == 2
    assert stored(ours) == stored(theirs)
    assert stored([other])[0]["status"] == OutboxMessage.Status.PENDING


def test_values_update_with_a_condition_changes_nothing_once_it_no_longer_holds():
    from common.updates import values_update

    row = message("C")
    where = {"pk": row.pk, "status": OutboxMessage.Status.PENDING}

    assert values_update(OutboxMessage, values={"status": "sent"}, increment=("attempts",), where=where) == 1
    assert values_update(OutboxMessage, values={"status": "failed"}, increment=("attempts",), where=where) == 0
    assert OutboxMessage.objects.values_list("status", "attempts").get(pk=row.pk) == ("sent", 1)
