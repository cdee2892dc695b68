"""Inserts in one statement, for the writes made on every event and every webhook (``insert_sql`` builds
each shape's SQL once, ``inserted`` marks the instances saved).

``insert_once`` is the idempotent insert of the events inbox and the payment webhooks' receipts: on
PostgreSQL one ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` (no savepoint, two round trips fewer than the
ORM's ``create`` inside ``atomic``); a concurrent insert of the same key waits for the first to commit or roll
back, and loses; its values are the ones Django's own insert would write (each field's ``pre_save`` and
``get_db_prep_save``: defaults, ``auto_now_add``, JSON, UUIDs). ``insert_columns`` is the fields and quoted
columns such an insert writes, found once per model (also for the outbox's ``INSERT ... RETURNING id,
pg_notify(...)``). ``insert_new`` is ``insert_once`` for several rows in one statement (the inbox rows of a
consumer's batch). ``insert_notifying`` is one row and a ``NOTIFY`` of the same transaction in one
statement (an order's history row and the wake-up of its long-polls). ``rows_insert`` is ``bulk_create``'s
multi-row insert without its per-call planning (batches, conflicts, field checks): the saga's reservation
rows, their lots and the ledger's movements on every order.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import Field, Model

from common.cursors import statement_cursor


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
    with statement_cursor() as cursor:
        cursor.execute(insert_sql(model, conflict=unique), _prepared_values(instance))
        return cursor.fetchone() is not None


def insert_new(model: type[Model], *, rows: list[dict[str, Any]], unique: str) -> set[Any]:
    """``insert_once`` for several rows in one statement: insert each of ``rows`` (the values of a new ``model``
    row) whose ``unique`` field (one field, with a unique constraint) holds a value no stored row has; returns
    the values of ``unique`` this call inserted (as the field holds them: ``to_python``). A value twice among
    ``rows`` is inserted once, with its first values. On PostgreSQL one ``INSERT ... ON CONFLICT DO NOTHING
    RETURNING``, its rows in the order of their values, so two concurrent inserts of overlapping values wait on
    each other in the same order, never in a cycle."""
    field = model._meta.get_field(unique)
    first: dict[Any, dict[str, Any]] = {}
    for values in rows:
        first.setdefault(field.to_python(values[unique]), values)
    if connection.vendor != "postgresql":
        return {value for value, values in first.items() if insert_once(model, values=values, unique=(unique,))}
    ordered = [model(**first[value]) for value in sorted(first, key=str)]
    if not ordered:
        return set()
    params = [value for instance in ordered for value in _prepared_values(instance)]
    returning = f", {connection.ops.quote_name(field.column)}"
    with statement_cursor() as cursor:
        cursor.execute(insert_sql(model, len(ordered), conflict=(unique,), returning=returning), params)
        return {field.to_python(row[1]) for row in cursor.fetchall()}


def insert_notifying(instance: Model, *, channel: str, payload: str) -> None:
    """Insert ``instance`` (a new row) and ``NOTIFY channel, payload`` at this transaction's commit: on
    PostgreSQL one ``INSERT ... RETURNING pk, pg_notify(...)``; elsewhere the ORM's insert (and no notice:
    only PostgreSQL has them)."""
    if connection.vendor != "postgresql":
        instance.save(force_insert=True)
        return
    with statement_cursor() as cursor:
        sql = insert_sql(type(instance), returning=", pg_notify(%s, %s)")
        cursor.execute(sql, [*_prepared_values(instance), channel, payload])
        inserted([instance], [cursor.fetchone()[0]])


def rows_insert(instances: list[Model]) -> None:
    """Insert new ``instances`` of one model in one ``INSERT ... VALUES (...), (...) RETURNING pk`` and set
    their primary keys, in order (ids follow the list's order); the values Django's insert would write."""
    if not instances:
        return
    params = [value for instance in instances for value in _prepared_values(instance)]
    with statement_cursor() as cursor:
        cursor.execute(insert_sql(type(instances[0]), len(instances)), params)
        inserted(instances, [row[0] for row in cursor.fetchall()])


@cache
def insert_sql(model: type[Model], rows: int = 1, *, conflict: tuple[str, ...] = (), returning: str = "") -> str:
    """``INSERT INTO <table> (<insert_columns>) VALUES (%s, ...)[, ...] [ON CONFLICT (<conflict>) DO NOTHING]
    RETURNING <pk><returning>``: every insert of this module (and the outbox's), built once per shape."""
    quote = connection.ops.quote_name
    _fields, columns = insert_columns(model, connection.vendor)
    row = f"({', '.join(['%s'] * len(columns))})"
    on_conflict = ""
    if conflict:
        on_conflict = f" ON CONFLICT ({', '.join(quote(model._meta.get_field(name).column) for name in conflict)})"
        on_conflict += " DO NOTHING"
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 (the model's table)
        f"VALUES {', '.join([row] * rows)}{on_conflict} RETURNING {quote(model._meta.pk.column)}{returning}"
    )


def inserted(instances: list[Model], ids: list[Any]) -> None:
    """Give freshly inserted ``instances`` their ``ids`` (in order) and mark them saved, as Django's insert does."""
    for instance, pk in zip(instances, ids, strict=True):
        instance.pk = pk
        instance._state.adding, instance._state.db = False, connection.alias
