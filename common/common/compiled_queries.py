"""Querysets compiled to SQL once, then run with new values: for the few reads a service makes on every request.

Django compiles a queryset's SQL each time it is evaluated; for a lookup by a unique key that compile
(``get_order_by``, ``setup_joins``, ``as_sql``) costs more CPU than the round trip. A ``CompiledQuery``
builds its queryset once per database connection with marker values, keeps the SQL and where each marker
landed among its parameters, and on each call executes that SQL with the real values, turning the rows into
model instances exactly as the queryset would: the same ``from_db``, the database's converters (through the
compiler that made the SQL) and the ``select_related`` objects. The SQL runs on Django's own cursor, so
transactions, the test database and query capture (``django_assert_num_queries``) behave as before.

It suits querysets whose varying parts are plain values compared by ``=``, or lists of strings or ids given
to ``__in`` (``Many``: one plan per list length); no ``__contains`` and the like: a marker must reach the
parameters unchanged, which ``CompiledQuery`` checks when it compiles. Each use is covered by a test
comparing it with its queryset.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

from common.cursors import statement_cursor

MAX_MANY = 32  # a longer list than this runs as the plain queryset (one plan per list length otherwise)


@dataclass(frozen=True)
class Many:
    """The marker of a list (``sku__in=skus``): the SQL is compiled once per list length. A ``str`` prefix
    marks strings; a (negative, unlikely) ``int`` marks integers (``variant_id__in=ids``), counting down."""

    prefix: str | int

    def markers(self, count: int) -> list[str] | list[int]:
        if isinstance(self.prefix, int):
            return [self.prefix - index for index in range(count)]
        return [f"{self.prefix}{index}" for index in range(count)]


@dataclass(frozen=True)
class _Slot:
    index: int  # position among the SQL's parameters
    name: str
    as_hex: bool  # a UUID the backend stores as 32 hex digits (SQLite)
    item: int | None = None  # the position in a list value (``Many``)


class _Plan:
    """One compiled shape on one connection: the SQL, its parameters, and how rows become instances."""

    def __init__(self, queryset: QuerySet, markers: dict[str, Any]) -> None:
        self.alias = queryset.db
        self.compiler = queryset.query.get_compiler(using=self.alias)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        self.slots = []
        for name, marker in markers.items():
            if isinstance(marker, list):
                self.slots += [self._slot(name, item, position) for position, item in enumerate(marker)]
            else:
                self.slots.append(self._slot(name, marker))
        klass_info, select = self.compiler.klass_info, self.compiler.select
        self.model = klass_info["model"]
        self.start, self.end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, self.alias)
        self.annotations = list(self.compiler.annotation_col_map.items())  # (attribute, column), as Django sets them
        # What ``results_iter`` works out on every call, worked out once: each column's converters (the
        # database's and the field's) and whether a composite primary key needs its columns grouped.
        self.columns = [column[0] for column in select[: self.compiler.col_count]]
        self.converters = self.compiler.get_converters(self.columns)
        self.composite = self.compiler.has_composite_fields(self.columns)

    def _slot(self, name: str, marker: Any, item: int | None = None) -> _Slot:
        hits = [i for i, param in enumerate(self.params) if param == marker]
        as_hex = False
        if not hits and isinstance(marker, uuid.UUID):
            hits, as_hex = [i for i, param in enumerate(self.params) if param == marker.hex], True
        if len(hits) != 1:
            raise ImproperlyConfigured(f"CompiledQuery: {name!r}'s marker is {len(hits)} times among the parameters")
        return _Slot(index=hits[0], name=name, as_hex=as_hex, item=item)

    def run(self, values: dict[str, Any]) -> list[Model]:
        params = list(self.params)
        for slot in self.slots:
            value = values[slot.name] if slot.item is None else values[slot.name][slot.item]
            params[slot.index] = value.hex if slot.as_hex else value
        with statement_cursor(self.alias) as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        instances = []
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        if self.composite:
            rows = self.compiler.composite_fields_to_tuples(rows, self.columns)
        for row in rows:
            instance = self.model.from_db(self.alias, self.init_list, row[self.start : self.end])
            for attribute, column in self.annotations:
                setattr(instance, attribute, row[column])
            for populator in self.populators:
                populator.populate(row, instance)
            instances.append(instance)
        return instances


class CompiledQuery:
    """``build(**markers)`` is the queryset; calling ``query(**values)`` returns its instances for ``values``.

    ``ORDER_BY_NUMBER = CompiledQuery(lambda number: Order.objects.filter(number=number), number="\\x00n")``,
    then ``ORDER_BY_NUMBER(number="CO-2026-000001")``. Each marker must be of its value's type and appear
    nowhere else in the query. Compiled once per connection (connections are per thread, and a compiler
    keeps the connection it compiled for).
    """

    def __init__(self, build: Callable[..., QuerySet], **markers: Any) -> None:
        self.build = build
        self.markers = markers
        self.alias: str | None = None  # the queryset's database, known at the first call

    def __call__(self, **values: Any) -> list[Model]:
        lengths = tuple(len(values[name]) for name, marker in self.markers.items() if isinstance(marker, Many))
        if lengths and min(lengths) == 0:
            return []  # ``__in`` an empty list matches nothing (Django does not query either)
        if lengths and max(lengths) > MAX_MANY:
            return list(self.build(**values))
        markers = {
            name: marker.markers(len(values[name])) if isinstance(marker, Many) else marker
            for name, marker in self.markers.items()
        }
        if self.alias is None:
            self.alias = self.build(**markers).db
        plans = connections[self.alias].__dict__.setdefault("_compiled_query_plans", {})
        plan = plans.get((self, lengths))
        if plan is None:
            plan = plans[(self, lengths)] = _Plan(self.build(**markers), markers)
        return plan.run(values)

    def first(self, **values: Any) -> Model | None:
        """The first instance, or None (for a lookup by a unique key)."""
        instances = self(**values)
        return instances[0] if instances else None
