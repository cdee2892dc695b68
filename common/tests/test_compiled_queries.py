"""``CompiledQuery`` returns what its queryset returns (same fields, converted values, order), in one query."""

import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F

from common.compiled_queries import MAX_MANY, CompiledQuery, Many
from common.events.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db

BY_EVENT_ID = CompiledQuery(
    lambda event_id: OutboxMessage.objects.filter(event_id=event_id).order_by(),
    event_id=uuid.UUID("00000000-0000-4000-8000-00000000beef"),
)
BY_KEY_AND_STATUS = CompiledQuery(
    lambda key, status: OutboxMessage.objects.filter(key=key, status=status).order_by("-id"),
    key="\x00key",
    status="\x00status",
)


def fields(instance) -> dict:
    return {name: value for name, value in instance.__dict__.items() if name != "_state"}


def message(key: str, status: str = "pending") -> OutboxMessage:
    return OutboxMessage.objects.create(
        event_type="orders.order_placed", key=key, status=status, envelope={"payload": {"total": "10.00"}, "n": [1]}
    )


def test_a_lookup_by_uuid_returns_the_instance_the_queryset_returns(django_assert_num_queries):
    wanted = message("CO-1")
    message("CO-2")

    with django_assert_num_queries(1):
        found = BY_EVENT_ID.first(event_id=wanted.event_id)

    assert fields(found) == fields(OutboxMessage.objects.get(pk=wanted.pk))
    assert found.envelope == {"payload": {"total": "10.00"}, "n": [1]}  # the JSON column converted
    assert found.created_at.tzinfo is not None and found._state.adding is False


def test_several_values_bind_in_their_places_and_the_order_is_kept():
    rows = [message("CO-1"), message("CO-1"), message("CO-1", status="sent"), message("CO-2")]

    found = BY_KEY_AND_STATUS(key="CO-1", status="pending")

    assert [m.pk for m in found] == [rows[1].pk, rows[0].pk]
    assert [fields(m) for m in found] == [
        fields(m) for m in OutboxMessage.objects.filter(key="CO-1", status="pending").order_by("-id")
    ]
    assert [m.pk for m in BY_KEY_AND_STATUS(key="CO-1", status="sent")] == [rows[2].pk]


def test_no_row_is_an_empty_answer():
    message("CO-1")

    assert BY_EVENT_ID.first(event_id=uuid.uuid4()) is None
    assert BY_KEY_AND_STATUS(key="CO-9", status="pending") == []


WITH_ANNOTATIONS = CompiledQuery(
    lambda key: (
        OutboxMessage.objects.filter(key=key)
        .annotate(doubled=F("attempts") * 2, failed_to=F("last_error"))
        .order_by("id")
    ),
    key="\x00key",
)


def test_annotations_are_set_on_the_instances_as_the_queryset_sets_them():
    first, second = message("CO-1"), message("CO-1")
    OutboxMessage.objects.filter(pk=second.pk).update(attempts=3, last_error="timeout")

    found = WITH_ANNOTATIONS(key="CO-1")

    assert [(m.pk, m.doubled, m.failed_to) for m in found] == [(first.pk, 0, ""), (second.pk, 6, "timeout")]
    assert [fields(m) for m in found] == [fields(m) for m in WITH_ANNOTATIONS.build(key="CO-1")]


def test_a_queryset_that_transforms_its_value_is_refused_when_compiled():
    contains = CompiledQuery(lambda key: OutboxMessage.objects.filter(key__contains=key), key="\x00key")

    with pytest.raises(ImproperlyConfigured, match="'key'"):
        contains(key="CO")


BY_KEYS = CompiledQuery(lambda keys: OutboxMessage.objects.filter(key__in=keys).order_by("id"), keys=Many("\x00key-"))


def test_a_list_binds_once_per_length_and_matches_the_querysets_in(django_assert_num_queries):
    rows = [message("CO-1"), message("CO-2"), message("CO-3")]

    with django_assert_num_queries(1):
        assert [m.pk for m in BY_KEYS(keys=["CO-3", "CO-1"])] == [rows[0].pk, rows[2].pk]
    assert [m.pk for m in BY_KEYS(keys=["CO-2"])] == [rows[1].pk]
    assert [m.pk for m in BY_KEYS(keys=["CO-2", "CO-9"])] == [rows[1].pk]  # the 2-value plan again, other values
    with django_assert_num_queries(0):
        assert BY_KEYS(keys=[]) == []
    many = [f"CO-{n}" for n in range(MAX_MANY + 5)]  # longer than any plan: the queryset itself
    assert [fields(m) for m in BY_KEYS(keys=many)] == [
        fields(m) for m in OutboxMessage.objects.filter(key__in=many).order_by("id")
    ]


BY_IDS = CompiledQuery(lambda ids: OutboxMessage.objects.filter(pk__in=ids).order_by("id"), ids=Many(-7_310_900_000))


def test_a_list_of_ids_binds_with_integer_markers():
    rows = [message("CO-1"), message("CO-2"), message("CO-3")]

    assert [m.pk for m in BY_IDS(ids=[rows[2].pk, rows[0].pk])] == [rows[0].pk, rows[2].pk]
    assert [m.pk for m in BY_IDS(ids=[rows[1].pk, 10**9])] == [rows[1].pk]  # the same plan, other values
    assert [fields(m) for m in BY_IDS(ids=[rows[1].pk])] == [fields(OutboxMessage.objects.get(pk=rows[1].pk))]
