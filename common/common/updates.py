"""Several rows of one model updated in one statement: the saga's writes of every order's stock rows and lots.

``Model.save(update_fields=...)`` is one round trip per row, and Django's ``bulk_update`` builds a ``Case``
of ``When`` expressions per row and field and compiles them on every call, which cost more CPU than the
round trips it saves. ``rows_update`` writes the same values ``save(update_fields=...)`` would (each
field's ``pre_save``, so ``auto_now`` is set, and ``get_db_prep_save``) as one ``UPDATE ... SET column =
CASE pk WHEN ... END WHERE pk IN (...)``, its SQL built once per model, fields and row count.
``values_update`` is the queryset's ``filter(...).update(...)`` for the same values on every row it matches,
with counters ``+ 1`` (the relay marking a batch sent, a payment session storing the provider's answer), its
SQL built once per shape: the queryset compiled its ``F()`` and filters on every call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from django.db import connections, router
from django.db.models import Model

from common.cursors import statement_cursor


def rows_update(instances: Sequence[Model], fields: Sequence[str]) -> None:
    """Save ``fields`` of ``instances`` (saved rows of one model) in one statement; nothing when none."""
    if not instances:
        return
    model = type(instances[0])
    database = connections[router.db_for_write(model)]
    concrete = [model._meta.get_field(name) for name in fields]
    params: list = []
    for field in concrete:
        for instance in instances:
            params += [instance.pk, field.get_db_prep_save(field.pre_save(instance, add=False), database)]
    params += [instance.pk for instance in instances]
    with statement_cursor(database.alias) as cursor:
        cursor.execute(_update_sql(model, tuple(fields), len(instances), database.alias), params)


@cache
def _update_sql(model: type[Model], fields: tuple[str, ...], count: int, alias: str) -> str:
    database = connections[alias]
    quote = database.ops.quote_name
    pk = quote(model._meta.pk.column)
    whens = " ".join(["WHEN %s THEN %s"] * count)
    assignments = []
    for name in fields:
        field = model._meta.get_field(name)
        case = f"CASE {pk} {whens} END"
        if database.features.requires_casted_case_in_updates:  # PostgreSQL: a CASE of parameters is text
            case = f"CAST({case} AS {field.cast_db_type(database)})"
        assignments.append(f"{quote(field.column)} = {case}")
    return (
        f"UPDATE {quote(model._meta.db_table)} SET {', '.join(assignments)} "  # noqa: S608 (the model's table)
        f"WHERE {pk} IN ({', '.join(['%s'] * count)})"
    )


def values_update(
    model: type[Model], *, values: Mapping[str, Any], increment: tuple[str, ...] = (), where: Mapping[str, Any]
) -> int:
    """``UPDATE`` the rows of ``model`` where each field of ``where`` equals its value (or, given a list, is one
    of its values): set ``values`` (prepared as ``save`` prepares them) and add 1 to each ``increment`` field.
    Returns how many rows it changed."""
    database = connections[router.db_for_write(model)]
    params = [model._meta.get_field(name).get_db_prep_save(value, database) for name, value in values.items()]
    for name, value in where.items():
        field = _field(model, name)
        params += [field.get_db_prep_save(item, database) for item in (value if isinstance(value, list) else [value])]
    shape = tuple((name, len(value) if isinstance(value, list) else None) for name, value in where.items())
    with statement_cursor(database.alias) as cursor:
        cursor.execute(_values_update_sql(model, tuple(values), increment, shape, database.alias), params)
        return cursor.rowcount


@cache
def _values_update_sql(
    model: type[Model], names: tuple[str, ...], increment: tuple[str, ...], where: tuple, alias: str
) -> str:
    quote = connections[alias].ops.quote_name
    column = {name: quote(model._meta.get_field(name).column) for name in (*names, *increment)}
    assignments = [f"{column[name]} = %s" for name in names] + [
        f"{column[name]} = {column[name]} + 1" for name in increment
    ]
    conditions = []
    for name, count in where:
        target = quote(_field(model, name).column)
        conditions.append(f"{target} = %s" if count is None else f"{target} IN ({', '.join(['%s'] * count)})")
    return (
        f"UPDATE {quote(model._meta.db_table)} SET {', '.join(assignments)} "  # noqa: S608 (the model's table)
        f"WHERE {' AND '.join(conditions)}"
    )


def _field(model: type[Model], name: str):
    return model._meta.pk if name == "pk" else model._meta.get_field(name)
