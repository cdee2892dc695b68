"""Several rows of one model updated in one statement: the saga's writes of every order's stock rows and lots.

``Model.save(update_fields=...)`` is one round trip per row, and Django's ``bulk_update`` builds a ``Case``
of ``When`` expressions per row and field and compiles them on every call, which cost more CPU than the
round trips it saves. ``rows_update`` writes the same values ``save(update_fields=...)`` would (each
field's ``pre_save``, so ``auto_now`` is set, and ``get_db_prep_save``) as one ``UPDATE ... SET column =
CASE pk WHEN ... END WHERE pk IN (...)``, its SQL built once per model, fields and row count.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.db import connections, router
from django.db.models import Model


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
    with database.cursor() as cursor:
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
