"""Single-row inserts in one statement, for the writes made on every event and every webhook.

``insert_once`` is the idempotent insert of the events inbox and the payment webhooks' receipts: on
PostgreSQL one ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` (no savepoint, two round trips fewer than the
ORM's ``create`` inside ``atomic``); a concurrent insert of the same key waits for the first to commit or roll
back, and loses; its values are the ones Django's own insert would write (each field's ``pre_save`` and
``get_db_prep_save``: defaults, ``auto_now_add``, JSON, UUIDs). ``insert_columns`` is the fields and quoted
columns such an insert writes, found once per model (also for the outbox's ``INSERT ... RETURNING id,
pg_notify(...)``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import Field, Model


def _prepared_values(instance: Model) -> list[Any]:
    """The values of ``insert_columns``' fields for ``instance``, prepared as Django's insert prepares them."""
    database = connections[DEFAULT_DB_ALIAS]  # the connection itself: each field asks it for its operations
    fields, _columns = insert_columns(type(instance), database.vendor)
    return [field.get_db_prep_save(field.pre_save(instance, add=True), database) for field in fields]


@cache
def insert_columns(model: type[Model], vendor: str) -> tuple[tuple[Field, ...], tuple[str, ...]]:
    """The fields an insert writes (every concrete field but the primary key) and their quoted columns, once
    per model (quoting them cost more than the values on every event)."""
    fields = tuple(field for field in model._meta.concrete_fields if not field.primary_key)
    return fields, tuple(connection.ops.quote_name(field.column) for field in fields)


def insert_once(model: type[Model], *, values: dict[str, Any], unique: tuple[str, ...]) -> bool:
    """Insert one ``model`` row of ``values`` unless a row with the same ``unique`` fields exists (a unique
    constraint on them must exist); True when this call inserted it."""
    instance = model(**values)
    if connection.vendor != "postgresql":
        try:
            with transaction.atomic():
                instance.save(force_insert=True)
        except IntegrityError:
            return False
        return True
    with connection.cursor() as cursor:
        cursor.execute(_insert_once_sql(model, unique), _prepared_values(instance))
        return cursor.fetchone() is not None


@cache
def _insert_once_sql(model: type[Model], unique: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    _fields, columns = insert_columns(model, connection.vendor)
    conflict = ", ".join(quote(model._meta.get_field(name).column) for name in unique)
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 (the model's table)
        f"VALUES ({', '.join(['%s'] * len(columns))}) ON CONFLICT ({conflict}) DO NOTHING "
        f"RETURNING {quote(model._meta.pk.column)}"
    )
